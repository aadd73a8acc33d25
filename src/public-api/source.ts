// The Segment Public API as a Source: its 31 streams, grouped parent-with-children, read over one HTTP layer.
import type {EngineEvent, RunContext, StreamRun} from '../engine/context.js';
import type {Source, StreamGroup} from '../engine/source.js';
import type {StreamSpec} from '../singer/catalog.js';
import {skipIfForbidden} from './forbidden.js';
import type {Http} from './http.js';
import {runParentUnit} from './parent-unit.js';
import {createRecordPreparer} from './prepare.js';
import {readStream} from './reader.js';
import {type StreamDef, streamByName, streams} from './streams.js';

/** What the Public API's readers share during a run: the engine's context plus the HTTP layer. */
export interface ApiContext extends RunContext {
  readonly http: Http;
}

/** A stream of this source during a run (its def is the registry's own StreamDef). */
export interface ApiRun extends StreamRun {
  readonly def: StreamDef;
}

/** A parent stream (selected or not) with its selected children, or one standalone stream. */
export interface Unit extends StreamGroup {
  readonly root?: ApiRun;
  readonly rootDef: StreamDef;
  readonly children: ApiRun[];
}

/** The registry's StreamDef for a spec of this source; anything else is a programming error. */
export function apiDef(spec: StreamSpec): StreamDef {
  const def = streamByName(spec.name);
  if (!def) throw new Error(`stream ${spec.name} is not a Public API stream`);
  return def;
}

function asApiRun(run: StreamRun): ApiRun {
  apiDef(run.def);
  return run as ApiRun;
}

export function createPublicApiSource(http: Http): Source {
  const units = new Map<string, Unit>();
  return {
    streams,
    preparer: (spec, schema) => createRecordPreparer(apiDef(spec), schema),
    plan(runs) {
      units.clear();
      for (const unit of planUnits(runs.map(asApiRun))) units.set(unit.name, unit);
      return [...units.values()];
    },
    read(group, ctx) {
      const unit = units.get(group.name);
      if (!unit) throw new Error(`group ${group.name} was not planned by the Public API source`);
      return readUnit(unit, {...ctx, http});
    },
  };
}

function planUnits(runs: readonly ApiRun[]): Unit[] {
  const units = new Map<string, {root?: ApiRun; rootDef: StreamDef; children: ApiRun[]}>();
  for (const run of runs) {
    const parentName = run.def.parent?.stream;
    const rootDef = parentName ? streamByName(parentName) : run.def;
    if (!rootDef) throw new Error(`stream ${run.def.name} names an unknown parent ${parentName}`);
    const unit = units.get(rootDef.name) ?? {rootDef, children: []};
    if (parentName) unit.children.push(run);
    else unit.root = run;
    units.set(rootDef.name, unit);
  }
  return [...units.entries()].map(([name, unit]) => ({
    name,
    ...unit,
    runs: [...(unit.root ? [unit.root] : []), ...unit.children],
  }));
}

function readUnit(unit: Unit, ctx: ApiContext): AsyncGenerator<EngineEvent[], ReadonlySet<string>> {
  if (unit.children.length > 0) return runParentUnit(unit, ctx);
  const root = unit.root as ApiRun;
  return skipIfForbidden(root, ctx, readStream(root, ctx));
}

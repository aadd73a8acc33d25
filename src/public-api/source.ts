// The Segment Public API as a Source: its streams (the registry in streams.ts), grouped parent-with-children, read over one HTTP layer.

import type {Config} from '../config/settings.js';
import type {EngineEvent, RunContext, StreamRun} from '../engine/context.js';
import type {Source, StreamGroup} from '../engine/source.js';
import {type Logger, silentLogger} from '../shared/log.js';
import {createDialect, type Dialect} from './dialect.js';
import {endpointLimits} from './endpoint-limits.js';
import {skipIfForbidden} from './forbidden.js';
import type {Http} from './http.js';
import {runParentUnit} from './parent-unit.js';
import {createRecordPreparer} from './prepare.js';
import {readStream} from './reader.js';
import {type DerivedRun, derivationOf} from './relations.js';
import {apiDef, type StreamDef, streamByName, streams} from './streams.js';

/** What the Public API's readers share during a run: the engine's context, the HTTP layer, what the API accepts. */
export interface ApiContext extends RunContext {
  readonly http: Http;
  readonly dialect: Dialect;
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
  /** Children read from this unit's listings instead of per parent of their own (relations.ts). */
  readonly derived: DerivedRun[];
}

function asApiRun(run: StreamRun): ApiRun {
  apiDef(run.def);
  return run as ApiRun;
}

export function createPublicApiSource(http: Http, config: Config): Source {
  // A mistake in the setting stops the run before its first request, not when the stream comes up.
  endpointLimits(config);
  const units = new Map<string, Unit>();
  // One per source, so per host: what one stream learns (brackets, say), every other stream uses.
  let dialect: Dialect | undefined;
  const dialectFor = (log: Logger): Dialect => {
    dialect ??= createDialect(log);
    return dialect;
  };
  return {
    streams,
    preparer: (spec, schema) => createRecordPreparer(apiDef(spec), schema),
    plan(runs) {
      units.clear();
      for (const unit of planUnits(runs.map(asApiRun), config.derive_relations)) units.set(unit.name, unit);
      return [...units.values()];
    },
    read(group, ctx) {
      const unit = units.get(group.name);
      if (!unit) throw new Error(`group ${group.name} was not planned by the Public API source`);
      return readUnit(unit, {...ctx, http, dialect: dialectFor(ctx.log)});
    },
    // Only --test=streams probes: a sync does not load the probe and drift code (start-up).
    probe: async (selections, now) => {
      const {checkStreams} = await import('./probe.js');
      return checkStreams(selections, {http, config, now, dialect: dialectFor(silentLogger)});
    },
    learned: () => dialect?.learned() ?? {},
  };
}

function planUnits(runs: readonly ApiRun[], derive: boolean): Unit[] {
  const units = new Map<
    string,
    {root?: ApiRun; rootDef: StreamDef; children: ApiRun[]; derived: DerivedRun[]}
  >();
  const selected = new Set(runs.map((r) => r.def.name));
  for (const run of runs) {
    const how = derive ? derivationOf(run.def, selected) : undefined;
    // A grandchild (its parent is itself a child) is read in its grandparent's unit.
    const direct = how?.unit ?? run.def.parent?.stream;
    const parentName = how ? direct : (direct && streamByName(direct)?.parent?.stream) || direct;
    const rootDef = parentName ? streamByName(parentName) : run.def;
    if (!rootDef) throw new Error(`stream ${run.def.name} names an unknown parent ${parentName}`);
    const unit = units.get(rootDef.name) ?? {rootDef, children: [], derived: []};
    if (how) unit.derived.push({run, how});
    else if (parentName) unit.children.push(run);
    else unit.root = run;
    units.set(rootDef.name, unit);
  }
  return [...units.entries()].map(([name, unit]) => ({
    name,
    ...unit,
    runs: [...(unit.root ? [unit.root] : []), ...unit.children, ...unit.derived.map((d) => d.run)],
  }));
}

function readUnit(unit: Unit, ctx: ApiContext): AsyncGenerator<EngineEvent[], ReadonlySet<string>> {
  if (unit.children.length > 0 || unit.derived.length > 0) return runParentUnit(unit, ctx);
  const root = unit.root as ApiRun;
  return skipIfForbidden(root, ctx, readStream(root, ctx));
}

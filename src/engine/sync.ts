// The sync engine: selected streams → units (a parent and its children) → merged batches of Singer messages.

import type {Selection} from '../singer/catalog.js';
import type {Config} from '../config/settings.js';
import {InterruptedError} from '../shared/errors.js';
import {createFlattener} from '../singer/flatten.js';
import {guarded} from '../public-api/forbidden.js';
import type {Http} from '../public-api/http.js';
import type {Logger} from '../shared/log.js';
import {mergeConcurrent} from './merge.js';
import {runParentUnit} from '../public-api/parent-unit.js';
import type {Progress} from './progress.js';
import {readStream} from '../public-api/reader.js';
import {createRecordShaper} from '../records/shaper.js';
import type {EngineEvent, RunContext, StreamRun, Unit} from './context.js';
import type {SingerMessage} from '../singer/messages.js';
import {advanceBookmark, type State, setCurrentlySyncing, setParentProgress, stateValue} from '../singer/state.js';
import {type StreamDef, streamByName} from '../public-api/streams.js';

export interface SyncOptions {
  readonly selections: readonly Selection[];
  readonly state: State;
  readonly config: Config;
  readonly http: Http;
  readonly log: Logger;
  readonly now?: () => number;
  /** Aborted by SIGINT/SIGTERM (the reason is an InterruptedError) or a dead target. */
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
}

/**
 * Yields batches of messages. Guarantees: each stream's SCHEMA precedes its records; a STATE
 * covers only what was yielded before it (bookkeeping is applied in output order, across
 * parallel streams); the last batch ends with a STATE. The caller owns stdout.
 */
export async function* sync(options: SyncOptions): AsyncGenerator<SingerMessage[]> {
  const now = options.now ?? Date.now;
  const ctx: RunContext = {...options, signpost: now(), now};
  let state = options.state;
  let lastState = '';
  const active: string[] = [];
  const units = orderUnits(planUnits(options.selections, ctx), state.currently_syncing);
  const started = now();

  const stateMessage = (): SingerMessage[] => {
    const value = stateValue(state);
    const text = JSON.stringify(value);
    if (text === lastState) return [];
    lastState = text;
    return [{type: 'STATE', value}];
  };

  const sources = units.map((unit) => () => runUnit(unit, ctx));
  const interrupted = (): boolean => options.signal?.reason instanceof InterruptedError;
  try {
    for await (const events of mergeConcurrent(sources, options.config.max_parallel_streams)) {
      const out: SingerMessage[] = [];
      for (const event of events) {
        switch (event.type) {
          case 'ADVANCE':
            state = advanceBookmark(state, event.stream, event.key, event.value);
            out.push(...stateMessage());
            break;
          case 'PARENT_DONE':
            state = setParentProgress(state, event.stream, event.parentId);
            out.push(...stateMessage());
            break;
          case 'UNIT':
            if (event.active) active.push(event.name);
            else active.splice(active.indexOf(event.name), 1);
            state = setCurrentlySyncing(state, active[0] ?? null);
            if (!event.active) out.push(...stateMessage());
            break;
          default:
            out.push(event);
        }
      }
      if (out.length > 0) yield out;
      if (interrupted()) break;
    }
  } catch (error) {
    if (!interrupted()) throw error;
  }
  if (interrupted()) {
    // Everything yielded so far is covered; currently_syncing stays so the next run resumes here.
    lastState = '';
    yield stateMessage();
    throw options.signal?.reason;
  }
  state = setCurrentlySyncing(state, null);
  lastState = '';
  yield stateMessage();
  options.log.metric({
    type: 'timer',
    metric: 'sync_duration',
    value: (now() - started) / 1000,
    tags: {endpoint: 'all'},
  });
}

function planUnits(selections: readonly Selection[], ctx: RunContext): Unit[] {
  const units = new Map<string, {root?: StreamRun; rootDef: StreamDef; children: StreamRun[]}>();
  for (const selection of selections) {
    const run = createRun(selection, ctx);
    const parentName = selection.def.parent?.stream;
    const rootDef = parentName ? streamByName(parentName) : selection.def;
    if (!rootDef) throw new Error(`stream ${selection.def.name} names an unknown parent ${parentName}`);
    const unit = units.get(rootDef.name) ?? {rootDef, children: []};
    if (parentName) unit.children.push(run);
    else unit.root = run;
    units.set(rootDef.name, unit);
  }
  return [...units.entries()].map(([name, unit]) => ({name, ...unit}));
}

/** An interrupted run's unit goes first, so a resumed run finishes what the last one was doing. */
function orderUnits(units: Unit[], currentlySyncing: string | null): Unit[] {
  const index = units.findIndex(
    (u) => u.name === currentlySyncing || u.children.some((c) => c.def.name === currentlySyncing),
  );
  return index <= 0 ? units : [...units.slice(index), ...units.slice(0, index)];
}

function createRun(selection: Selection, ctx: RunContext): StreamRun {
  const {config, log} = ctx;
  const flattener = config.flattening_enabled
    ? createFlattener(selection.schema, config.flattening_max_depth)
    : undefined;
  const fullTable = !selection.def.replicationKey;
  return {
    def: selection.def,
    shape: createRecordShaper({...selection, redact: config.redact_secrets, log}),
    output: flattener ? (record) => flattener.record(record) : (record) => record,
    schema: flattener ? flattener.schema : selection.schema,
    version: config.emit_activate_version && fullTable ? {version: ctx.signpost} : {},
    records: 0,
    pages: 0,
  };
}

async function* runUnit(unit: Unit, ctx: RunContext): AsyncGenerator<EngineEvent[]> {
  const runs = [...(unit.root ? [unit.root] : []), ...unit.children];
  const started = ctx.now();
  yield [{type: 'UNIT', name: unit.name, active: true}, ...runs.map(schemaMessage)];
  for (const run of runs) ctx.progress?.start(run);
  ctx.log.info(
    `stream ${unit.name}: starting${unit.children.length ? ` with ${unit.children.map((c) => c.def.name).join(', ')}` : ''}`,
  );
  const completed = unit.children.length
    ? yield* runParentUnit(unit, ctx)
    : yield* guarded(unit.root as StreamRun, ctx, readStream(unit.root as StreamRun, ctx));
  const finished: EngineEvent[] = [];
  for (const run of runs) {
    if (run.version.version !== undefined && completed.has(run.def.name)) {
      finished.push({type: 'ACTIVATE_VERSION', stream: run.def.name, version: run.version.version});
    }
    ctx.log.info(`stream ${run.def.name}: ${run.records} records in ${run.pages} pages`);
    ctx.log.metric({
      type: 'counter',
      metric: 'record_count',
      value: run.records,
      tags: {endpoint: run.def.name},
    });
    ctx.progress?.finish(run);
  }
  ctx.log.metric({
    type: 'timer',
    metric: 'sync_duration',
    value: (ctx.now() - started) / 1000,
    tags: {endpoint: unit.name},
  });
  yield [...finished, {type: 'UNIT', name: unit.name, active: false}];
}

function schemaMessage(run: StreamRun): SingerMessage {
  const {def} = run;
  return {
    type: 'SCHEMA',
    stream: def.name,
    schema: run.schema,
    keyProperties: def.keyProperties,
    ...(def.replicationKey ? {bookmarkProperties: [def.replicationKey]} : {}),
  };
}

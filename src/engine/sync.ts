// The sync engine: selected streams → each source's groups → merged batches of Singer messages and STATE.
import type {Config} from '../config/settings.js';
import {createRecordShaper} from '../records/shaper.js';
import {InterruptedError, StreamsFailedError} from '../shared/errors.js';
import type {Logger} from '../shared/log.js';
import type {Selection} from '../singer/catalog.js';
import {createFlattener} from '../singer/flatten.js';
import type {SingerMessage} from '../singer/messages.js';
import {
  advanceBookmark,
  replaceBookmark,
  type State,
  setCurrentlySyncing,
  setParentProgress,
  stateValue,
} from '../singer/state.js';
import type {EngineEvent, RunContext, StreamRun} from './context.js';
import {asStreamFailure, streamsFailed} from './failures.js';
import {mergeConcurrent} from './merge.js';
import type {Progress} from './progress.js';
import type {Source, StreamGroup} from './source.js';
import {seconds} from './status-line.js';

export interface SyncOptions {
  readonly selections: readonly Selection[];
  readonly state: State;
  readonly config: Config;
  /** Every source of the run; each selection belongs to the source whose streams include it. */
  readonly sources: readonly Source[];
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
 *
 * A failure that concerns one stream (see failures.ts) stops that stream only: nothing of its
 * bookkeeping after the failure reaches STATE, it gets no ACTIVATE_VERSION, every other stream
 * runs to the end, and after the final STATE a StreamsFailedError names the failed streams.
 */
export async function* sync(options: SyncOptions): AsyncGenerator<SingerMessage[]> {
  const now = options.now ?? Date.now;
  const {sources, ...shared} = options;
  const ctx: RunContext = {...shared, signpost: now(), now};
  let state = options.state;
  let lastState = '';
  const active: string[] = [];
  /** Failed stream → the reason, in the order they failed. */
  const failed = new Map<string, string>();
  const planned = planGroups(options.selections, sources, ctx);
  const groups = orderGroups(planned, state.currently_syncing);
  const started = now();

  const stateMessage = (): SingerMessage[] => {
    const value = stateValue(state);
    const text = JSON.stringify(value);
    if (text === lastState) return [];
    lastState = text;
    return [{type: 'STATE', value}];
  };

  /**
   * One batch of engine events → its Singer messages, bookkeeping applied in output order. Its own
   * function, not the loop's body: V8 optimizes a hot loop by compiling the whole function around
   * it, and this generator took 13 ms of compiling for the loop alone (--trace-opt, 100k records).
   */
  const toMessages = (events: readonly EngineEvent[]): SingerMessage[] => {
    const out: SingerMessage[] = [];
    // BOOKMARKs in a row (one per stream of a file, say) become one STATE after the last of them.
    let pending = false;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as EngineEvent;
      if (pending && event.type !== 'BOOKMARK') {
        out.push(...stateMessage());
        pending = false;
      }
      switch (event.type) {
        case 'BOOKMARK':
          if (failed.has(event.stream)) break;
          state = replaceBookmark(state, event.stream, event.value);
          pending = true;
          break;
        case 'ADVANCE':
          if (failed.has(event.stream)) break;
          state = advanceBookmark(state, event.stream, event.key, event.value);
          out.push(...stateMessage());
          break;
        case 'PARENT_DONE':
          if (failed.has(event.stream)) break;
          state = setParentProgress(state, event.stream, event.parentId);
          out.push(...stateMessage());
          break;
        case 'FAILED':
          if (!failed.has(event.stream)) failed.set(event.stream, event.reason);
          break;
        case 'ACTIVATE_VERSION':
          if (!failed.has(event.stream)) out.push(event);
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
    if (pending) out.push(...stateMessage());
    return out;
  };

  const readers = groups.map((group) => () => runGroup(group.source, group.group, ctx));
  const interrupted = (): boolean => options.signal?.reason instanceof InterruptedError;
  try {
    for await (const events of mergeConcurrent(readers, options.config.max_parallel_streams)) {
      const out = toMessages(events);
      if (out.length > 0) yield out;
      if (interrupted()) break;
    }
  } catch (error) {
    if (!interrupted()) throw error;
  }
  if (interrupted()) {
    // Everything yielded so far is covered; currently_syncing stays so the next run resumes here.
    // Forget the last STATE so this one goes out even if unchanged: STATE is always the last line.
    lastState = '';
    yield stateMessage();
    throw options.signal?.reason;
  }
  state = setCurrentlySyncing(state, null);
  lastState = ''; // the final STATE is always the last line, even when unchanged
  yield stateMessage();
  options.log.metric({
    type: 'timer',
    metric: 'sync_duration',
    value: (now() - started) / 1000,
    tags: {endpoint: 'all'},
  });
  if (failed.size > 0) {
    const failures = [...failed].map(([stream, reason]) => ({stream, reason}));
    throw new StreamsFailedError(failures, options.selections.length);
  }
}

interface PlannedGroup {
  readonly source: Source;
  readonly group: StreamGroup;
}

/** Each selection goes to the source that has its stream; each source groups its own. */
function planGroups(
  selections: readonly Selection[],
  sources: readonly Source[],
  ctx: RunContext,
): PlannedGroup[] {
  const owner = (selection: Selection): Source => {
    const source = sources.find((s) => s.streams.includes(selection.def));
    if (!source) throw new Error(`no source reads stream ${selection.def.name}`);
    return source;
  };
  return sources.flatMap((source) => {
    const runs = selections.filter((s) => owner(s) === source).map((s) => createRun(s, source, ctx));
    return runs.length > 0 ? source.plan(runs).map((group) => ({source, group})) : [];
  });
}

/** An interrupted run's group goes first, so a resumed run finishes what the last one was doing. */
function orderGroups(groups: PlannedGroup[], currentlySyncing: string | null): PlannedGroup[] {
  const index = groups.findIndex(
    ({group}) => group.name === currentlySyncing || group.runs.some((r) => r.def.name === currentlySyncing),
  );
  return index <= 0 ? groups : [...groups.slice(index), ...groups.slice(0, index)];
}

function createRun(selection: Selection, source: Source, ctx: RunContext): StreamRun {
  const {config, log} = ctx;
  const flattener = config.flattening_enabled
    ? createFlattener(selection.schema, config.flattening_max_depth)
    : undefined;
  const fullTable = !selection.def.replicationKey;
  return {
    def: selection.def,
    shape: createRecordShaper({
      ...selection,
      // A deselected field is declared, not drift: validate the whole record, then project.
      schema: selection.fullSchema,
      redact: config.redact_secrets,
      log,
      prepare: source.preparer(selection.def, selection.schema),
    }),
    output: flattener ? (record) => flattener.record(record) : (record) => record,
    schema: flattener ? flattener.schema : selection.schema,
    version: config.emit_activate_version && fullTable ? {version: ctx.signpost} : {},
    records: 0,
    pages: 0,
    failed: false,
  };
}

async function* runGroup(source: Source, group: StreamGroup, ctx: RunContext): AsyncGenerator<EngineEvent[]> {
  const {runs} = group;
  const started = ctx.now();
  yield [{type: 'UNIT', name: group.name, active: true}, ...runs.map(schemaMessage)];
  for (const run of runs) ctx.progress?.start(run);
  const others = runs.filter((r) => r.def.name !== group.name).map((r) => r.def.name);
  ctx.log.progress(`stream ${group.name}: starting${others.length ? ` with ${others.join(', ')}` : ''}`);
  let completed: ReadonlySet<string> = new Set();
  try {
    completed = yield* source.read(group, ctx);
  } catch (error) {
    // What the source did not settle itself stops the whole group: the group is read together
    // (a parent's list feeds its children), so none of its remaining streams can go on.
    const failure = asStreamFailure(error, ctx.config);
    if (!failure) throw error;
    yield streamsFailed(runs, failure, ctx.log);
  }
  const finished: EngineEvent[] = [];
  for (const run of runs) {
    if (run.version.version !== undefined && completed.has(run.def.name)) {
      finished.push({type: 'ACTIVATE_VERSION', stream: run.def.name, version: run.version.version});
    }
    const skipped = run.skipped ? ` (${run.pages === 0 ? 'skipped' : 'incomplete'}: ${run.skipped})` : '';
    const outcome = run.failed ? ' before it failed' : skipped;
    ctx.log.progress(
      `stream ${run.def.name}: ${run.records} records in ${run.pages} pages, ${seconds(ctx.now() - started)}${outcome}`,
    );
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
    tags: {endpoint: group.name},
  });
  yield [...finished, {type: 'UNIT', name: group.name, active: false}];
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

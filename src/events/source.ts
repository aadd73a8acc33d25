// The S3 archive as a Source: list → candidates per stream → bodies in flight → lines → records, BOOKMARKs every few files.
import type {Config} from '../config/settings.js';
import type {EngineEvent, RunContext, StreamRun} from '../engine/context.js';
import type {Source} from '../engine/source.js';
import {createDateNormalizer} from '../records/shaper.js';
import {TapError} from '../shared/errors.js';
import type {JsonObject, JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {iso, parseInstant, startOfUtcDay} from '../shared/time.js';
import type {StreamSpec} from '../singer/catalog.js';
import {type ArchiveBookmark, markRead, needsFile, readBookmark} from './cursor.js';
import {readLines} from './lines.js';
import {type ArchiveFile, archiveRoot, byLastModified, inShard, listFiles, listSources} from './listing.js';
import {createPrefetcher} from './prefetch.js';
import {probeArchive} from './probe.js';
import {createProblems, type Problems} from './problems.js';
import {routeMessage} from './route.js';
import {parseShard} from './settings.js';
import type {FileStore} from './store.js';
import {streams, USERS_STREAM} from './streams.js';
import {createTrackTableRecord, isTrackTable, trackTableOf} from './track-tables.js';
import {createUserMerger} from './users.js';

/** Events per yielded batch: big enough to amortise the engine's loop, small enough to stream. */
const BATCH = 100;
/** Compressed bytes buffered per object in flight. */
const PREFETCH_BYTES = 4 * 1024 * 1024;
/**
 * STATE after this many files or bytes (and after the last file). Each STATE carries every
 * stream's file history, so the file count also grows with the history: one entry in 100 of it,
 * which keeps the STATE bytes per file read flat however busy the archive is.
 */
const CHECKPOINT_FILES = 10;
const CHECKPOINT_BYTES = 64 * 1024 * 1024;
const HISTORY_PER_CHECKPOINT_FILE = 100;

/** Files between two STATEs for bookmarks of this size. */
export function checkpointEvery(bookmarks: Iterable<ArchiveBookmark>): number {
  let history = 0;
  for (const bookmark of bookmarks) history = Math.max(history, Object.keys(bookmark.files).length);
  return Math.max(CHECKPOINT_FILES, Math.ceil(history / HISTORY_PER_CHECKPOINT_FILE));
}

export interface Candidate {
  readonly file: ArchiveFile;
  /** The selected streams that have not read this (key, ETag). */
  readonly streams: ReadonlySet<string>;
}

/** `trackTables`: the per-event streams of the input catalog (events_track_tables). */
export function createEventSource(
  store: FileStore,
  config: Config,
  signal?: AbortSignal,
  trackTables: readonly StreamSpec[] = [],
): Source {
  return {
    streams: [...streams, ...trackTables],
    preparer: (_spec, schema) => {
      const toUtc = createDateNormalizer(schema);
      return (item) => [toUtc(item as JsonObject)];
    },
    plan: (runs) => (runs.length > 0 ? [{name: (runs[0] as StreamRun).def.name, runs}] : []),
    read: (group, ctx) => readArchive(store, group.runs, ctx, signal),
    probe: (selections, now) => probeArchive(store, config, selections, now),
  };
}

/** The first day folder to read: events_start_date, else start_date, else every day. */
export function startDayOf(config: Config): number | undefined {
  const start = config.events_start_date ?? config.start_date;
  const ms = start === undefined ? undefined : parseInstant(start);
  return ms === undefined ? undefined : startOfUtcDay(ms);
}

/** Lists the archive and decides, per file, which selected streams still need it. */
export async function planFiles(
  store: FileStore,
  config: Config,
  bookmarks: ReadonlyMap<string, ArchiveBookmark>,
  cutoff: number,
  problems: Problems,
): Promise<{candidates: Candidate[]; sources: string[]; unsettled: number}> {
  const root = archiveRoot(config.events_s3_prefix);
  const lookback = config.events_lookback_hours * 3_600_000;
  const shard = parseShard(config.events_shard);
  const onSkip = (key: string, why: string) => problems.skippedKey(key, why);
  const sources = await listSources(store, root, config.events_source_ids, onSkip);
  const candidates: Candidate[] = [];
  let unsettled = 0;
  for (const sourceId of sources) {
    let listed = 0;
    for await (const files of listFiles(store, root, sourceId, startDayOf(config), onSkip)) {
      listed += files.length;
      for (const file of files) {
        if (!inShard(file.key, shard)) continue;
        const wanting = [...bookmarks].filter(([, b]) => needsFile(b, file, lookback)).map(([s]) => s);
        if (wanting.length === 0) continue;
        // Too fresh: the listing may not show every file of this second yet. The next run reads it.
        if (file.lastModified > cutoff) unsettled += 1;
        else candidates.push({file, streams: new Set(wanting)});
      }
    }
    if (listed === 0) {
      problems.warn(
        `events: source ${sourceId} has no archive files under ${root}${sourceId}/ from the start day on; check events_source_ids and events_start_date`,
      );
    }
  }
  candidates.sort((a, b) => byLastModified(a.file, b.file));
  return {candidates, sources, unsettled};
}

async function* readArchive(
  store: FileStore,
  runs: readonly StreamRun[],
  ctx: RunContext,
  signal: AbortSignal | undefined,
): AsyncGenerator<EngineEvent[], ReadonlySet<string>> {
  const {config, log} = ctx;
  const problems = createProblems(log);
  const byName = new Map(runs.map((r) => [r.def.name, r]));
  const bookmarks = new Map(
    runs.map((r) => [r.def.name, readBookmark(ctx.state.bookmarks[r.def.name] as JsonObject | undefined)]),
  );
  const lookback = config.events_lookback_hours * 3_600_000;
  const cutoff = ctx.signpost - config.events_settle_seconds * 1000;
  const plan = await planFiles(store, config, bookmarks, cutoff, problems);
  const bytes = plan.candidates.reduce((sum, c) => sum + c.file.size, 0);
  log.info(
    `events: ${store.where}: ${plan.sources.length} sources (${plan.sources.join(', ') || 'none'}), ` +
      `${plan.candidates.length} files to read (${(bytes / 1e6).toFixed(1)} MB)` +
      (plan.unsettled > 0 ? `, ${plan.unsettled} newer than the settle time wait for the next run` : ''),
  );
  const users = byName.has(USERS_STREAM) ? createUserMerger() : undefined;
  const tables = trackTablesOf(runs, config, log);
  const usersFiles: ArchiveFile[] = [];
  const prefetch = createPrefetcher(
    store,
    plan.candidates.map((c) => c.file.key),
    config.events_max_parallel_files,
    PREFETCH_BYTES,
    signal,
  );
  // Files read but not yet in a BOOKMARK, per stream; flushed every few files and at the end.
  const unmarked = new Map<string, ArchiveFile[]>();
  let unmarkedFiles = 0;
  let every = checkpointEvery(bookmarks.values());
  let unmarkedBytes = 0;
  const checkpoint = (): EngineEvent[] => {
    const marks: EngineEvent[] = [];
    for (const [stream, files] of unmarked) {
      const next = markRead(bookmarks.get(stream) as ArchiveBookmark, files, lookback);
      bookmarks.set(stream, next);
      marks.push({type: 'BOOKMARK', stream, value: next as unknown as JsonObject});
    }
    unmarked.clear();
    unmarkedFiles = 0;
    unmarkedBytes = 0;
    return marks;
  };
  // Files and bytes read of those listed: the status line's time-left estimate and the closing line.
  const total = plan.candidates.length;
  let filesRead = 0;
  let bytesRead = 0;
  for (const run of runs) run.progress = {done: 0, total};
  try {
    for (const candidate of plan.candidates) {
      const body = await prefetch.take();
      const finished = yield* readFile(body, candidate, byName, users, tables, ctx, problems);
      filesRead += 1;
      bytesRead += candidate.file.size;
      for (const run of runs) run.progress = {done: filesRead, total};
      if (!finished) continue;
      for (const stream of candidate.streams) {
        // The users bookmark moves only when the users are emitted, at the end.
        const list = stream === USERS_STREAM ? usersFiles : (unmarked.get(stream) ?? []);
        list.push(candidate.file);
        if (stream !== USERS_STREAM) unmarked.set(stream, list);
      }
      unmarkedFiles += 1;
      unmarkedBytes += candidate.file.size;
      if (unmarkedFiles >= every || unmarkedBytes >= CHECKPOINT_BYTES) {
        yield checkpoint();
        every = checkpointEvery(bookmarks.values());
      }
    }
    const last = checkpoint();
    if (last.length > 0) yield last;
    if (users) yield* emitUsers(users, usersFiles, byName.get(USERS_STREAM) as StreamRun, bookmarks, ctx);
  } finally {
    prefetch.close();
    problems.emitMetrics();
    log.info(
      `events: read ${filesRead} of ${total} files (${(bytesRead / 1e6).toFixed(1)} of ${(bytes / 1e6).toFixed(1)} MB)`,
    );
  }
  return new Set(runs.map((r) => r.def.name));
}

/** One object's lines → RECORD batches for the streams that need it. False when the body failed mid-way. */
async function* readFile(
  body: import('node:stream').Readable,
  candidate: Candidate,
  byName: ReadonlyMap<string, StreamRun>,
  users: ReturnType<typeof createUserMerger> | undefined,
  tables: TrackTables,
  ctx: RunContext,
  problems: Problems,
): AsyncGenerator<EngineEvent[], boolean> {
  const {file} = candidate;
  const wanted = candidate.streams;
  const usersWant = users !== undefined && wanted.has(USERS_STREAM);
  const lastModified = iso(file.lastModified);
  const timeExtracted = iso(ctx.now());
  const redact = ctx.config.redact_secrets;
  problems.startFile();
  const lines = readLines(body, ctx.config.events_max_line_bytes, {
    oversized: (line, chars) =>
      problems.report(
        'oversized_line',
        `${file.key}:${line}`,
        `line longer than events_max_line_bytes (${chars}+ characters); skipped`,
      ),
    plain: () =>
      problems.report('plain_body', file.key, 'not gzip (no 1f 8b magic bytes); read as plain text'),
  });
  let batch: EngineEvent[] = [];
  // One position per file, its line updated per message: routing copies it into the record at once.
  const at = {sourceId: file.sourceId, key: file.key, line: 0, lastModified};
  const emit = (run: StreamRun, prepared: JsonObject, line: number): void => {
    let shaped: JsonObject[];
    try {
      shaped = run.shape(prepared);
    } catch (error) {
      const what = error instanceof TapError ? error.message.slice(0, 300) : String(error);
      problems.report('invalid_record', `${file.key}:${line}`, `does not fit ${run.def.name}: ${what}`);
      return;
    }
    for (const record of shaped) batch.push(recordMessage(run, record, timeExtracted));
  };
  let result = await lines.next();
  while (!result.done) {
    const {first, lines: texts} = result.value;
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] as string;
      if (text === '') continue;
      const line = first + i;
      let message: JsonValue;
      try {
        message = JSON.parse(text) as JsonValue;
      } catch (error) {
        problems.report(
          'bad_json',
          `${file.key}:${line}`,
          // V8 quotes the start of the line in its message: drop it, a line may hold anything.
          `not JSON (${(error as Error).message.replace(/".*"/s, '"…"').slice(0, 80)}); skipped`,
        );
        continue;
      }
      at.line = line;
      const routed = routeMessage(message, at, redact);
      if ('problem' in routed) {
        if (routed.problem === 'unknown-type') problems.unknownType(routed.type ?? '', `${file.key}:${line}`);
        else report(problems, routed.problem, `${file.key}:${line}`);
        continue;
      }
      if (usersWant && routed.type === 'identify') users?.add(routed.record);
      if (routed.type === 'track' && tables.enabled) {
        const table = tables.forEvent(routed.record.event);
        if (table && wanted.has(table.run.def.name)) emit(table.run, table.build(routed.record), line);
      }
      const run = byName.get(routed.stream);
      if (run && wanted.has(routed.stream)) emit(run, routed.record, line);
    }
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
    result = await lines.next();
  }
  for (const stream of wanted) {
    const run = byName.get(stream);
    if (run) run.pages += 1;
  }
  if (batch.length > 0) yield batch;
  problems.endFile(file.key);
  const end = result.value;
  if (!end.error) return true;
  const zlib = String((end.error as NodeJS.ErrnoException).code ?? '').startsWith('Z_');
  if (zlib) {
    problems.report(
      'truncated_body',
      file.key,
      `gzip body ends early or is corrupt after line ${end.lines} (${end.error.message}); the lines before were read`,
    );
    return true;
  }
  problems.report(
    'failed_body',
    file.key,
    `reading stopped after line ${end.lines} (${end.error.message}); the next run reads the file again`,
  );
  return false;
}

interface TrackTables {
  readonly enabled: boolean;
  /** The selected per-event stream of a track's event name, with its record builder. */
  forEvent(
    event: JsonValue | undefined,
  ): {run: StreamRun; build: (track: JsonObject) => JsonObject} | undefined;
}

/** The run's per-event streams by name; an event name without one is reported once. */
function trackTablesOf(runs: readonly StreamRun[], config: Config, log: Logger): TrackTables {
  const tables = new Map(
    runs
      .filter((r) => isTrackTable(r.def))
      .map((run) => [
        run.def.name,
        {run, build: createTrackTableRecord(run.def.schema ?? run.schema, log, run.def.name)},
      ]),
  );
  const reported = new Set<string>();
  return {
    enabled: tables.size > 0 || config.events_track_tables,
    forEvent(event) {
      if (typeof event !== 'string') return undefined;
      const name = trackTableOf(event);
      const table = name === undefined ? undefined : tables.get(name);
      if (!table && config.events_track_tables && !reported.has(event)) {
        reported.add(event);
        log.info(
          `events: track event "${event.slice(0, 80)}" has no selected per-event stream (new since --discover, or deselected); it is in event_tracks`,
        );
      }
      return table;
    },
  };
}

function report(problems: Problems, problem: string, where: string): void {
  if (problem === 'no-message-id') problems.report('no_message_id', where, 'no messageId; skipped');
  else if (problem === 'no-type') problems.report('no_type', where, 'no type; skipped');
  else problems.report('not_object', where, 'not a JSON object; skipped');
}

/** A shaped record as the RECORD event of its stream, counted on the run. */
function recordMessage(run: StreamRun, record: JsonObject, timeExtracted: string): EngineEvent {
  run.records += 1;
  return {type: 'RECORD', stream: run.def.name, record: run.output(record), timeExtracted, ...run.version};
}

async function* emitUsers(
  users: ReturnType<typeof createUserMerger>,
  files: readonly ArchiveFile[],
  run: StreamRun,
  bookmarks: Map<string, ArchiveBookmark>,
  ctx: RunContext,
): AsyncGenerator<EngineEvent[]> {
  const timeExtracted = iso(ctx.now());
  let batch: EngineEvent[] = [];
  for (const row of users.rows()) {
    for (const record of run.shape(row)) batch.push(recordMessage(run, record, timeExtracted));
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  // The users bookmark moves only now: an interrupted run merges its identifies again next time.
  const lookback = ctx.config.events_lookback_hours * 3_600_000;
  const bookmark = markRead(bookmarks.get(USERS_STREAM) as ArchiveBookmark, files, lookback);
  bookmarks.set(USERS_STREAM, bookmark);
  batch.push({type: 'BOOKMARK', stream: USERS_STREAM, value: bookmark as unknown as JsonObject});
  yield batch;
}

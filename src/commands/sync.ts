// One sync run wired to the process: stdout writer, signals, abort on a dead target, final STATE.

import type {Writable} from 'node:stream';
import {type Config, readJsonObject} from '../config/settings.js';
import {createProgress} from '../engine/progress.js';
import {seconds} from '../engine/status-line.js';
import {type StreamResult, summaryTable} from '../engine/summary.js';
import {sync} from '../engine/sync.js';
import type {HttpStats} from '../public-api/http.js';
import {loadValidators} from '../records/schemas.js';
import {InputError, InterruptedError, StreamsFailedError} from '../shared/errors.js';
import {keepHeapSmall} from '../shared/heap.js';
import type {Logger} from '../shared/log.js';
import {type Selection, selectAll, selectStreams} from '../singer/catalog.js';
import {serializeBatch} from '../singer/messages.js';
import {emptyState, parseState, type State} from '../singer/state.js';
import {createLineWriter} from '../singer/writer.js';
import {ALL_STREAMS, createSources, defaultStreams, isEventStream, trackTablesIn} from './sources.js';

export interface RunFiles {
  catalog?: string;
  state?: string;
}

/** The catalog's selected streams, or every stream of each configured source. */
export function loadSelections(files: RunFiles, config: Config): Selection[] {
  if (!files.catalog) return selectAll(ALL_STREAMS.filter(defaultStreams(config)));
  const catalog = readJsonObject(files.catalog, 'catalog');
  return selectStreams(catalog, files.catalog, [...ALL_STREAMS, ...trackTablesIn(catalog)]);
}

function loadState(files: RunFiles): State {
  return files.state ? parseState(readJsonObject(files.state, 'state'), files.state) : emptyState();
}

/**
 * An incremental API stream with no bookmark starts at start_date, so it needs one. Event streams
 * do not: without a start date they read every day folder of the archive.
 */
function requireStartDate(config: Config, selections: readonly Selection[], state: State): void {
  if (config.start_date !== undefined) return;
  const missing = selections
    .filter((s) => !isEventStream(s.def))
    .filter((s) => s.def.replicationKey && !state.bookmarks[s.def.name]?.replication_key_value)
    .map((s) => s.def.name);
  if (missing.length > 0) {
    throw new InputError(
      `config: start_date is required for incremental streams without a bookmark (${missing.join(', ')}); ` +
        'add e.g. "start_date": "2024-01-01" to the config, or deselect those streams',
    );
  }
}

/**
 * Streams the sync to `out`. SIGINT/SIGTERM stop new requests and end with a STATE covering what
 * was written (exit 130/143); a target that closes the pipe aborts everything at once.
 */
export async function runSync(config: Config, files: RunFiles, log: Logger, out: Writable): Promise<void> {
  const selections = loadSelections(files, config);
  const state = loadState(files);
  requireStartDate(config, selections, state);
  const controller = new AbortController();
  // The writer's own error becomes the abort reason: every request and wait stops at once.
  const writer = createLineWriter(out, (error) => controller.abort(error));
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => () => {
    if (controller.signal.aborted) return;
    log.warn(`${signal} received: stopping requests and writing the last STATE`);
    controller.abort(new InterruptedError(signal));
  };
  // The validators and the sources' code load at once: each is a module read, and the first request waits for both.
  const [built, {sources, http}] = await Promise.all([
    loadValidators(selections.map((s) => s.def.name)),
    createSources(config, selections, log, controller.signal),
  ]);
  log.debug(`validators: ${built} of ${selections.length} streams compiled at build time`);
  if (keepHeapSmall(process.execArgv, process.env.NODE_OPTIONS ?? ''))
    log.debug('heap: V8 limits set for a long sync (src/shared/heap.ts)');
  const stats = () => http?.stats() ?? {requests: 0, retries: 0, rateLimited: 0, waitedMs: 0};
  process.on('SIGINT', onSignal('SIGINT')).on('SIGTERM', onSignal('SIGTERM'));
  // At a terminal the summary table names them all at the end; a log file wants the list up front.
  const names = log.interactive ? '' : `: ${selections.map((s) => s.def.name).join(', ')}`;
  log.info(`syncing ${selections.length} streams${names}`);
  const progress = createProgress({
    log,
    tty: log.interactive,
    streams: selections.map((s) => s.def.name),
    columns: process.stderr.columns,
    stats,
  });
  // A terminal that changes width gets a status line fitted to the new one at once.
  const onResize = () => progress.resize(process.stderr.columns);
  process.stderr.on('resize', onResize);
  let failedStreams: StreamsFailedError | undefined;
  try {
    for await (const batch of sync({
      selections,
      state,
      config,
      sources,
      log,
      signal: controller.signal,
      progress,
    })) {
      await writer.write(serializeBatch(batch));
    }
    await writer.flush();
  } catch (error) {
    if (!(error instanceof StreamsFailedError)) {
      controller.abort(error);
      throw error;
    }
    // Every other stream finished and the final STATE is written: deliver it, report after the table.
    await writer.flush();
    failedStreams = error;
  } finally {
    // The handlers stay until the process exits: a second Ctrl-C while the last STATE is being
    // flushed must not kill the process half-way through that line.
    process.stderr.off('resize', onResize);
    progress.stop();
    // The table is for a person at a terminal, and printed however the run ended (what did get
    // synced matters most after a failure). A log file already has every stream's line and its
    // METRIC lines, and a table in a JSON log would be one record per row: no table there.
    if (log.interactive && log.enabled('info'))
      process.stderr.write(
        log.scrub(summaryTable(progress.results(), progress.elapsedMs(), process.stderr.columns || 80)),
      );
  }
  const summary = completion(progress.results(), stats(), progress.elapsedMs());
  if (failedStreams) {
    log.info(`sync finished with failed streams: ${summary}`);
    throw failedStreams;
  }
  log.info(`sync complete: ${summary}`);
}

function completion(results: readonly StreamResult[], stats: HttpStats, elapsedMs: number): string {
  const count = (outcome: StreamResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const notes = [
    count('failed') ? `${count('failed')} failed` : '',
    count('skipped') ? `${count('skipped')} skipped` : '',
  ].filter(Boolean);
  const records = results.reduce((sum, r) => sum + r.records, 0);
  return (
    `${results.length} streams${notes.length ? ` (${notes.join(', ')})` : ''}, ${records} records, ` +
    `${stats.requests} requests, ${stats.retries} retries, ${stats.rateLimited} rate-limited, ${seconds(elapsedMs)}`
  );
}

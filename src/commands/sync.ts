// One sync run wired to the process: stdout writer, signals, abort on a dead target, final STATE.

import type {Writable} from 'node:stream';
import {type Config, readJsonObject} from '../config/settings.js';
import {createProgress} from '../engine/progress.js';
import {sync} from '../engine/sync.js';
import {InputError, InterruptedError} from '../shared/errors.js';
import type {Logger} from '../shared/log.js';
import {type Selection, selectAll, selectStreams} from '../singer/catalog.js';
import {serialize} from '../singer/messages.js';
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
  const {sources, http} = createSources(config, selections, log, controller.signal);
  const stats = () => http?.stats() ?? {requests: 0, retries: 0, rateLimited: 0, waitedMs: 0};
  process.on('SIGINT', onSignal('SIGINT')).on('SIGTERM', onSignal('SIGTERM'));
  log.info(`syncing ${selections.length} streams: ${selections.map((s) => s.def.name).join(', ')}`);
  const progress = createProgress({log, tty: Boolean(process.stderr.isTTY), stats});
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
      let chunk = '';
      for (const message of batch) chunk += serialize(message);
      await writer.write(chunk);
    }
    await writer.flush();
    const done = stats();
    log.info(
      `sync complete: ${done.requests} API requests, ${done.retries} retries, ${done.rateLimited} rate-limited`,
    );
  } catch (error) {
    controller.abort(error);
    throw error;
  } finally {
    // The handlers stay until the process exits: a second Ctrl-C while the last STATE is being
    // flushed must not kill the process half-way through that line.
    progress.stop();
  }
}

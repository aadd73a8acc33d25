// One bad stream costs one stream: which failures stop only their streams, and the events that say so.
import type {Config} from '../config/settings.js';
import {
  HttpError,
  PaginationLoopError,
  RecordValidationError,
  ResponseShapeError,
  TapError,
} from '../shared/errors.js';
import type {Logger} from '../shared/log.js';
import type {EngineEvent, StreamRun} from './context.js';

/**
 * The error as a failure of its streams alone, or undefined when it must stop the whole run: a bad
 * token, retries run out, a dead target, a signal, a bug, or any failure under strict_streams.
 */
export function asStreamFailure(error: unknown, config: Config): TapError | undefined {
  return error instanceof TapError && error.streamOnly && !config.strict_streams ? error : undefined;
}

/**
 * Marks the runs failed (those not failed already), logs one ERROR line for them, and returns their
 * FAILED events.
 */
export function streamsFailed(runs: readonly StreamRun[], error: TapError, log: Logger): EngineEvent[] {
  const stopping = runs.filter((run) => !run.failed);
  if (stopping.length === 0) return [];
  const reason = failureReason(error);
  for (const run of stopping) Object.assign(run, {failed: true, failure: reason});
  const streams = stopping.map((run) => run.def.name);
  const names = `stream${streams.length === 1 ? '' : 's'} ${streams.join(', ')}`;
  log.error(
    `${names} stop${streams.length === 1 ? 's' : ''} here (the other streams go on; ` +
      `the bookmark stays where the last STATE left it): ${error.message}`,
  );
  return streams.map((stream) => ({type: 'FAILED', stream, reason}));
}

/** A few words for the run's summary line; the ERROR line has the whole story. */
function failureReason(error: TapError): string {
  if (error instanceof RecordValidationError) return 'a record does not fit its schema';
  if (error instanceof PaginationLoopError) return 'the API repeated a pagination cursor';
  if (error instanceof HttpError && error.status !== undefined) return `HTTP ${error.status}`;
  if (error instanceof ResponseShapeError) return 'an unexpected response';
  return error.name;
}

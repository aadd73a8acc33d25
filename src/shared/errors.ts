// Error classes the tap throws; the CLI turns each into one CRITICAL line and an exit code.

/** Base class: a failure the user can act on, printed without a stack trace. */
export class TapError extends Error {
  override name = 'TapError';
  /** Process exit code for this failure (1 = run failed, 2 = usage mistake). */
  get exitCode(): number {
    return 1;
  }
  /**
   * True when the failure concerns one stream only (its records, its endpoint): the run may stop
   * that stream and finish the others. False for what no other stream would survive either.
   */
  get streamOnly(): boolean {
    return false;
  }
}

/** A bad command line: unknown flag, missing or unreadable file. Exit 2 with a help hint. */
export class UsageError extends TapError {
  override name = 'UsageError';
  override get exitCode(): number {
    return 2;
  }
}

/** The config, catalog or state file is wrong; the message names the file, the key and the fix. */
export class InputError extends TapError {
  override name = 'InputError';
}

/** The API answered with a status the tap will not retry, or retries ran out. */
export class HttpError extends TapError {
  override name = 'HttpError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
  /** A 4xx other than 401 (the token is bad for every stream) and 429 (retries ran out on the shared limit). */
  override get streamOnly(): boolean {
    const status = this.status ?? 0;
    return status >= 400 && status < 500 && status !== 401 && status !== 429;
  }
}

/**
 * Retries ran out on a request that never got a response: no connection, a reset, a timeout.
 * `reason` says what went wrong in a few words (token scrubbed); the original error is the cause.
 * The message is the sync's; a caller with other advice (`--test`) builds its own from `reason`.
 */
export class NetworkError extends HttpError {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly reason: string,
    path: string,
    options?: ErrorOptions,
  ) {
    super(message, undefined, path, options);
  }
}

/** The token may not read this stream (403): the plan lacks a feature or the token a scope. */
export class ForbiddenError extends HttpError {
  override name = 'ForbiddenError';
}

/** A response that is not what the API promises: missing envelope key, a null page, a repeated cursor. */
export class ResponseShapeError extends TapError {
  override name = 'ResponseShapeError';
  override get streamOnly(): boolean {
    return true;
  }
}

/** The API handed out a pagination cursor a second time: it would loop forever. */
export class PaginationLoopError extends ResponseShapeError {
  override name = 'PaginationLoopError';
}

/** A record that does not match its stream's schema (a type mismatch, a missing key property). */
export class RecordValidationError extends TapError {
  override name = 'RecordValidationError';
  override get streamOnly(): boolean {
    return true;
  }
}

/** What one failed stream reports at the end of a run. */
export interface StreamFailure {
  readonly stream: string;
  /** A few words: "HTTP 404", "a record does not fit its schema". */
  readonly reason: string;
}

/**
 * Some streams failed and were stopped while every other stream ran to the end: the run's output
 * and STATE are good, but incomplete, so the run exits 1. The message is the run's one-line summary.
 */
export class StreamsFailedError extends TapError {
  override name = 'StreamsFailedError';
  constructor(
    readonly failures: readonly StreamFailure[],
    readonly streamCount: number,
  ) {
    const list = failures.map((f) => `${f.stream} (${f.reason})`).join(', ');
    super(
      `${failures.length} of ${streamCount} streams failed: ${list}; every other stream finished, and the ` +
        'last STATE keeps each failed stream at its last good bookmark (the ERROR lines above say why)',
    );
  }
}

/** The downstream target closed stdout; nothing more can be delivered. */
export class PipeClosedError extends TapError {
  override name = 'PipeClosedError';
}

/** The run was stopped by SIGINT or SIGTERM after flushing what it had produced. */
export class InterruptedError extends TapError {
  override name = 'InterruptedError';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`stopped by ${signal}; the last STATE line covers every record written`);
  }
  override get exitCode(): number {
    return this.signal === 'SIGINT' ? 130 : 143;
  }
}

// Error classes the tap throws; the CLI turns each into one CRITICAL line and an exit code.

/** Base class: a failure the user can act on, printed without a stack trace. */
export class TapError extends Error {
  override name = 'TapError';
  /** Process exit code for this failure (1 = run failed, 2 = usage mistake). */
  get exitCode(): number {
    return 1;
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
}

/** A record that does not match its stream's schema (a type mismatch, a missing key property). */
export class RecordValidationError extends TapError {
  override name = 'RecordValidationError';
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

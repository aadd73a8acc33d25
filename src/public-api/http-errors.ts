// How the Public API fails: retriable vs fatal, the wait a 429 asks for, the API's own words, network reasons.
import {ForbiddenError, HttpError} from '../shared/errors.js';
import {isObject, type JsonObject} from '../shared/json.js';
import {REDACTED} from '../shared/redaction.js';
import type {RequestOptions} from './http.js';
import {type HeaderReader, resetDelayMs, retryAfterMs} from './rate-budget.js';

const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** A failure worth another attempt, with the wait the server asked for (if it did). */
export class RetriableFailure extends Error {
  constructor(
    message: string,
    readonly waitMs?: number,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** No response at all: the fetch itself threw (refused, reset, timed out). */
export class NetworkFailure extends RetriableFailure {
  constructor(reason: string, cause: unknown) {
    super(reason, undefined, undefined, {cause});
  }
}

/**
 * One response → its JSON body, or the failure it means: retriable (429 with the wait the server
 * asked for, 5xx, a body cut short) or fatal (401/403/404/other 4xx, with advice).
 */
export function classify(
  response: {status: number; ok: boolean; headers: HeaderReader},
  text: string,
  path: string,
  request: RequestOptions,
  now: number,
): JsonObject {
  if (response.ok) {
    try {
      const body = JSON.parse(text) as unknown;
      if (isObject(body)) return body;
    } catch {
      // fall through: a body cut short by a dropped connection is worth another try
    }
    throw new RetriableFailure(`response body is not a complete JSON object (${text.length} bytes)`);
  }
  const apiMessage = apiErrorMessage(text);
  if (response.status === 429) {
    const waitMs = rateLimitWait(text, response.headers, now);
    throw new RetriableFailure(`429 Too Many Requests${apiMessage ? `: ${apiMessage}` : ''}`, waitMs, 429);
  }
  if (RETRIABLE_STATUS.has(response.status)) {
    throw new RetriableFailure(
      `${response.status}${apiMessage ? ` ${apiMessage}` : ''}`,
      undefined,
      response.status,
    );
  }
  throw fatalError(response.status, apiMessage, path, request);
}

function rateLimitWait(text: string, headers: HeaderReader, now: number): number | undefined {
  try {
    const body = JSON.parse(text) as {errors?: {data?: {msBeforeNext?: unknown}}[]};
    const ms = body.errors?.[0]?.data?.msBeforeNext;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  } catch {
    // not JSON: fall back to headers
  }
  return resetDelayMs(headers, now) ?? retryAfterMs(headers, now);
}

/** The API's own words: `errors[].message`, joined. */
function apiErrorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as {errors?: {message?: unknown; field?: unknown}[]};
    if (!Array.isArray(body.errors)) return '';
    return body.errors
      .map((e) =>
        [e.message, e.field ? `(field ${e.field})` : ''].filter((x) => typeof x === 'string' && x).join(' '),
      )
      .filter(Boolean)
      .join('; ');
  } catch {
    return text.slice(0, 200).replace(/\s+/g, ' ').trim();
  }
}

function fatalError(status: number, apiMessage: string, path: string, request: RequestOptions): HttpError {
  const said = apiMessage ? ` (API says: ${apiMessage})` : '';
  const where = `GET ${path} for stream ${request.stream}`;
  if (status === 401) {
    return new HttpError(
      `401 Unauthorized on ${where}${said}: the API token is invalid or revoked. Create a Public API token ` +
        '(Settings > Workspace settings > Access Management > Tokens; Config API tokens do not work), ' +
        'and set region: eu if the workspace is in the EU',
      status,
      path,
    );
  }
  if (status === 403) {
    return new ForbiddenError(
      `403 Forbidden on ${where}${said}: this token may not read it` +
        (request.accept === 'v1alpha'
          ? ' (an alpha endpoint)'
          : request.accept === 'v1beta'
            ? ' (a beta endpoint)'
            : ''),
      status,
      path,
    );
  }
  if (status === 404) {
    return new HttpError(
      `404 Not Found on ${where}${said}: check the region setting and that the resource exists`,
      status,
      path,
    );
  }
  return new HttpError(
    `${status} error on ${where}${said}; this request will not succeed on retry`,
    status,
    path,
  );
}

export function networkReason(error: unknown, timeoutMs: number, token: string): string {
  const e = error as {name?: string; code?: string; message?: string; type?: string};
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no complete response within ${timeoutMs / 1000} s`;
  // Libraries may quote the whole request, headers included: keep the first line, cut before any dump, drop the token.
  const firstLine = (e.message ?? '').split('\n')[0] ?? '';
  const detail = (firstLine.split(/\s[{[]/)[0] ?? '').split(token).join(REDACTED).slice(0, 200);
  return `network error ${e.code ?? e.type ?? e.name ?? ''}${detail ? `: ${detail}` : ''}`;
}

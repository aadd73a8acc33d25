// The one HTTP layer: auth, region host, pacing (Bottleneck + server headers), timeouts, retries, error classification.
import Bottleneck from 'bottleneck';
import nodeFetch from 'node-fetch';
import {ForbiddenError, HttpError, NetworkError} from '../shared/errors.js';
import {isObject, type JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {REDACTED} from '../shared/redaction.js';
import {sleep} from '../shared/time.js';
import {
  createRateBudget,
  type HeaderReader,
  type RateBudget,
  resetDelayMs,
  retryAfterMs,
} from './rate-budget.js';

export type Query = Readonly<Record<string, string>>;

export interface RequestOptions {
  /** The stream asking; named in errors, logs and metrics. */
  readonly stream: string;
  readonly accept?: 'v1' | 'v1alpha';
  /** Requests per minute of this endpoint's own documented limit, if any. */
  readonly requestsPerMinute?: number;
  /**
   * What that limit is counted on: the endpoint's path template (`/tracking-plans/{id}/rules`), so
   * that every parent id shares one limiter and one budget. Defaults to the requested path.
   */
  readonly limitKey?: string;
}

export type GetJson = (path: string, query: Query, options: RequestOptions) => Promise<JsonObject>;

export interface HttpStats {
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
}

export interface Http {
  getJson: GetJson;
  stats(): HttpStats;
}

type FetchResponse = {status: number; ok: boolean; headers: HeaderReader; text(): Promise<string>};
export type FetchLike = (
  url: string,
  init: {headers: Record<string, string>; signal: AbortSignal},
) => Promise<FetchResponse>;

export interface HttpOptions {
  baseUrl: string;
  token: string;
  userAgent: string;
  timeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  requestsPerMinute: number;
  log: Logger;
  /** Aborting it stops every request and wait at once (EPIPE, signals). */
  signal?: AbortSignal;
  fetch?: FetchLike;
  random?: () => number;
  now?: () => number;
}

const MEDIA_TYPES = {v1: 'application/vnd.segment.v1+json', v1alpha: 'application/vnd.segment.v1alpha+json'};
const RETRIABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** A failure worth another attempt, with the wait the server asked for (if it did). */
class RetriableFailure extends Error {
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
class NetworkFailure extends RetriableFailure {
  constructor(reason: string, cause: unknown) {
    super(reason, undefined, undefined, {cause});
  }
}

export function createHttp(options: HttpOptions): Http {
  const fetchImpl = options.fetch ?? (nodeFetch as unknown as FetchLike);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const {log, signal} = options;
  const pacer = new Bottleneck({minTime: Math.ceil(60_000 / options.requestsPerMinute)});
  const endpointLimiters = new Map<string, Bottleneck>();
  const budgets = new Map<string, RateBudget>();
  const stats: HttpStats = {requests: 0, retries: 0, rateLimited: 0, waitedMs: 0};

  const limiterFor = (key: string, perMinute: number): Bottleneck =>
    getOrCreate(endpointLimiters, key, () => new Bottleneck({minTime: Math.ceil(60_000 / perMinute)}));
  const budgetFor = (key: string): RateBudget => getOrCreate(budgets, key, () => createRateBudget());
  const wait = async (ms: number): Promise<void> => {
    stats.waitedMs += ms;
    await sleep(ms, signal);
  };

  async function attempt(url: string, path: string, request: RequestOptions): Promise<JsonObject> {
    // The documented limit is per endpoint, not per filled path: key it by the template, else each
    // parent id of a child stream would get a fresh limiter and budget (and the maps would grow).
    const key = request.requestsPerMinute ? (request.limitKey ?? path) : '';
    // Every request counts against the workspace window; an endpoint with its own documented limit
    // also has its own window, which its headers describe (so only that one learns from them).
    const shared = budgetFor('');
    const budget = budgetFor(key);
    const nextDelay = (): number => Math.max(shared.delayBeforeNext(now()), budget.delayBeforeNext(now()));
    // Several streams may be waiting on the same exhausted window; re-check after each wait.
    for (let delay = nextDelay(); delay > 0; delay = nextDelay()) {
      log.debug(`rate-limit budget spent; waiting ${delay} ms for the window to reset (${request.stream})`);
      await wait(delay);
    }
    const sharedSeq = budget === shared ? undefined : shared.spend();
    const seq = budget.spend();
    const send = (): Promise<FetchResponse> =>
      fetchImpl(url, {
        headers: {
          Authorization: `Bearer ${options.token}`,
          Accept: MEDIA_TYPES[request.accept ?? 'v1'],
          'User-Agent': options.userAgent,
        },
        signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(signal ? [signal] : [])]),
      });
    const scheduled = (): Promise<FetchResponse> => pacer.schedule(send);
    const started = now();
    stats.requests += 1;
    let response: FetchResponse;
    let text: string;
    try {
      response = await (request.requestsPerMinute
        ? limiterFor(key, request.requestsPerMinute).schedule(scheduled)
        : scheduled());
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      timer(request.stream, started, 0, 'failed');
      throw new NetworkFailure(networkReason(error, options.timeoutMs, options.token), error);
    } finally {
      budget.finish(seq);
      if (sharedSeq !== undefined) shared.finish(sharedSeq);
    }
    budget.observe(response.headers, now(), seq);
    timer(request.stream, started, response.status, response.ok ? 'succeeded' : 'failed');
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
      stats.rateLimited += 1;
      const waitMs = rateLimitWait(text, response.headers, now());
      if (waitMs !== undefined) budget.exhaust(now() + waitMs);
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

  function timer(stream: string, started: number, status: number, outcome: string): void {
    if (!log.enabled('info')) return;
    log.metric({
      type: 'timer',
      metric: 'http_request_duration',
      value: (now() - started) / 1000,
      tags: {endpoint: stream, http_status_code: status, status: outcome},
    });
  }

  async function getJson(path: string, query: Query, request: RequestOptions): Promise<JsonObject> {
    const search = new URLSearchParams(query).toString();
    const shown = search ? `${path}?${search}` : path;
    const url = `${options.baseUrl}${shown}`;
    for (let retry = 0; ; retry++) {
      try {
        log.debug(`GET ${shown} (${request.stream})`);
        return await attempt(url, path, request);
      } catch (error) {
        if (!(error instanceof RetriableFailure)) throw error;
        if (retry >= options.maxRetries) {
          const attempts = retry + 1;
          const message =
            `GET ${shown} failed for stream ${request.stream} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ` +
            `${error.message}. The API or the network is unstable; run again later (the next run resumes ` +
            'from the last STATE), or raise max_retries';
          if (error instanceof NetworkFailure)
            throw new NetworkError(message, error.message, path, {cause: error.cause});
          throw new HttpError(message, error.status, path);
        }
        // Full jitter over an exponential backoff, capped by backoff_max_ms.
        const backoff = Math.round(
          random() * Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** retry),
        );
        // A wait the server directs (429 msBeforeNext, X-RateLimit-Reset, Retry-After) is honoured
        // even beyond backoff_max_ms: retrying before the window resets only earns another 429.
        const delay = error.waitMs ?? backoff;
        stats.retries += 1;
        log.warn(
          `GET ${shown} (${request.stream}): ${error.message}; retry ${retry + 1}/${options.maxRetries} in ${delay} ms`,
        );
        await wait(delay);
      }
    }
  }

  return {getJson, stats: () => ({...stats})};
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
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
        (request.accept === 'v1alpha' ? ' (an alpha endpoint)' : ''),
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

function networkReason(error: unknown, timeoutMs: number, token: string): string {
  const e = error as {name?: string; code?: string; message?: string; type?: string};
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no complete response within ${timeoutMs / 1000} s`;
  // Libraries may quote the whole request, headers included: keep the first line, cut before any dump, drop the token.
  const firstLine = (e.message ?? '').split('\n')[0] ?? '';
  const detail = (firstLine.split(/\s[{[]/)[0] ?? '').split(token).join(REDACTED).slice(0, 200);
  return `network error ${e.code ?? e.type ?? e.name ?? ''}${detail ? `: ${detail}` : ''}`;
}

// The one HTTP layer: auth, region host, pacing (a steady pace + server headers), timeouts, retries, error classification.
import nodeFetch from 'node-fetch';
import {deadline} from '../shared/deadline.js';
import {HttpError, NetworkError} from '../shared/errors.js';
import type {JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {sleep} from '../shared/time.js';
import {type Allowance, createAllowance} from './allowance.js';
import {classify, NetworkFailure, networkReason, RetriableFailure} from './http-errors.js';
import {createPacer} from './pacer.js';
import {createRateBudget, type HeaderReader, type RateBudget} from './rate-budget.js';

export type Query = Readonly<Record<string, string>>;

/** The media type version a request asks for: `application/vnd.segment.<version>+json`. */
export type MediaVersion = 'v1' | 'v1beta' | 'v1alpha';

export interface RequestOptions {
  /** The stream asking; named in errors, logs and metrics. */
  readonly stream: string;
  readonly accept?: MediaVersion;
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
/** A response with its whole body read. */
type Answer = {response: FetchResponse; text: string};

/** One attempt's budgets, and what sending it spent from them (its sequence numbers) and when. */
interface Sent {
  shared: RateBudget;
  budget: RateBudget;
  seq: number;
  sharedSeq: number | undefined;
  at: number;
}
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
  /** How long the "minute" of an endpoint's own per-minute limit lasts: 60 000 ms; tests shorten it. */
  minuteMs?: number;
}

const MEDIA_TYPES: Readonly<Record<MediaVersion, string>> = {
  v1: 'application/vnd.segment.v1+json',
  v1beta: 'application/vnd.segment.v1beta+json',
  v1alpha: 'application/vnd.segment.v1alpha+json',
};

export function createHttp(options: HttpOptions): Http {
  const fetchImpl = options.fetch ?? (nodeFetch as unknown as FetchLike);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const {log, signal} = options;
  // Not counted in waitedMs: that is time lost to the rate limit, and the pace is the plan.
  // Whole milliseconds, as Bottleneck had it: the steadiest spacing setTimeout can keep.
  const pacer = createPacer(Math.ceil(60_000 / options.requestsPerMinute), (ms) => sleep(ms, signal));
  const endpointLimits = new Map<string, Allowance>();
  const budgets = new Map<string, RateBudget>();
  const stats: HttpStats = {requests: 0, retries: 0, rateLimited: 0, waitedMs: 0};

  const budgetFor = (key: string): RateBudget => getOrCreate(budgets, key, () => createRateBudget());
  const wait = async (ms: number): Promise<void> => {
    stats.waitedMs += ms;
    await sleep(ms, signal);
  };

  const allowanceFor = (key: string, perMinute: number): Allowance =>
    getOrCreate(endpointLimits, key, () => createAllowance(perMinute, options.minuteMs ?? 60_000, wait));

  /** Waits until neither the workspace window nor the endpoint's own window is spent. */
  async function waitForBudget(shared: RateBudget, budget: RateBudget, stream: string): Promise<void> {
    const nextDelay = (): number => Math.max(shared.delayBeforeNext(now()), budget.delayBeforeNext(now()));
    // Several streams may be waiting on the same exhausted window; re-check after each wait.
    for (let delay = nextDelay(); delay > 0; delay = nextDelay()) {
      log.debug(`rate-limit budget spent; waiting ${delay} ms for the window to reset (${stream})`);
      await wait(delay);
    }
  }

  /**
   * One request and its body, sent at its turn of the shared pacer (and of the endpoint's own
   * allowance when it has one). request_timeout covers both the response and its body.
   *
   * The budget is spent only at the turn, in the same tick as the send and its last check. Spent
   * before the turn, a request that waits out its endpoint's allowance (warehouse syncs wait up to
   * 30 s) reaches the server in a later window than the one that counted it, and the tap then
   * believes that window has one request more left than it has: an extra 429 per such request.
   * With an await between check and spend, a second stream could pass the check too.
   */
  function send(url: string, key: string, request: RequestOptions, sent: Sent): Promise<Answer> {
    const fetchOnce = async (): Promise<Answer> => {
      await waitForBudget(sent.shared, sent.budget, request.stream);
      sent.sharedSeq = sent.budget === sent.shared ? undefined : sent.shared.spend();
      sent.seq = sent.budget.spend();
      sent.at = now();
      const timeout = deadline(options.timeoutMs, signal);
      try {
        const response = await fetchImpl(url, {
          headers: {
            Authorization: `Bearer ${options.token}`,
            Accept: MEDIA_TYPES[request.accept ?? 'v1'],
            'User-Agent': options.userAgent,
          },
          signal: timeout.signal,
        });
        return {response, text: await response.text()};
      } finally {
        timeout.clear();
        sent.budget.finish(sent.seq);
        if (sent.sharedSeq !== undefined) sent.shared.finish(sent.sharedSeq);
      }
    };
    const paced = (): Promise<Answer> => pacer.schedule(fetchOnce);
    return request.requestsPerMinute ? allowanceFor(key, request.requestsPerMinute).schedule(paced) : paced();
  }

  async function attempt(url: string, path: string, request: RequestOptions): Promise<JsonObject> {
    // The documented limit is per endpoint, not per filled path: key it by the template, else each
    // parent id of a child stream would get a fresh limiter and budget (and the maps would grow).
    const key = request.requestsPerMinute ? (request.limitKey ?? path) : '';
    // Every request counts against the workspace window; an endpoint with its own documented limit
    // also has its own window, which its headers describe (so only that one learns from them).
    const sent: Sent = {shared: budgetFor(''), budget: budgetFor(key), seq: 0, sharedSeq: undefined, at: 0};
    // Wait out a spent window before taking a turn of the pacer, so the turns stay evenly spaced.
    await waitForBudget(sent.shared, sent.budget, request.stream);
    stats.requests += 1;
    let response: FetchResponse;
    let text: string;
    try {
      ({response, text} = await send(url, key, request, sent));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      timer(request.stream, sent.at, 0, 'failed');
      throw new NetworkFailure(networkReason(error, options.timeoutMs, options.token), error);
    }
    const {shared, budget} = sent;
    budget.observe(response.headers, now(), sent.seq);
    timer(request.stream, sent.at, response.status, response.ok ? 'succeeded' : 'failed');
    try {
      return classify(response, text, path, request, now());
    } catch (error) {
      if (error instanceof RetriableFailure && error.status === 429) {
        stats.rateLimited += 1;
        if (error.waitMs !== undefined) {
          budget.exhaust(now() + error.waitMs);
          // A 429 cannot say whose window ran out, the endpoint's own or the workspace's: hold the
          // shared one too, or the next stream draws a second 429 in the same workspace window.
          if (budget !== shared) shared.exhaust(now() + error.waitMs);
        }
      }
      throw error;
    }
  }

  function timer(stream: string, started: number, status: number, outcome: string): void {
    if (!log.metricsEnabled()) return;
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
          throw new HttpError(message, error.status, path, {cause: error});
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

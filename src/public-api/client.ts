// The Public API's HTTP layer built from the config: which host gets the token, and how requests are paced and retried.
import type {Config} from '../config/settings.js';
import {InputError} from '../shared/errors.js';
import type {Logger} from '../shared/log.js';
import {VERSION} from '../shared/version.js';
import {createHttp, type Http, type HttpOptions} from './http.js';
import {resolveHost} from './region.js';

/** The config → HTTP option mapping, in one place. */
export function httpOptionsFrom(config: Config, log: Logger, signal?: AbortSignal): HttpOptions {
  return {
    baseUrl: resolveHost(config.region, config.base_url),
    token: config.api_token as string,
    userAgent: config.user_agent ?? `tap-segment/${VERSION}`,
    timeoutMs: config.request_timeout * 1000,
    maxRetries: config.max_retries,
    backoffBaseMs: config.backoff_base_ms,
    backoffMaxMs: config.backoff_max_ms,
    requestsPerMinute: config.requests_per_minute,
    log,
    ...(signal ? {signal} : {}),
  };
}

export function httpFor(config: Config, log: Logger, signal?: AbortSignal): Http {
  if (!config.api_token) {
    throw new InputError('config: api_token is required to read the API; add your Segment Public API token');
  }
  return createHttp(httpOptionsFrom(config, log, signal));
}

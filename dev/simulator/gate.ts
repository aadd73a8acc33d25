// The gate in front of every request: auth, routing, media type, path switches and rate limits.

import type {IncomingMessage} from 'node:http';
import {type createRateLimiter, endpointLimit, type WindowState} from './faults.js';
import {negotiate} from './media.js';
import {matchRoute, type RouteMatch} from './routes.js';
import type {createStats} from './stats.js';
import {matches, type Switches} from './switches.js';
import type {Workspace} from './types.js';

export interface Region {
  workspace: Workspace;
  token: string;
}

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  contentType?: string;
}

export interface Admitted {
  match: RouteMatch;
  contentType: string;
  headers: Record<string, string>;
}

export interface GateDeps {
  switches: Switches;
  limiter: ReturnType<typeof createRateLimiter>;
  stats: ReturnType<typeof createStats>;
}

export const errorBody = (type: string, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({errors: [{type, message, ...extra}]});

function rateHeaders(window: WindowState): Record<string, string> {
  return {
    'X-RateLimit-Consumed': String(window.consumed),
    'X-RateLimit-Remaining': String(window.remaining),
    'X-RateLimit-Reset': new Date(window.resetAt).toUTCString(),
  };
}

/** Auth, routing, media type, switches and rate limits: an early answer, or what serving needs. */
export function admit(deps: GateDeps, region: Region, req: IncomingMessage, path: string): Answer | Admitted {
  const {switches, limiter, stats} = deps;
  if (req.headers.authorization !== `Bearer ${region.token}`) {
    return {status: 401, body: errorBody('unauthorized', 'Unauthorized')};
  }
  const match = matchRoute(path);
  if (!match) return {status: 404, body: errorBody('NotFound', 'Resource not found')};
  if (req.method !== 'GET') {
    return {
      status: 405,
      body: errorBody('MethodNotAllowed', `${req.method} is not supported by the simulator`),
    };
  }
  const contentType = negotiate(req.headers.accept, match.route.stability);
  if (!contentType) {
    const only =
      match.route.stability === 'alpha'
        ? 'This endpoint only supports application/vnd.segment.v1alpha+json'
        : match.route.stability === 'beta'
          ? 'This endpoint only supports application/vnd.segment.v1beta+json and v1alpha+json'
          : match.route.stability === 'beta-only'
            ? 'This endpoint only supports application/vnd.segment.v1beta+json'
            : '';
    return {status: 415, body: errorBody('UnsupportedMediaType', only || 'Unsupported Accept header')};
  }
  if (matches(switches.forbidden, path)) {
    return {status: 403, body: errorBody('forbidden', 'The token is not allowed to access this resource')};
  }
  if (matches(switches.notFound, path))
    return {status: 404, body: errorBody('NotFound', 'Resource not found')};
  let window = limiter.consume(region.token, switches.rateLimit);
  const special = endpointLimit(switches.endpointLimits, match.route.pattern, path);
  if (special) {
    const endpointWindow = limiter.consume(`${region.token} ${special[0]}`, special[1]);
    if (!endpointWindow.allowed || endpointWindow.remaining < window.remaining) window = endpointWindow;
  }
  const headers = rateHeaders(window);
  if (!window.allowed) {
    stats.rateLimited();
    const data = {remainingPoints: 0, msBeforeNext: window.msBeforeNext, consumedPoints: window.consumed};
    return {status: 429, body: errorBody('RequestError', 'Too many requests', {data}), headers};
  }
  return {match, contentType, headers};
}

// Rate limiting (fixed windows per token, like rate-limiter-flexible) and seeded fault injection.

import {pick, rngFor} from './random.js';

export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type FaultKind = '500' | '502' | '503' | '504' | 'reset' | 'truncate' | 'slow';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '502', '503', '504', 'reset', 'truncate', 'slow'];

export interface FaultConfig {
  rate: number;
  kinds: readonly FaultKind[];
}

export interface WindowState {
  allowed: boolean;
  limit: number;
  consumed: number;
  remaining: number;
  resetAt: number;
  msBeforeNext: number;
}

/** A window opens at the first request after the previous one closed; every request consumes a point. */
export function createRateLimiter(clock: () => number = Date.now, onOpen: () => void = () => {}) {
  const windows = new Map<string, {start: number; consumed: number}>();
  return {
    consume(key: string, {limit, windowMs}: RateLimit): WindowState {
      const t = clock();
      let window = windows.get(key);
      if (!window || t >= window.start + windowMs) {
        window = {start: t, consumed: 0};
        windows.set(key, window);
        onOpen();
      }
      window.consumed++;
      const resetAt = window.start + windowMs;
      const remaining = Math.max(0, limit - window.consumed);
      return {
        allowed: window.consumed <= limit,
        limit,
        consumed: window.consumed,
        remaining,
        resetAt,
        msBeforeNext: resetAt - t,
      };
    },
    reset: () => windows.clear(),
  };
}

/** The limit for this route, matched by pattern ('{anything}' stands for an id) or by path prefix. */
export function endpointLimit(
  limits: Readonly<Record<string, RateLimit>>,
  pattern: string,
  path: string,
): [string, RateLimit] | undefined {
  for (const [key, limit] of Object.entries(limits)) {
    if (key.replace(/\{[^}]+\}/g, '{id}') === pattern || path.startsWith(key)) return [key, limit];
  }
  return undefined;
}

/** Deterministic per request number, so a failing run can be replayed with the same seed. */
export function createFaultPicker(seed: number) {
  let requestNumber = 0;
  return {
    next(config: FaultConfig | undefined): FaultKind | undefined {
      requestNumber++;
      if (!config || config.rate <= 0 || config.kinds.length === 0) return undefined;
      const rng = rngFor(seed, 'fault', requestNumber);
      return rng() < config.rate ? pick(rng, config.kinds) : undefined;
    },
    reset: () => {
      requestNumber = 0;
    },
  };
}

/** Parses '50/10s', '600/1m', '5/500ms' or '100/2h' into a RateLimit. */
export function parseRateLimit(text: string): RateLimit {
  const match = /^(\d+)\/(\d+)?(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`Invalid rate limit '${text}': expected e.g. 50/10s`);
  const unit = {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[match[3] as 'ms' | 's' | 'm' | 'h'];
  return {limit: Number(match[1]), windowMs: Number(match[2] ?? 1) * unit};
}

// Mirrors the server's rate-limit window from X-RateLimit-* headers so the tap waits before it is told no.

export interface RateBudget {
  /** Milliseconds to wait before the next request may be sent (0 when the budget allows it now). */
  delayBeforeNext(now: number): number;
  /** Counts a request as sent. */
  spend(): void;
  /** Learns the window from a response's headers. */
  observe(headers: HeaderReader, now: number): void;
  /** After a 429: nothing more until `until` (local clock). */
  exhaust(until: number): void;
}

export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Local remaining = the server's last X-RateLimit-Remaining minus what was sent since; once it
 * reaches zero, requests wait for X-RateLimit-Reset (an RFC 5322 date, corrected by the
 * response's Date header when the two clocks disagree by more than its resolution).
 */
export function createRateBudget(marginMs = 100): RateBudget {
  let remaining: number | undefined;
  let resetAt = 0;
  let sentSinceObservation = 0;

  return {
    delayBeforeNext(now) {
      if (remaining === undefined || remaining - sentSinceObservation > 0) return 0;
      if (now >= resetAt) {
        // The window turned over: unknown budget until the next response says otherwise.
        remaining = undefined;
        return 0;
      }
      return resetAt - now + marginMs;
    },
    spend() {
      sentSinceObservation += 1;
    },
    observe(headers, now) {
      const left = Number(headers.get('x-ratelimit-remaining'));
      const reset = resetDelayMs(headers, now);
      if (!Number.isFinite(left) || headers.get('x-ratelimit-remaining') === null) return;
      // This response's own request is no longer "sent since".
      sentSinceObservation = Math.max(0, sentSinceObservation - 1);
      remaining = left;
      if (reset !== undefined) resetAt = now + reset;
    },
    exhaust(until) {
      remaining = 0;
      sentSinceObservation = 0;
      resetAt = Math.max(resetAt, until);
    },
  };
}

/** Milliseconds until X-RateLimit-Reset (an HTTP date, or epoch seconds/ms, or delta seconds). */
export function resetDelayMs(headers: HeaderReader, now: number): number | undefined {
  const raw = headers.get('x-ratelimit-reset');
  if (raw === null || raw.trim() === '') return undefined;
  // Date has one-second resolution: trust it only to correct a real clock skew.
  const serverNow = Date.parse(headers.get('date') ?? '');
  const base = !Number.isNaN(serverNow) && Math.abs(serverNow - now) > 2000 ? serverNow : now;
  const numeric = Number(raw);
  let at: number;
  if (Number.isFinite(numeric)) {
    if (numeric > 1e12) at = numeric;
    else if (numeric > 1e9) at = numeric * 1000;
    else return Math.max(0, numeric * 1000);
  } else {
    at = Date.parse(raw);
    if (Number.isNaN(at)) return undefined;
  }
  return Math.max(0, at - base);
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date). */
export function retryAfterMs(headers: HeaderReader, now: number): number | undefined {
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

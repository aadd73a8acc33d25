// Mirrors the server's rate-limit window from X-RateLimit-* headers so the tap waits before it is told no.

export interface RateBudget {
  /** Milliseconds to wait before the next request may be sent (0 when the budget allows it now). */
  delayBeforeNext(now: number): number;
  /** Counts a request as sent; the returned number ties its response to it. */
  spend(): number;
  /** Learns the window from the response to request `seq`. */
  observe(headers: HeaderReader, now: number, seq: number): void;
  /** Request `seq` is over (answered or failed). */
  finish(seq: number): void;
  /** After a 429: nothing more until `until` (local clock). */
  exhaust(until: number): void;
}

export interface HeaderReader {
  get(name: string): string | null;
}

/** How often a request waiting behind a window probe looks again. */
const PROBE_POLL_MS = 25;

/**
 * Mirrors the server's window: the newest X-RateLimit-Remaining, minus the requests sent after
 * the one that reported it. Once that reaches zero, requests wait for X-RateLimit-Reset (an RFC
 * 5322 date, corrected by the response's Date header when the clocks disagree by more than its
 * resolution). After a reset the budget is unknown, so one request probes the new window before
 * the others follow: at most one request, not one per parallel stream, can meet a 429.
 */
export function createRateBudget(marginMs = 100): RateBudget {
  let remaining: number | undefined;
  let resetAt = 0;
  let sent = 0;
  let snapshotSeq = 0;
  let afterReset = false;
  let probe: number | undefined;

  return {
    delayBeforeNext(now) {
      if (remaining !== undefined && now >= resetAt && resetAt > 0) {
        remaining = undefined;
        afterReset = true;
      }
      if (remaining === undefined) return afterReset && probe !== undefined ? PROBE_POLL_MS : 0;
      if (remaining - (sent - snapshotSeq) > 0) return 0;
      return resetAt > now ? resetAt - now + marginMs : PROBE_POLL_MS;
    },
    spend() {
      sent += 1;
      if (remaining === undefined && afterReset && probe === undefined) probe = sent;
      return sent;
    },
    observe(headers, now, seq) {
      const raw = headers.get('x-ratelimit-remaining');
      const left = Number(raw);
      if (raw === null || !Number.isFinite(left)) return;
      // An older response than the one we already learned from says nothing new.
      if (remaining !== undefined && seq < snapshotSeq) return;
      remaining = left;
      snapshotSeq = seq;
      afterReset = false;
      const reset = resetDelayMs(headers, now);
      if (reset !== undefined) resetAt = now + reset;
    },
    finish(seq) {
      if (probe === seq) probe = undefined;
    },
    exhaust(until) {
      remaining = 0;
      snapshotSeq = sent;
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

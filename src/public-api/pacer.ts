// The workspace's per-minute limit as a steady pace: one request start every `intervalMs`, in call order.

export interface Pacer {
  /** Runs `task` at its turn: no sooner than `intervalMs` after the turn before it. */
  schedule<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Each call takes the next free start time when it is made, so turns go in call order and a
 * wait is only the gap to that time; tasks then run concurrently (a slow response does not hold
 * up the next start). A wait cut short (the run aborted) fails its own task; the turns after it
 * keep their times. This replaced Bottleneck's `minTime`, which did the same at about 1-2 ms of
 * CPU per request (its queue is polled on timers): 210 ms of a 100k-record sync of 100 pages,
 * and half the CPU of a whole-workspace sync of 5,000 requests (bench/results.md).
 */
export function createPacer(
  intervalMs: number,
  wait: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): Pacer {
  let nextStart = Number.NEGATIVE_INFINITY;
  return {
    async schedule(task) {
      const at = now();
      const start = Math.max(at, nextStart);
      nextStart = start + intervalMs;
      if (start > at) await wait(start - at);
      return task();
    },
  };
}

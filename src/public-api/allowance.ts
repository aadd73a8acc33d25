// An endpoint's documented per-minute limit as a sliding window: a burst up to the limit at once, never more in any minute.

export interface Allowance {
  /** Runs `task` as soon as the window has room for one more request (turns are taken in call order). */
  schedule<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * At most `limit` requests start in any `windowMs`. A small workspace (a few warehouses at 2 per
 * minute) goes through at once instead of one request every 30 s; a large one waits only when a
 * request would be the limit + 1st within the window, until the oldest of them leaves it. A 429
 * is not this module's business: the rate budget pauses every request after one.
 */
export function createAllowance(
  limit: number,
  windowMs: number,
  wait: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): Allowance {
  /** Start times within the last window, oldest first. */
  const started: number[] = [];
  let queue: Promise<void> = Promise.resolve();

  async function turn(): Promise<void> {
    for (;;) {
      const at = now();
      while (started.length > 0 && (started[0] as number) <= at - windowMs) started.shift();
      if (started.length < limit) {
        started.push(at);
        return;
      }
      await wait((started[0] as number) + windowMs - at);
    }
  }

  return {
    schedule(task) {
      const mine = queue.then(turn);
      // A turn cut short (the run aborted) must not stall the turns queued behind it.
      queue = mine.catch(() => undefined);
      return mine.then(task);
    },
  };
}

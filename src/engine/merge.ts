// Runs up to `limit` async generators at once and yields their items as they come (each source in order).

type Outcome<T> = {index: number; result: IteratorResult<T>} | {index: number; error: unknown};

/**
 * Each source keeps one item in flight, so a slow consumer throttles every source (backpressure)
 * while a fast one overlaps their waits on the network. A failing source fails the merge; the
 * others are closed.
 *
 * Settled pulls go into a queue that the loop drains; it never races the pending pulls. A
 * `Promise.race` per item would add a reaction to every still-pending pull each time, and each
 * reaction keeps that race's winner (a whole batch of records) alive until the slow source
 * answers: a group waiting on one long listing held tens of thousands of records that way.
 */
export async function* mergeConcurrent<T>(
  sources: readonly (() => AsyncGenerator<T>)[],
  limit: number,
): AsyncGenerator<T> {
  /** Each running source and its pull in flight (settled or not). */
  const active = new Map<number, {iterator: AsyncGenerator<T>; pulling: Promise<void>}>();
  const settled: Outcome<T>[] = [];
  let wake: (() => void) | undefined;
  let started = 0;
  const pull = (index: number, iterator: AsyncGenerator<T>): Promise<void> =>
    iterator.next().then(
      (result) => arrive({index, result}),
      (error: unknown) => arrive({index, error}),
    );
  const arrive = (outcome: Outcome<T>): void => {
    settled.push(outcome);
    wake?.();
  };
  const fill = (): void => {
    while (active.size < Math.max(1, limit) && started < sources.length) {
      const index = started++;
      const iterator = (sources[index] as () => AsyncGenerator<T>)();
      active.set(index, {iterator, pulling: pull(index, iterator)});
    }
  };
  try {
    fill();
    while (active.size > 0) {
      if (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const outcome = settled.shift() as Outcome<T>;
      const entry = active.get(outcome.index);
      if (!entry) continue;
      if ('error' in outcome) {
        active.delete(outcome.index);
        throw outcome.error;
      }
      if (outcome.result.done) {
        active.delete(outcome.index);
        fill();
        continue;
      }
      entry.pulling = pull(outcome.index, entry.iterator);
      yield outcome.result.value;
    }
  } finally {
    const closing = [...active.values()];
    active.clear();
    settled.length = 0;
    // A source still waiting on its next item finishes that first; its outcome no longer matters.
    await Promise.allSettled(
      closing.map(async (a) => {
        await a.pulling;
        await a.iterator.return(undefined);
      }),
    );
  }
}

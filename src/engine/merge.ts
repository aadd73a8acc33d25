// Runs up to `limit` async generators at once and yields their items as they come (each source in order).

/**
 * Each source keeps one item in flight, so a slow consumer throttles every source (backpressure)
 * while a fast one overlaps their waits on the network. A failing source fails the merge; the
 * others are closed.
 */
export async function* mergeConcurrent<T>(
  sources: readonly (() => AsyncGenerator<T>)[],
  limit: number,
): AsyncGenerator<T> {
  type Pending = {index: number; result: IteratorResult<T>};
  const active = new Map<number, {iterator: AsyncGenerator<T>; next: Promise<Pending>}>();
  let started = 0;
  const pull = (index: number, iterator: AsyncGenerator<T>): Promise<Pending> =>
    iterator.next().then((result) => ({index, result}));
  const fill = (): void => {
    while (active.size < Math.max(1, limit) && started < sources.length) {
      const index = started++;
      const iterator = (sources[index] as () => AsyncGenerator<T>)();
      active.set(index, {iterator, next: pull(index, iterator)});
    }
  };
  try {
    fill();
    while (active.size > 0) {
      const {index, result} = await Promise.race([...active.values()].map((a) => a.next));
      const entry = active.get(index);
      if (!entry) continue;
      if (result.done) {
        active.delete(index);
        fill();
        continue;
      }
      entry.next = pull(index, entry.iterator);
      yield result.value;
    }
  } finally {
    const closing = [...active.values()];
    active.clear();
    // A source still waiting on its next item finishes that first; its outcome no longer matters.
    await Promise.allSettled(
      closing.map(async (a) => {
        await a.next.catch(() => undefined);
        await a.iterator.return(undefined);
      }),
    );
  }
}

// Several archive objects in flight: each is opened early and buffered up to a cap, then taken in order.
import {PassThrough, pipeline, type Readable} from 'node:stream';
import type {FileStore} from './store.js';

export interface Prefetcher {
  /** The next body, in the order of `keys`; throws what opening it threw. */
  take(): Promise<Readable>;
  /** Destroys whatever is still open (a stopped run). */
  close(): void;
}

/**
 * Keeps up to `parallel` objects open, each buffering at most `capBytes` before backpressure
 * pauses its download: latency is hidden, memory stays flat whatever the object sizes.
 */
export function createPrefetcher(
  store: FileStore,
  keys: readonly string[],
  parallel: number,
  capBytes: number,
  signal?: AbortSignal,
): Prefetcher {
  const queue: Promise<Readable | Error>[] = [];
  let next = 0;
  const open = async (key: string): Promise<Readable | Error> => {
    try {
      const body = await store.open(key, signal);
      // The cap on the readable side only: a PassThrough's highWaterMark sets both sides, which
      // would buffer twice the cap per object.
      const buffer = new PassThrough({readableHighWaterMark: capBytes, writableHighWaterMark: 64 * 1024});
      pipeline(body, buffer, () => {});
      return buffer;
    } catch (error) {
      return error as Error;
    }
  };
  const fill = (): void => {
    while (queue.length < parallel && next < keys.length) queue.push(open(keys[next++] as string));
  };
  return {
    async take() {
      fill();
      const body = await (queue.shift() as Promise<Readable | Error>);
      fill();
      if (body instanceof Error) throw body;
      return body;
    },
    close() {
      next = keys.length;
      for (const pending of queue.splice(0)) {
        void pending.then((body) => (body instanceof Error ? undefined : body.destroy()));
      }
    },
  };
}

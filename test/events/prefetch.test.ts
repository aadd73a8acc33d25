// prefetch.ts: bodies taken in key order, each buffered up to the cap and no further before it is read.
import {Readable} from 'node:stream';
import {setTimeout as delay} from 'node:timers/promises';
import {expect} from 'chai';
import {createPrefetcher} from '../../src/events/prefetch.js';
import type {FileStore} from '../../src/events/store.js';

const CHUNK = 64 * 1024;

/** A store of 8 MB bodies that counts the bytes each one has produced. */
function countingStore(pulled: Map<string, number>): FileStore {
  return {
    where: 'memory',
    async *list() {},
    async open(key) {
      pulled.set(key, 0);
      let left = 8 * 1024 * 1024;
      return new Readable({
        read() {
          if (left <= 0) return this.push(null);
          left -= CHUNK;
          pulled.set(key, (pulled.get(key) ?? 0) + CHUNK);
          this.push(Buffer.alloc(CHUNK, key));
        },
      });
    },
  };
}

describe('events: prefetching bodies', () => {
  it('buffers at most about the cap per object in flight, and hands bodies out in key order', async () => {
    const pulled = new Map<string, number>();
    const cap = 1024 * 1024;
    const prefetch = createPrefetcher(countingStore(pulled), ['a', 'b', 'c'], 2, cap);
    const first = await prefetch.take();
    await delay(100);
    // 'a' is taken but not read; 'b' and 'c' wait in the queue (2 in flight). None may run ahead
    // past the cap (plus the source's own and the writable side's small buffers).
    for (const key of ['a', 'b', 'c']) {
      expect(pulled.get(key), key)
        .to.be.at.least(cap)
        .and.at.most(cap + 4 * CHUNK);
    }
    const bytes = await new Promise<number>((resolve) => {
      let n = 0;
      first.on('data', (chunk: Buffer) => {
        expect(chunk[0]).to.equal('a'.charCodeAt(0));
        n += chunk.length;
      });
      first.on('end', () => resolve(n));
    });
    expect(bytes).to.equal(8 * 1024 * 1024);
    const second = await prefetch.take();
    const [chunk] = (await second.take(1).toArray()) as Buffer[];
    expect(chunk?.[0]).to.equal('b'.charCodeAt(0));
    prefetch.close();
  });
});

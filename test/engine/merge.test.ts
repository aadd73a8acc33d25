// mergeConcurrent: order per source, the parallelism limit, failures, closing, and what it keeps alive.
import {expect} from 'chai';
import {mergeConcurrent} from '../../src/engine/merge.js';
import {collectGarbage} from '../helpers.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* numbers(name: string, count: number, log?: string[]): AsyncGenerator<string> {
  try {
    for (let i = 0; i < count; i++) {
      await tick();
      yield `${name}${i}`;
    }
  } finally {
    log?.push(`closed ${name}`);
  }
}

async function drain<T>(merged: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of merged) out.push(item);
  return out;
}

describe('mergeConcurrent', () => {
  it('yields every item of every source, each source in its own order', async () => {
    const out = await drain(mergeConcurrent([() => numbers('a', 5), () => numbers('b', 3)], 2));
    expect(out).to.have.length(8);
    expect(out.filter((x) => x.startsWith('a'))).to.deep.equal(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(out.filter((x) => x.startsWith('b'))).to.deep.equal(['b0', 'b1', 'b2']);
    // Both ran at once: b's items are not all after a's.
    expect(out.indexOf('b0')).to.be.lessThan(out.indexOf('a4'));
  });

  it('runs at most `limit` sources at once and starts the next when one ends', async () => {
    let running = 0;
    let most = 0;
    const source = (name: string) =>
      async function* (): AsyncGenerator<string> {
        running += 1;
        most = Math.max(most, running);
        try {
          yield* numbers(name, 3);
        } finally {
          running -= 1;
        }
      };
    const out = await drain(mergeConcurrent(['a', 'b', 'c', 'd', 'e'].map(source), 2));
    expect(out).to.have.length(15);
    expect(most).to.equal(2);
    // With a limit of 1 the sources run one after the other, in order.
    const serial = await drain(mergeConcurrent([() => numbers('a', 2), () => numbers('b', 2)], 1));
    expect(serial).to.deep.equal(['a0', 'a1', 'b0', 'b1']);
  });

  it('fails when a source fails, and closes the others', async () => {
    const log: string[] = [];
    async function* failing(): AsyncGenerator<string> {
      yield 'x0';
      await tick();
      throw new Error('listing broke');
    }
    const merged = mergeConcurrent([() => numbers('a', 100, log), failing], 2);
    let error: unknown;
    const seen: string[] = [];
    try {
      for await (const item of merged) seen.push(item);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal('listing broke');
    expect(seen).to.include('x0');
    expect(seen.length).to.be.lessThan(100);
    expect(log).to.deep.equal(['closed a']);
  });

  it('closes every running source when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const item of mergeConcurrent([() => numbers('a', 50, log), () => numbers('b', 50, log)], 2)) {
      if (item === 'a3') break;
    }
    expect(log.sort()).to.deep.equal(['closed a', 'closed b']);
  });

  it('keeps nothing it already yielded while another source waits a long time', async () => {
    // Source "slow" answers only when released; "fast" yields 200 batches meanwhile. Each yielded
    // batch must be collectable once the consumer drops it (a Promise.race per item kept them all).
    let release: () => void = () => {};
    async function* slow(): AsyncGenerator<object> {
      await new Promise<void>((resolve) => (release = resolve));
      yield {slow: true};
    }
    const yielded: WeakRef<object>[] = [];
    async function* fast(): AsyncGenerator<object> {
      for (let i = 0; i < 200; i++) {
        await tick();
        const batch = {records: new Array(100).fill(i)};
        yielded.push(new WeakRef(batch));
        yield batch;
      }
    }
    const merged = mergeConcurrent([slow, fast], 2);
    let count = 0;
    for (;;) {
      const {value, done} = await merged.next();
      if (done) break;
      count += 1;
      if ('slow' in value) continue;
      if (count === 200) {
        // Every fast batch but the latest is yielded and dropped; slow is still waiting.
        await tick();
        collectGarbage();
        const alive = yielded.slice(0, -2).filter((ref) => ref.deref() !== undefined).length;
        expect(alive).to.equal(0);
        release();
      }
    }
    expect(count).to.equal(201);
  });
});

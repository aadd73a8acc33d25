// The workspace pace on a fake clock: evenly spaced starts in call order, no wait when idle, aborts.
import {expect} from 'chai';
import {createPacer} from '../src/public-api/pacer.js';

/** A clock that only a wait moves, so the pace costs no real time. */
function fakeClock() {
  let t = 0;
  const waits: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    waits,
    wait: async (ms: number) => {
      waits.push(ms);
    },
  };
}

describe('pacer (requests_per_minute as a steady pace)', () => {
  it('spaces the starts of requests asked at once by the interval, in call order', async () => {
    const clock = fakeClock();
    const pacer = createPacer(300, clock.wait, clock.now);
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pacer.schedule(async () => order.push(i))));
    expect(clock.waits).to.deep.equal([300, 600, 900]);
    expect(order).to.deep.equal([0, 1, 2, 3]);
  });

  it('does not wait when the previous start is an interval or more ago, and waits only the rest otherwise', async () => {
    const clock = fakeClock();
    const pacer = createPacer(300, clock.wait, clock.now);
    await pacer.schedule(async () => undefined);
    clock.advance(500);
    await pacer.schedule(async () => undefined);
    clock.advance(100);
    await pacer.schedule(async () => undefined);
    expect(clock.waits).to.deep.equal([200]);
  });

  it('runs tasks concurrently: a slow task does not hold the next start back', async () => {
    const clock = fakeClock();
    const pacer = createPacer(0, clock.wait, clock.now);
    let release: () => void = () => {};
    const slow = pacer.schedule(() => new Promise<string>((resolve) => (release = () => resolve('slow'))));
    expect(await pacer.schedule(async () => 'fast')).to.equal('fast');
    release();
    expect(await slow).to.equal('slow');
  });

  it('a wait cut short fails its own task, which never runs, and keeps the later turns', async () => {
    let t = 0;
    const waits: number[] = [];
    const pacer = createPacer(
      100,
      async (ms) => {
        waits.push(ms);
        if (waits.length === 1) throw new Error('aborted');
      },
      () => t,
    );
    const ran: string[] = [];
    const first = pacer.schedule(async () => ran.push('first'));
    const second = pacer.schedule(async () => ran.push('second'));
    const third = pacer.schedule(async () => ran.push('third'));
    await first;
    const outcomes = await Promise.allSettled([second, third]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'fulfilled']);
    expect(ran).to.deep.equal(['first', 'third']);
    expect(waits).to.deep.equal([100, 200]);
    t = 1000;
    await pacer.schedule(async () => ran.push('later'));
    expect(waits).to.have.length(2);
  });
});

// The per-minute allowance of an endpoint with its own limit, on a fake clock: bursts, the sliding window, aborts.
import {expect} from 'chai';
import {createAllowance} from '../src/public-api/allowance.js';

/** A clock that a wait moves forward, so a minute costs no real time. */
function fakeClock() {
  let t = 0;
  const waits: number[] = [];
  return {
    now: () => t,
    waits,
    wait: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe('allowance (a per-minute limit with bursts)', () => {
  it('starts up to the limit at once, then one more each time the oldest start leaves the minute', async () => {
    const clock = fakeClock();
    const allowance = createAllowance(2, 60_000, clock.wait, clock.now);
    const starts = await Promise.all([1, 2, 3, 4, 5].map(() => allowance.schedule(async () => clock.now())));
    expect(starts).to.deep.equal([0, 0, 60_000, 60_000, 120_000]);
    expect(clock.waits).to.deep.equal([60_000, 60_000]);
  });

  it('never starts more than the limit in any minute when requests trickle in', async () => {
    const clock = fakeClock();
    const allowance = createAllowance(2, 60_000, clock.wait, clock.now);
    const starts: number[] = [];
    for (const gap of [0, 10_000, 10_000, 5_000]) {
      await clock.wait(gap);
      starts.push(await allowance.schedule(async () => clock.now()));
    }
    // 0 and 10 s go at once; the third (asked at 20 s) waits for 60 s; the fourth (asked at 65 s)
    // waits until 70 s, when the start at 10 s leaves the minute.
    expect(starts).to.deep.equal([0, 10_000, 60_000, 70_000]);
    for (const [i, start] of starts.entries()) {
      expect(starts.filter((s) => s > start - 60_000 && s <= start).length, `at ${i}`).to.be.at.most(2);
    }
  });

  it('a wait cut short (the run aborted) fails its own request and does not stall the ones queued behind it', async () => {
    let t = 0;
    let calls = 0;
    const allowance = createAllowance(
      1,
      1000,
      async (ms) => {
        calls += 1;
        if (calls === 1) throw new Error('aborted');
        t += ms;
      },
      () => t,
    );
    const first = await allowance.schedule(async () => 'first');
    const second = allowance.schedule(async () => 'second').catch((e: Error) => e.message);
    const third = allowance.schedule(async () => 'third');
    expect([first, await second, await third]).to.deep.equal(['first', 'aborted', 'third']);
  });
});

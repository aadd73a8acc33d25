// The server-window mirror: spend, learn from headers, wait for the reset, probe one request at a time.
import {expect} from 'chai';
import {createRateBudget, resetDelayMs, retryAfterMs} from '../src/public-api/rate-budget.js';

const headers = (values: Record<string, string>) => ({
  get: (name: string) => values[name.toLowerCase()] ?? null,
});
const T0 = Date.parse('2026-11-26T12:00:00Z');

describe('rate budget', () => {
  it('lets requests through until the reported remaining budget is spent, then waits for the reset', () => {
    const budget = createRateBudget(100);
    const first = budget.spend();
    budget.observe(
      headers({'x-ratelimit-remaining': '2', 'x-ratelimit-reset': new Date(T0 + 5000).toUTCString()}),
      T0,
      first,
    );
    budget.finish(first);
    expect(budget.delayBeforeNext(T0)).to.equal(0);
    budget.spend();
    budget.spend();
    expect(budget.delayBeforeNext(T0 + 1000)).to.equal(4100);
  });

  it('ignores a response older than the one it already learned from', () => {
    const budget = createRateBudget();
    const a = budget.spend();
    const b = budget.spend();
    budget.observe(
      headers({'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(T0 + 3000).toUTCString()}),
      T0,
      b,
    );
    budget.observe(headers({'x-ratelimit-remaining': '40'}), T0, a);
    expect(budget.delayBeforeNext(T0)).to.be.greaterThan(2000);
  });

  it('sends one probe into a fresh window before the others follow', () => {
    const budget = createRateBudget(0);
    budget.exhaust(T0 + 1000);
    expect(budget.delayBeforeNext(T0 + 500)).to.equal(500);
    expect(budget.delayBeforeNext(T0 + 1000)).to.equal(0);
    const probe = budget.spend();
    expect(budget.delayBeforeNext(T0 + 1001)).to.be.greaterThan(0);
    budget.observe(headers({'x-ratelimit-remaining': '49'}), T0 + 1050, probe);
    budget.finish(probe);
    expect(budget.delayBeforeNext(T0 + 1051)).to.equal(0);
  });

  it('reads X-RateLimit-Reset as an HTTP date, epoch seconds, epoch ms or delta seconds', () => {
    expect(resetDelayMs(headers({'x-ratelimit-reset': new Date(T0 + 7000).toUTCString()}), T0)).to.equal(
      7000,
    );
    expect(resetDelayMs(headers({'x-ratelimit-reset': String((T0 + 7000) / 1000)}), T0)).to.equal(7000);
    expect(resetDelayMs(headers({'x-ratelimit-reset': String(T0 + 7000)}), T0)).to.equal(7000);
    expect(resetDelayMs(headers({'x-ratelimit-reset': '7'}), T0)).to.equal(7000);
    expect(resetDelayMs(headers({'x-ratelimit-reset': 'soon'}), T0)).to.equal(undefined);
  });

  it('corrects the reset by the server Date header when the clocks are skewed', () => {
    const serverNow = T0 + 60_000;
    const values = {
      'x-ratelimit-reset': new Date(serverNow + 5000).toUTCString(),
      date: new Date(serverNow).toUTCString(),
    };
    expect(resetDelayMs(headers(values), T0)).to.equal(5000);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs(headers({'retry-after': '3'}), T0)).to.equal(3000);
    expect(retryAfterMs(headers({'retry-after': new Date(T0 + 2000).toUTCString()}), T0)).to.equal(2000);
    expect(retryAfterMs(headers({}), T0)).to.equal(undefined);
  });
});

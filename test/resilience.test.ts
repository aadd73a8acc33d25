// Issue 4's acceptance run: a full sync through 20% failing responses and a 50-per-10-seconds rate limit.
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {streams} from '../src/public-api/streams.js';
import {runCli, tempFiles} from './support/cli.js';
import {expectedKeys} from './support/truth.js';

describe('resilience (simulator with faults and a rate limit)', function () {
  this.timeout(240_000);
  let sim: Simulator;
  const clock = Date.now() - 10 * 60_000;
  const startDate = new Date(clock - 40 * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    sim = await startSimulator({scale: 1, seed: 7, now: () => clock});
  });
  after(async () => sim?.close());

  it("syncs exactly the simulator's records through 20% faults, drawing at most one 429 per window", async () => {
    const windowMs = 10_000;
    sim.configure({
      rateLimit: {limit: 50, windowMs},
      faults: {rate: 0.2, kinds: ['500', '502', '503', '504', 'reset', 'truncate']},
    });
    const files = tempFiles({
      'config.json': {
        api_token: sim.token,
        base_url: sim.url,
        start_date: startDate,
        page_size: 250,
        requests_per_minute: 100000,
        backoff_base_ms: 100,
        request_timeout: 5,
      },
    });
    const signpost = Date.now();
    const result = await runCli(['--config', files['config.json'] as string], {timeoutMs: 230_000});
    const elapsed = Date.now() - signpost;
    expect(result.code, result.stderr.slice(-3000)).to.equal(0);
    const stats = sim.stats();
    const lines = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    for (const def of streams) {
      const emitted = lines
        .filter((m) => m.type === 'RECORD' && m.stream === def.name)
        .map((m) => JSON.stringify(def.keyProperties.map((k) => m.record[k] ?? null)));
      expect(new Set(emitted).size, `${def.name}: duplicates`).to.equal(emitted.length);
      expect(new Set(emitted), def.name).to.deep.equal(
        expectedKeys(sim.workspace, def, {start: Date.parse(startDate), signpost}),
      );
    }
    const windows = stats.windowsOpened;
    const rateLimited = stats.byStatus[429] ?? 0;
    const faults = stats.faultsInjected;
    process.stderr.write(
      `      resilience: ${stats.requests} requests, ${faults} faults injected, ${rateLimited} x 429 over ${windows} windows, ${(elapsed / 1000).toFixed(1)} s\n`,
    );
    expect(faults).to.be.greaterThan(stats.requests * 0.1);
    expect(rateLimited).to.be.at.most(windows);
    expect(windows).to.be.at.most(Math.ceil(elapsed / windowMs) + 1);
  });
});

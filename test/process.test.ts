// The tap at the head of a pipe: backpressure, a target that dies, SIGINT/SIGTERM with a final STATE.
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {streams} from '../src/public-api/streams.js';
import {discover} from '../src/singer/catalog.js';
import {runCli, tempFiles} from './support/cli.js';
import {expectedKeys} from './support/truth.js';

const catalog = discover(streams);
for (const entry of catalog.streams) (entry.metadata[0]?.metadata as Record<string, unknown>).selected = true;

interface Line {
  type: string;
  stream?: string;
  record?: Record<string, unknown>;
  value?: unknown;
}

describe('process and pipe behaviour', function () {
  this.timeout(120_000);
  let sim: Simulator;
  const clock = Date.now() - 10 * 60_000;
  const startDate = new Date(clock - 60 * 86_400_000).toISOString().slice(0, 10);
  /** The command line of a run: its config and the catalog above. */
  const tapArgs = (extra: Record<string, unknown> = {}): string[] => {
    const files = tempFiles({
      'catalog.json': catalog,
      'config.json': {
        api_token: sim.token,
        base_url: sim.url,
        start_date: startDate,
        page_size: 5,
        requests_per_minute: 100000,
        // The simulator does not hold the tap to warehouse_syncs' 2/min (4 warehouses: a minute more per run).
        endpoint_requests_per_minute: 'warehouse_syncs=1000',
        ...extra,
      },
    });
    return ['--config', files['config.json'] as string, '--catalog', files['catalog.json'] as string];
  };

  before(async () => {
    sim = await startSimulator({scale: 2, seed: 11, now: () => clock});
  });
  after(async () => sim?.close());

  it('stops reading the API while the target does not read (backpressure), then finishes', async () => {
    sim.resetStats();
    let requestsWhilePaused = 0;
    const result = await runCli(tapArgs(), {
      onSpawn: (child) => {
        child.stdout?.pause();
        setTimeout(() => {
          const before = sim.stats().requests;
          setTimeout(() => {
            requestsWhilePaused = sim.stats().requests - before;
            child.stdout?.resume();
          }, 1500);
        }, 1500);
      },
    });
    expect(result.code, result.stderr.slice(-1000)).to.equal(0);
    // A few requests may be in flight when the pipe fills; a tap without backpressure makes hundreds.
    expect(requestsWhilePaused).to.be.at.most(8);
    expect(sim.stats().requests).to.be.greaterThan(200);
  });

  it('exits non-zero within two seconds with one ERROR line when the target closes the pipe', async () => {
    let closedAt = 0;
    const result = await runCli(tapArgs(), {
      onSpawn: (child) => {
        let seen = 0;
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > 20_000 && closedAt === 0) {
            closedAt = Date.now();
            child.stdout?.destroy();
          }
        });
      },
    });
    const tookMs = Date.now() - closedAt;
    process.stderr.write(`      target closed the pipe -> tap exited in ${tookMs} ms\n`);
    expect(result.code).to.equal(1);
    expect(tookMs).to.be.below(2000);
    const errors = result.stderr.split('\n').filter((l) => /^(ERROR|CRITICAL)/.test(l));
    expect(errors).to.deep.equal(['ERROR the downstream target closed the pipe (stdout); stopping the sync']);
    expect(result.stderr).to.not.match(/\n\s+at /);
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`on ${signal} ends with a STATE covering what was written, exits ${code}, and a resumed run loses nothing`, async () => {
      const args = tapArgs({max_parallel_streams: 2});
      const first = await runCli(args, {
        onSpawn: (child) => {
          let seen = 0;
          let sent = false;
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            // SIGTERM is sent again on every chunk: repeated signals while flushing must not kill the tap.
            if (seen > 150_000 && (!sent || signal === 'SIGTERM')) {
              sent = true;
              child.kill(signal);
            }
          });
        },
      });
      expect(first.code, first.stderr.slice(-1500)).to.equal(code);
      expect(first.stdout.endsWith('\n')).to.equal(true);
      const lines = first.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      const last = lines.at(-1) as Line;
      expect(last.type).to.equal('STATE');
      expect(last.value).to.have.property('currently_syncing').that.is.a('string');
      expect(first.stderr).to.include(`${signal} received`);

      const state = tempFiles({'state.json': last.value})['state.json'] as string;
      const signpost = Date.now();
      const second = await runCli([...args, '--state', state]);
      expect(second.code, second.stderr.slice(-1500)).to.equal(0);
      const resumed = second.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
      for (const def of streams) {
        const keys = (list: Line[]) =>
          list
            .filter((m) => m.type === 'RECORD' && m.stream === def.name)
            .map((m) => JSON.stringify(def.keyProperties.map((k) => m.record?.[k] ?? null)));
        const union = new Set([...keys(lines), ...keys(resumed)]);
        for (const key of expectedKeys(sim.workspace, def, {start: Date.parse(startDate), signpost})) {
          expect(union.has(key), `${def.name} lost ${key}`).to.equal(true);
        }
      }
    });
  }
});

// The sync's heap limits (src/shared/heap.ts): new space stops at its cap in a real sync, and a user's own V8 flags win.
import {readFileSync} from 'node:fs';
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {keepHeapSmall, NEW_SPACE_CAP_BYTES} from '../src/shared/heap.js';
import {runCli, tempFiles} from './support/cli.js';

const PROBE = new URL('./support/heap-probe.cjs', import.meta.url).pathname;

describe('heap limits of a sync', function () {
  this.timeout(60000);
  let sim: Simulator;
  let files: Record<string, string>;

  before(async () => {
    // 100k audit events in pages of 1000, then the probe's burst of objects kept alive at exit:
    // enough that V8's default new space doubles to 32 MB.
    sim = await startSimulator({scale: 100});
    files = tempFiles({
      'config.json': {
        api_token: sim.token,
        base_url: sim.url,
        start_date: new Date(Date.now() - 89 * 86_400_000).toISOString(),
        page_size: 1000,
        requests_per_minute: 100000,
      },
      'catalog.json': {
        streams: [{tap_stream_id: 'audit_events', metadata: [{breadcrumb: [], metadata: {selected: true}}]}],
      },
    });
  });
  after(() => sim.close());

  async function largestNewSpace(nodeOptions: string): Promise<number> {
    const probe = `${files.dir}/probe.json`;
    const result = await runCli(
      ['--config', files['config.json'] as string, '--catalog', files['catalog.json'] as string],
      {
        env: {NODE_OPTIONS: `--require ${PROBE} ${nodeOptions}`, HEAP_PROBE_FILE: probe},
      },
    );
    expect(result.code, result.stderr).to.equal(0);
    // Every audit event since start_date (the simulator keeps a few older ones).
    expect(result.stdout.split('\n').filter((l) => l.includes('"RECORD"')).length).to.be.greaterThan(90_000);
    return (JSON.parse(readFileSync(probe, 'utf8')) as {newSpaceBytes: number}).newSpaceBytes;
  }

  it('holds new space at its cap through a 100k-record sync', async () => {
    expect(await largestNewSpace('')).to.be.at.most(NEW_SPACE_CAP_BYTES);
  });

  it("leaves V8 alone when the user sized the heap (NODE_OPTIONS): the same sync's new space then grows past the cap", async () => {
    // --max-semi-space-size=16 is V8's own default maximum: only the tap's cap is taken away.
    expect(await largestNewSpace('--max-semi-space-size=16')).to.be.greaterThan(NEW_SPACE_CAP_BYTES);
  });

  it('recognises each heap flag a user may have set, in node arguments or NODE_OPTIONS', () => {
    for (const flag of [
      '--max-semi-space-size=8',
      '--min-semi-space-size=4',
      '--semi-space-growth-factor=1',
      '--heap-growing-percent=20',
    ]) {
      expect(keepHeapSmall([flag], ''), flag).to.equal(false);
      expect(keepHeapSmall([], `--require x.cjs ${flag}`), flag).to.equal(false);
    }
  });
});

// `--test=streams` against the simulator: forbidden, missing and drifting streams are named; no value leaks.
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {streams} from '../src/public-api/streams.js';
import {runCli, tempFiles} from './support/cli.js';

describe('--test=streams', function () {
  this.timeout(60_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({scale: 1, seed: 5});
  });
  after(async () => sim?.close());

  const run = (extra: string[] = []) => {
    const files = tempFiles({
      'config.json': {api_token: sim.token, base_url: sim.url, requests_per_minute: 100000},
    });
    return runCli([
      '--config',
      files['config.json'] as string,
      '--test=streams',
      '--log-level',
      'warn',
      ...extra,
    ]);
  };

  it('exits 0 on the default workspace, at one request per stream plus one per child', async () => {
    sim.resetStats();
    const result = await run();
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).to.include('Every selected stream is readable and matches its schema.');
    const children = streams.filter((s) => s.parent).length;
    expect(sim.stats().requests).to.be.at.most(streams.length + children);
  });

  it('reports the query forms the API accepted: brackets after a 422, the groupBy form that groups', async () => {
    sim.configure({paginationForm: 'bracket', groupByForm: 'json'});
    try {
      const result = await run(['--format', 'json']);
      expect(result.code, result.stderr).to.equal(0);
      const report = JSON.parse(result.stdout) as {api: Record<string, string>};
      expect(report.api).to.deep.equal({
        pagination:
          'pagination[count] (the bracket form); the API rejected pagination.count (the dot form) with HTTP 422',
        events_volume_groupBy: 'groupBy=["source"]',
      });
      expect(result.stderr).to.include('What the API accepted:');
    } finally {
      sim.configure({paginationForm: 'dot', groupByForm: 'comma'});
    }
  });

  it('names forbidden, missing and drifting streams, exits 1, and reports no record values', async () => {
    sim.configure({
      forbidden: ['/audit-events', '/spaces'],
      notFound: ['/roles'],
      extraFields: ['/sources'],
      wrongTypes: ['/warehouses'],
    });
    try {
      const result = await run(['--format', 'json']);
      expect(result.code).to.equal(1);
      const report = JSON.parse(result.stdout) as {ok: boolean; streams: Record<string, unknown>[]};
      expect(report.ok).to.equal(false);
      const byName = Object.fromEntries(report.streams.map((s) => [s.stream, s]));
      expect(byName.audit_events).to.include({readable: 'forbidden', needs: 'Audit Trail (Business tier)'});
      expect(byName.spaces).to.include({readable: 'forbidden'});
      expect(byName.roles).to.include({readable: 'not found'});
      expect(byName.roles).to.not.have.property('needs');
      expect(byName.sources?.extra_fields).to.deep.equal(['zzExtraField']);
      const mismatch = (
        byName.warehouses?.type_mismatches as {field: string; actual: string}[] | undefined
      )?.[0];
      expect(mismatch).to.include({field: 'enabled'});
      expect(byName.users).to.include({readable: 'yes'});
      expect(result.stderr).to.include('forbidden (needs Audit Trail (Business tier))');
      expect(result.stderr).to.include('+zzExtraField');
      expect(result.stderr).to.include('open an issue with the JSON report');
      // No value of any record: not the extra field's text, not a source name, not a write key.
      const output = result.stdout + result.stderr;
      expect(output).to.not.include('not in the schema');
      const source = (await fetch(`${sim.url}/sources?pagination.count=1`, {
        headers: {authorization: `Bearer ${sim.token}`},
      }).then((r) => r.json())) as {
        data: {sources: {name: string; writeKeys: string[]}[]};
      };
      const first = source.data.sources[0];
      expect(output).to.not.include(first?.name as string);
      for (const key of first?.writeKeys ?? []) expect(output).to.not.include(key);
      expect(output).to.not.include(sim.token);
    } finally {
      sim.configure({forbidden: [], notFound: [], extraFields: [], wrongTypes: []});
    }
  });
});

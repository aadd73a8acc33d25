// End to end: the built CLI against the simulator over a real socket, stdout read through a pipe.
import {expect} from 'chai';
import singer from 'singer-node';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {streams} from '../src/public-api/streams.js';
import {runCli, stdoutLines, tempFiles} from './support/cli.js';
import {expectedKeys} from './support/truth.js';

const DAY = 86_400_000;

interface Parsed {
  type: string;
  stream?: string;
  record?: Record<string, unknown>;
  value?: {bookmarks: Record<string, {replication_key_value?: string}>; currently_syncing: string | null};
  key_properties?: string[];
}

/** Parses every line with singer-node and checks the Singer ordering rules. */
function parseOutput(stdout: string): Parsed[] {
  const lines = stdout.split('\n').filter((l) => l !== '');
  const seen = new Set<string>();
  const messages = lines.map((line) => {
    singer.parse_message(line);
    const message = JSON.parse(line) as Parsed;
    if (message.type === 'SCHEMA') seen.add(message.stream as string);
    if (message.type === 'RECORD')
      expect(seen.has(message.stream as string), `SCHEMA before ${message.stream}`).to.equal(true);
    return message;
  });
  expect(messages.at(-1)?.type).to.equal('STATE');
  return messages;
}

function keysByStream(messages: Parsed[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const m of messages) {
    if (m.type !== 'RECORD') continue;
    const def = streams.find((s) => s.name === m.stream);
    const list = keys.get(m.stream as string) ?? [];
    list.push(JSON.stringify(def?.keyProperties.map((k) => m.record?.[k] ?? null)));
    keys.set(m.stream as string, list);
  }
  return keys;
}

describe('end to end through the simulator', function () {
  this.timeout(120_000);
  let sim: Simulator;
  const clock = Date.now() - 10 * 60_000;
  const startDate = new Date(clock - 75 * DAY).toISOString().slice(0, 10);

  before(async () => {
    // A fixed simulator clock: no audit event or usage row appears while a test runs.
    sim = await startSimulator({scale: 1, now: () => clock});
  });
  after(async () => sim?.close());

  const config = (extra: Record<string, unknown> = {}) => ({
    api_token: sim.token,
    base_url: sim.url,
    start_date: startDate,
    page_size: 7,
    requests_per_minute: 100000,
    ...extra,
  });

  let firstState: unknown;
  let firstKeys: Map<string, string[]>;

  it("syncs every stream across several pages with exactly the simulator's records", async () => {
    const files = tempFiles({'config.json': config()});
    const signpost = Date.now();
    const result = await runCli(['--config', files['config.json'] as string]);
    expect(result.code, result.stderr.slice(-2000)).to.equal(0);
    expect(result.stderr).to.not.include(sim.token);
    const messages = parseOutput(result.stdout);
    firstKeys = keysByStream(messages);
    for (const def of streams) {
      const emitted = firstKeys.get(def.name) ?? [];
      const expected = expectedKeys(sim.workspace, def, {start: Date.parse(startDate), signpost});
      expect(new Set(emitted).size, `${def.name} has duplicates`).to.equal(emitted.length);
      expect(new Set(emitted), def.name).to.deep.equal(expected);
      expect(emitted.length, `${def.name} should not be empty`).to.be.greaterThan(0);
    }
    // Several pages per stream: page_size 7 is below most collections.
    expect(sim.stats().requests).to.be.greaterThan(streams.length * 2);
    firstState = messages.at(-1)?.value;
    expect(firstState).to.have.property('currently_syncing', null);
  });

  it('re-reads only the incremental windows it should when given the final STATE', async () => {
    const files = tempFiles({'config.json': config(), 'state.json': firstState});
    sim.resetStats();
    const signpost = Date.now();
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--state',
      files['state.json'] as string,
    ]);
    expect(result.code, result.stderr.slice(-2000)).to.equal(0);
    const keys = keysByStream(parseOutput(result.stdout));
    const bookmarks = Object.fromEntries(
      Object.entries(
        (firstState as {bookmarks: Record<string, {replication_key_value: string}>}).bookmarks,
      ).map(([s, b]) => [s, b.replication_key_value]),
    );
    for (const def of streams) {
      const expected = expectedKeys(sim.workspace, def, {start: Date.parse(startDate), signpost, bookmarks});
      expect(new Set(keys.get(def.name) ?? []), def.name).to.deep.equal(expected);
    }
    // The audit trail and usage re-read only the open window.
    expect(keys.get('audit_events')?.length).to.be.below((firstKeys.get('audit_events')?.length ?? 0) / 10);
    expect(keys.get('usage_mtu_daily')?.length).to.be.below(firstKeys.get('usage_mtu_daily')?.length ?? 0);
    const periods = Object.keys(sim.stats().byPath).filter((p) => p.startsWith('/usage/mtu/daily'));
    expect(periods.length).to.be.at.most(2);
  });

  it('syncs only the streams a catalog selects, with no request for the others', async () => {
    const discovered = JSON.parse((await runCli(['--discover'])).stdout);
    for (const entry of discovered.streams) {
      entry.metadata[0].metadata.selected = ['labels', 'group_users'].includes(entry.tap_stream_id);
    }
    const files = tempFiles({'config.json': config(), 'catalog.json': discovered});
    sim.resetStats();
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--properties',
      files['catalog.json'] as string,
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const messages = parseOutput(result.stdout);
    expect(new Set(messages.filter((m) => m.type === 'SCHEMA').map((m) => m.stream))).to.deep.equal(
      new Set(['labels', 'group_users']),
    );
    const paths = Object.keys(sim.stats().byPath);
    expect(
      paths.every((p) => p === '/labels' || p.startsWith('/groups')),
      paths.join(' '),
    ).to.equal(true);
  });

  it('derives the connected destinations and warehouses of each source without a request per source, and derive_relations: false reads them per source with the same records', async () => {
    const relations = [
      'source_connected_destinations',
      'source_connected_warehouses',
      'warehouse_connected_sources',
    ];
    const sync = async (selected: string[], extra: Record<string, unknown> = {}) => {
      const files = tempFiles({'config.json': config(extra), 'catalog.json': catalogOf(selected)});
      sim.resetStats();
      const result = await runCli([
        '--config',
        files['config.json'] as string,
        '--catalog',
        files['catalog.json'] as string,
      ]);
      expect(result.code, result.stderr).to.equal(0);
      const records = new Map<string, Set<string>>();
      for (const m of parseOutput(result.stdout)) {
        if (m.type !== 'RECORD') continue;
        const set = records.get(m.stream as string) ?? new Set();
        set.add(JSON.stringify(m.record));
        records.set(m.stream as string, set);
      }
      return {records, paths: Object.keys(sim.stats().byPath), requests: sim.stats().requests};
    };
    const bySource = (paths: string[]) => paths.filter((p) => /^\/sources\/[^/]+\/connected-/.test(p));
    const derived = await sync(relations);
    const direct = await sync(relations, {derive_relations: false});
    for (const name of relations) {
      expect(derived.records.get(name)?.size, name).to.be.greaterThan(0);
      expect(derived.records.get(name), name).to.deep.equal(direct.records.get(name));
    }
    expect(bySource(derived.paths)).to.deep.equal([]);
    expect(bySource(direct.paths)).to.not.deep.equal([]);
    expect(derived.requests).to.be.below(direct.requests);
    // Without warehouse_connected_sources there is no other side to read: each source's list is.
    const alone = await sync(['source_connected_warehouses']);
    expect(alone.records.get('source_connected_warehouses')).to.deep.equal(
      direct.records.get('source_connected_warehouses'),
    );
    expect(bySource(alone.paths)).to.not.deep.equal([]);
  });

  it('routes an EU workspace to its own host and token', async () => {
    const files = tempFiles({
      'config.json': {api_token: sim.euToken, base_url: sim.euUrl, region: 'eu', start_date: startDate},
      'catalog.json': catalogOf(['workspace']),
    });
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--catalog',
      files['catalog.json'] as string,
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const workspace = parseOutput(result.stdout).find((m) => m.type === 'RECORD')?.record;
    expect(workspace).to.include({id: sim.euWorkspace.id, slug: sim.euWorkspace.slug});
    expect(workspace?.id).to.not.equal(sim.workspace.id);
  });

  it('explains a token from the other region in one line, without the token', async () => {
    const files = tempFiles({
      'config.json': {api_token: sim.token, base_url: sim.euUrl, start_date: startDate},
      'catalog.json': catalogOf(['sources']),
    });
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--catalog',
      files['catalog.json'] as string,
    ]);
    expect(result.code).to.equal(1);
    const critical = result.stderr.split('\n').filter((l) => l.startsWith('CRITICAL'));
    expect(critical).to.have.length(1);
    expect(critical[0]).to.include('401').and.include('region: eu');
    expect(result.stderr + result.stdout).to.not.include(sim.token);
  });

  it('passes the connection test with a good token and fails it with a bad one', async () => {
    const good = tempFiles({'config.json': {api_token: sim.token, base_url: sim.url}});
    const ok = await runCli(['--config', good['config.json'] as string, '--test']);
    expect(ok.code).to.equal(0);
    expect(ok.stderr).to.include(`workspace "${sim.workspace.name}"`);
    expect(stdoutLines(ok)).to.have.length(0);
    const bad = tempFiles({'config.json': {api_token: 'sgp_not_a_real_token_123', base_url: sim.url}});
    const failed = await runCli(['--config', bad['config.json'] as string, '--test']);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include('connection test failed: 401');
    const offline = tempFiles({
      'config.json': {api_token: 'sgp_not_a_real_token_123', base_url: 'http://127.0.0.1:9'},
    });
    const unreachable = await runCli(['--config', offline['config.json'] as string, '--test']);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.stderr).to.include('cannot reach http://127.0.0.1:9');
  });
});

function catalogOf(selected: string[]) {
  return {
    streams: selected.map((name) => ({
      tap_stream_id: name,
      schema: {},
      metadata: [{breadcrumb: [], metadata: {selected: true}}],
    })),
  };
}

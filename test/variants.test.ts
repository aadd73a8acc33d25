// End to end: whichever variant the live API turns out to be, the built CLI emits the same rows (or the documented fallback).
import {expect} from 'chai';
import singer from 'singer-node';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import type {SwitchInput} from '../dev/simulator/switches.js';
import {FRACTION} from '../dev/simulator/variants.js';
import {listAll} from '../dev/simulator/workspace.js';
import {streamByName, streams} from '../src/public-api/streams.js';
import {type CliResult, runCli, tempFiles} from './support/cli.js';

const DAY = 86_400_000;
type Row = Record<string, unknown>;
type State = {bookmarks: Record<string, Record<string, unknown>>; currently_syncing: string | null};

interface Run {
  result: CliResult;
  rows: Map<string, Row[]>;
  state: State;
  /** Requests the simulator saw, by path. */
  byPath: Record<string, number>;
}

/** The switches every test starts from: the well-behaved simulator. */
const DEFAULTS: SwitchInput = {
  paginationForm: 'dot',
  formRejection: 422,
  groupByForm: 'comma',
  listFields: 'contract',
  keylessFunction: false,
  fractional: false,
  notFound: [],
  wrongTypes: [],
};

/** Streams a workspace without the plan feature loses when its list answers 404 (children go with their parent). */
const GATED = [
  '/spaces',
  '/audit-events',
  '/tracking-plans',
  '/reverse-etl-models',
  '/transformations',
  '/functions',
];

describe('the same rows whichever variant the API is (end to end)', function () {
  this.timeout(300_000);
  let sim: Simulator;
  let baseline: Run;
  const clock = Date.now() - 10 * 60_000;
  const startDate = new Date(clock - 40 * DAY).toISOString().slice(0, 10);

  const run = async (switches: SwitchInput, state?: State): Promise<Run> => {
    sim.configure({...DEFAULTS, ...switches});
    sim.resetStats();
    try {
      const files = tempFiles({
        'config.json': {
          api_token: sim.token,
          base_url: sim.url,
          start_date: startDate,
          page_size: 10,
          requests_per_minute: 100000,
        },
        ...(state ? {'state.json': state} : {}),
      });
      const args = ['--config', files['config.json'] as string];
      if (state) args.push('--state', files['state.json'] as string);
      const result = await runCli(args, {timeoutMs: 120_000});
      expect(result.stderr + result.stdout).to.not.include(sim.token);
      return {result, ...parse(result.stdout), byPath: sim.stats().byPath};
    } finally {
      sim.configure(DEFAULTS);
    }
  };

  /** Every stream but `except` has exactly the baseline's rows, in the baseline's order. */
  const expectSameRows = (got: Run, except: readonly string[] = []) => {
    for (const def of streams) {
      if (except.includes(def.name)) continue;
      expect(got.rows.get(def.name), def.name).to.deep.equal(baseline.rows.get(def.name));
    }
  };
  const requestsTo = (got: Run, pattern: RegExp) =>
    Object.entries(got.byPath)
      .filter(([path]) => pattern.test(path))
      .reduce((sum, [, n]) => sum + n, 0);
  const critical = (got: Run) => got.result.stderr.split('\n').filter((l) => l.startsWith('CRITICAL'));

  before(async () => {
    sim = await startSimulator({scale: 1, now: () => clock});
    baseline = await run({});
    expect(baseline.result.code, baseline.result.stderr.slice(-2000)).to.equal(0);
  });
  after(async () => sim?.close());

  it('well-behaved: every stream has rows, and the detail columns are real', () => {
    for (const def of streams)
      expect(baseline.rows.get(def.name)?.length ?? 0, def.name).to.be.greaterThan(0);
    const users = baseline.rows.get('users') ?? [];
    const truth = listAll(sim.workspace, '/users') as Row[];
    expect(users.map((u) => u.permissions)).to.deep.equal(truth.map((u) => u.permissions ?? null));
    for (const fn of baseline.rows.get('functions') ?? []) {
      expect(fn.code, String(fn.id)).to.be.a('string');
      expect(fn.settings, String(fn.id)).to.be.an('array');
    }
    expect(baseline.result.stderr).to.include(
      'INFO pagination: the API accepts pagination.count (the dot form); the run pages with it',
    );
    expect(baseline.result.stderr).to.include(
      'INFO stream events_volume_daily: the API groups by source with groupBy=source',
    );
  });

  for (const formRejection of [422, 400] as const) {
    it(`bracket-only pagination answering the dot form ${formRejection}: same rows, one INFO line naming brackets`, async () => {
      const got = await run({paginationForm: 'bracket', formRejection});
      expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
      expectSameRows(got);
      const said = got.result.stderr.split('\n').filter((l) => l.includes('pagination:'));
      expect(said).to.have.length(1);
      expect(said[0]).to.include(`rejected pagination.count (the dot form) with HTTP ${formRejection}`);
      expect(got.result.stderr).to.not.include('WARNING');
    });
  }

  for (const [form, shown] of [
    ['indexed', 'groupBy[0]=source'],
    ['brackets', 'groupBy[]=source'],
    ['dotted', 'groupBy.0=source'],
    ['json', 'groupBy=["source"]'],
  ] as const) {
    it(`groupBy understood only as ${shown}: same rows, and the INFO line names it`, async () => {
      const got = await run({groupByForm: form});
      expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
      expectSameRows(got);
      expect(got.result.stderr).to.include(`the API groups by source with ${shown}`);
    });
  }

  it('groupBy ignored in every form: the workspace-wide series under "(workspace)", the rest the same, exit 0', async () => {
    const got = await run({groupByForm: 'none'});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    expectSameRows(got, ['events_volume_daily', 'events_volume_by_event_daily']);
    const def = streamByName('events_volume_daily');
    const series = listAll(sim.workspace, '/events/volume', {
      granularity: 'DAY',
      startTime: `${startDate}T00:00:00.000Z`,
      endTime: new Date(clock + DAY).toISOString(),
    });
    expect(series).to.have.length(1);
    const expected = series.flatMap((item) => def?.transform?.(item as never) ?? []);
    expect(expected.every((r) => r.sourceId === '(workspace)')).to.equal(true);
    expect(got.rows.get('events_volume_daily')).to.deep.equal(expected);
    // One per volume stream that asked before the other had decided (they run in parallel).
    const warnings = got.result.stderr.split('\n').filter((l) => l.startsWith('WARNING'));
    expect(warnings.length).to.be.within(1, 2);
    for (const warning of warnings) expect(warning).to.include('ignored every groupBy form');
  });

  it('fractional numbers: the same rows, with the fractions the API sent', async () => {
    const got = await run({fractional: true});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    const fractional: Record<string, string[]> = {
      groups: ['memberCount'],
      usage_mtu_daily: ['periodStart', 'periodEnd'],
      usage_mtu_per_source_daily: ['periodStart', 'periodEnd'],
      functions: ['batchMaxCount'],
    };
    // Every series count gets its quarter: event volume's below, Delivery Overview's here.
    const series = streams.filter((s) => s.window === 'series-window').map((s) => s.name);
    expectSameRows(got, [
      ...Object.keys(fractional),
      'events_volume_daily',
      'events_volume_by_event_daily',
      ...series,
    ]);
    for (const stream of series) {
      const expected = (baseline.rows.get(stream) ?? []).map((row) => ({
        ...row,
        count: (row.count as number) + FRACTION.quarter,
      }));
      expect(got.rows.get(stream), stream).to.deep.equal(expected);
    }
    for (const [stream, fields] of Object.entries(fractional)) {
      const expected = (baseline.rows.get(stream) ?? []).map((row) => {
        const copy = {...row};
        for (const field of fields)
          if (typeof copy[field] === 'number') copy[field] = (copy[field] as number) + FRACTION.half;
        return copy;
      });
      expect(got.rows.get(stream), stream).to.deep.equal(expected);
    }
    const volume = baseline.rows.get('events_volume_daily') ?? [];
    const points = (sourceId: unknown) => volume.filter((r) => r.sourceId === sourceId).length;
    expect(got.rows.get('events_volume_daily')).to.deep.equal(
      volume.map((row) => ({
        ...row,
        count: (row.count as number) + FRACTION.quarter,
        total: (row.total as number) + FRACTION.quarter * points(row.sourceId),
      })),
    );
  });

  it('plan-gated lists answering 404: those streams skipped with a warning naming the feature, the rest the same, exit 0', async () => {
    const got = await run({notFound: GATED});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    const skipped = [
      'spaces',
      'audiences',
      'computed_traits',
      'audit_events',
      'tracking_plans',
      'tracking_plan_rules',
      'tracking_plan_sources',
      'reverse_etl_models',
      'reverse_etl_syncs',
      'transformations',
      'functions',
    ];
    expectSameRows(got, skipped);
    for (const stream of skipped) expect(got.rows.get(stream) ?? [], stream).to.have.length(0);
    const warnings = got.result.stderr.split('\n').filter((l) => l.startsWith('WARNING'));
    // One per gated list, and one for reverse_etl_syncs: its first mapping's 404 (under
    // /reverse-etl-models) says the plan lacks Reverse ETL, so no other mapping is asked.
    expect(warnings).to.have.length(GATED.length + 1);
    expect(warnings.filter((w) => w.includes('reverse_etl_syncs'))).to.have.length(1);
    for (const feature of ['Engage (Spaces)', 'Audit Trail', 'Protocols', 'Reverse ETL', 'Functions'])
      expect(
        warnings.some((w) => w.includes('404') && w.includes(feature)),
        feature,
      ).to.equal(true);
  });

  it('users listed without permissions: the same rows, at one GET /users/{id} per user', async () => {
    const got = await run({listFields: 'slim'});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    expectSameRows(got);
    expect(requestsTo(got, /^\/users\/[^/]+$/)).to.equal(sim.workspace.collections.users?.count);
    // The default list carries permissions for most users: only those without get a detail read.
    const without = (listAll(sim.workspace, '/users') as Row[]).filter((u) => !('permissions' in u)).length;
    expect(requestsTo(baseline, /^\/users\/[^/]+$/)).to.equal(without);
  });

  it('functions listed with every detail field: the same rows, without a single detail request', async () => {
    const got = await run({listFields: 'full'});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    expectSameRows(got);
    expect(requestsTo(got, /^\/functions\/[^/]+$/)).to.equal(0);
    expect(requestsTo(baseline, /^\/functions\/[^/]+$/)).to.equal(baseline.rows.get('functions')?.length);
  });

  it('a function without an id: skipped with one warning, every row the same', async () => {
    const got = await run({keylessFunction: true});
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    expectSameRows(got);
    const warnings = got.result.stderr.split('\n').filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('stream functions: the API listed an item without an id');
  });

  it('every surprise at once: the same rows but the documented ones', async () => {
    const got = await run({
      paginationForm: 'bracket',
      groupByForm: 'dotted',
      listFields: 'slim',
      keylessFunction: true,
      notFound: ['/spaces'],
    });
    expect(got.result.code, got.result.stderr.slice(-2000)).to.equal(0);
    expectSameRows(got, ['spaces', 'audiences', 'computed_traits']);
  });

  it("one stream's records do not fit: every other stream completes, exit 1 with a one-line summary", async () => {
    const got = await run({wrongTypes: ['/roles']});
    expect(got.result.code).to.equal(1);
    expectSameRows(got, ['roles']);
    expect(got.rows.get('roles') ?? []).to.have.length(0);
    expect(got.state).to.deep.equal(baseline.state);
    expect(critical(got)).to.deep.equal([
      `CRITICAL 1 of ${streams.length} streams failed: roles (a record does not fit its schema); every other stream finished, ` +
        'and the last STATE keeps each failed stream at its last good bookmark (the ERROR lines above say why)',
    ]);
    const lines = got.result.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).to.match(new RegExp(`^CRITICAL 1 of ${streams.length} streams failed`));
    const errors = lines.filter((l) => l.startsWith('ERROR'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include('stream roles stops here').and.include('field name must be null or string');
    expect(got.result.stderr).to.not.include('    at ');
  });

  it('an incremental stream that fails keeps its bookmark; a 4xx on another costs only that one', async () => {
    const got = await run({wrongTypes: ['/audit-events'], notFound: ['/roles']}, baseline.state);
    expect(got.result.code).to.equal(1);
    expect(critical(got)).to.have.length(1);
    expect(critical(got)[0]).to.match(new RegExp(`^CRITICAL 2 of ${streams.length} streams failed: `));
    expect(critical(got)[0])
      .to.include('roles (HTTP 404)')
      .and.include('audit_events (a record does not fit its schema)');
    expect(got.state.bookmarks.audit_events).to.deep.equal(baseline.state.bookmarks.audit_events);
    expect(got.state.currently_syncing).to.equal(null);
    // The other incremental streams re-read their open windows and keep their bookmarks moving.
    expect(got.rows.get('usage_mtu_daily')?.length).to.be.greaterThan(0);
  });
});

/** Every line through singer-node; rows by stream (time_extracted aside) and the last STATE. */
function parse(stdout: string): {rows: Map<string, Row[]>; state: State} {
  const rows = new Map<string, Row[]>();
  let state: State = {bookmarks: {}, currently_syncing: null};
  const lines = stdout.split('\n').filter((l) => l !== '');
  for (const line of lines) {
    singer.parse_message(line);
    const message = JSON.parse(line) as {type: string; stream?: string; record?: Row; value?: State};
    if (message.type === 'RECORD') {
      const list = rows.get(message.stream as string) ?? [];
      list.push(message.record as Row);
      rows.set(message.stream as string, list);
    }
    if (message.type === 'STATE') state = message.value as State;
  }
  expect(JSON.parse(lines.at(-1) as string).type).to.equal('STATE');
  return {rows, state};
}

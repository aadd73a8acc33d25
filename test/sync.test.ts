// The engine: selection, state and resume, the usage month walk, the audit window, children, STATE rules.
import {expect} from 'chai';
import nock from 'nock';
import {streams} from '../src/public-api/streams.js';
import {selectStreams} from '../src/singer/catalog.js';
import {emptyState, parseState} from '../src/singer/state.js';
import {
  API,
  checkOrdering,
  fixture,
  memoryLogger,
  nockPages,
  records,
  runSync,
  schemaOf,
  selections,
  states,
  testConfig,
} from './helpers.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
/** strict_streams: the first failure stops the run with its own error (the tests below read it). */
const STRICT = testConfig({strict_streams: true});
const catalogSample = JSON.parse(
  (await import('node:fs')).readFileSync(new URL('../catalog.sample.json', import.meta.url), 'utf8'),
);

function catalogWith(selected: Record<string, {fields?: Record<string, boolean>}>) {
  const copy = structuredClone(catalogSample) as {
    streams: {tap_stream_id: string; metadata: {breadcrumb: string[]; metadata: Record<string, unknown>}[]}[];
  };
  for (const entry of copy.streams) {
    const choice = selected[entry.tap_stream_id];
    for (const m of entry.metadata) {
      if (m.breadcrumb.length === 0) m.metadata.selected = choice !== undefined;
      const field = m.breadcrumb[1];
      if (choice?.fields && field !== undefined && field in choice.fields)
        m.metadata.selected = choice.fields[field];
    }
  }
  return copy;
}

const usagePage = (rows: {timestamp: string; apiCalls: string}[]) => ({
  data: {dailyWorkspaceAPICallsUsage: rows, pagination: {current: 'MA==', totalEntries: rows.length}},
});

/** The tracking plans of the tracking_plans fixture pages. */
const PLAN_IDS = ['tp_2Ab3Cd4Ef5Gh6Ij7Kl8Mn9', 'tp_3Bc4De5Fg6Hi7Jk8Lm9No0', 'tp_4Cd5Ef6Gh7Ij8Kl9Mn0Op1'];

describe('sync engine', () => {
  it('makes no request for an unselected stream', async () => {
    const scope = nockPages('/sources', 'sources');
    const chosen = selectStreams(catalogWith({sources: {}}), 'catalog.json', streams);
    const result = await runSync({selections: chosen});
    scope.done();
    expect(
      new Set(result.messages.filter((m) => m.type !== 'STATE').map((m) => (m as {stream: string}).stream)),
    ).to.deep.equal(new Set(['sources']));
  });

  it('removes a deselected field from SCHEMA and RECORD but keeps automatic fields', async () => {
    const scope = nockPages('/sources', 'sources');
    const chosen = selectStreams(
      catalogWith({sources: {fields: {settings: false, writeKeys: false, id: false}}}),
      'c.json',
      streams,
    );
    const log = memoryLogger();
    const result = await runSync({selections: chosen, log});
    scope.done();
    // A deselected field is one the API did send and the schema does declare: no drift warning.
    expect(log.lines.filter((l) => l.includes('does not declare'))).to.deep.equal([]);
    const schema = schemaOf(result, 'sources') as unknown as {schema: {properties: Record<string, unknown>}};
    expect(schema.schema.properties).to.not.have.property('settings');
    expect(schema.schema.properties).to.have.property('id');
    for (const record of records(result, 'sources')) {
      expect(record).to.not.have.property('settings');
      expect(record).to.not.have.property('writeKeys');
      expect(record.id).to.be.a('string');
    }
  });

  it('accepts Meltano top-level and legacy schema.selected flags', async () => {
    const catalog = catalogWith({});
    const users = catalog.streams.find((s) => s.tap_stream_id === 'users') as unknown as {
      selected: boolean;
      metadata: {metadata: Record<string, unknown>}[];
    };
    delete users.metadata[0]?.metadata.selected;
    users.selected = true;
    const roles = catalog.streams.find((s) => s.tap_stream_id === 'roles') as unknown as {
      schema: Record<string, unknown>;
      metadata: unknown[];
    };
    roles.metadata = [];
    roles.schema.selected = 'true';
    expect(selectStreams(catalog, 'c.json', streams).map((s) => s.def.name)).to.deep.equal([
      'users',
      'roles',
    ]);
  });

  it('emits every record with the same keys in schema order, null when absent', async () => {
    const scope = nockPages('/sources', 'sources');
    const result = await runSync({selections: selections('sources')});
    scope.done();
    const keySets = new Set(records(result, 'sources').map((r) => Object.keys(r).join(',')));
    expect(keySets.size).to.equal(1);
  });

  it('walks every usage month from start_date to now, and STATE follows each month', async () => {
    const scope = nock(API);
    for (const period of ['2026-09-01', '2026-10-01', '2026-11-01']) {
      scope
        .get('/usage/api-calls/daily')
        .query({period, 'pagination.count': '200'})
        .reply(
          200,
          usagePage([
            {timestamp: `${period}T00:00:00Z`, apiCalls: '10'},
            {timestamp: `${period.slice(0, 8)}02T00:00:00Z`, apiCalls: '25'},
          ]),
        );
    }
    const result = await runSync({
      selections: selections('usage_api_calls_daily'),
      config: testConfig({start_date: '2026-09-15'}),
      now: NOW,
    });
    scope.done();
    expect(records(result)).to.have.length(6);
    const bookmarks = states(result).map(
      (s) =>
        (s.bookmarks as Record<string, {replication_key_value: string}>).usage_api_calls_daily
          ?.replication_key_value,
    );
    expect(bookmarks.filter(Boolean)).to.include.members([
      '2026-09-02T00:00:00.000Z',
      '2026-10-02T00:00:00.000Z',
      '2026-11-02T00:00:00.000Z',
    ]);
    // A STATE never precedes the records it covers.
    const firstState = result.messages.findIndex((m) => m.type === 'STATE');
    expect(result.messages.slice(0, firstState).filter((m) => m.type === 'RECORD')).to.have.length(2);
    checkOrdering(result.messages);
  });

  it('resumes usage at the bookmark month (re-reading it, since rows are month-to-date)', async () => {
    const scope = nock(API)
      .get('/usage/api-calls/daily')
      .query({period: '2026-11-01', 'pagination.count': '200'})
      .reply(200, usagePage([{timestamp: '2026-11-25T00:00:00Z', apiCalls: '99'}]));
    const state = parseState(
      {
        bookmarks: {
          usage_api_calls_daily: {
            replication_key: 'timestamp',
            replication_key_value: '2026-11-24T00:00:00Z',
          },
        },
      },
      's.json',
    );
    const result = await runSync({
      selections: selections('usage_api_calls_daily'),
      state,
      config: testConfig({start_date: '2025-01-01'}),
      now: NOW,
    });
    scope.done();
    expect(states(result).at(-1)).to.deep.equal({
      bookmarks: {
        usage_api_calls_daily: {
          replication_key: 'timestamp',
          replication_key_value: '2026-11-25T00:00:00.000Z',
        },
      },
      currently_syncing: null,
    });
  });

  it('never moves a bookmark backwards', async () => {
    const scope = nock(API)
      .get('/usage/api-calls/daily')
      .query({period: '2026-11-01', 'pagination.count': '200'})
      .reply(200, usagePage([{timestamp: '2026-11-01T00:00:00Z', apiCalls: '1'}]));
    const state = parseState(
      {bookmarks: {usage_api_calls_daily: {timestamp: '2026-11-20T00:00:00Z'}}},
      'legacy.json',
    );
    const result = await runSync({selections: selections('usage_api_calls_daily'), state, now: NOW});
    scope.done();
    expect(states(result).at(-1)).to.have.nested.property(
      'bookmarks.usage_api_calls_daily.replication_key_value',
      '2026-11-20T00:00:00Z',
    );
  });

  it('reads audit events after the bookmark with startTime and pins endTime to the run start', async () => {
    const scope = nock(API)
      .get('/audit-events')
      .query({
        startTime: '2026-11-09T23:59:59.000Z',
        endTime: '2026-11-26T12:00:00.000Z',
        'pagination.count': '200',
      })
      .reply(200, fixture('audit_events.page1'))
      .get('/audit-events')
      .query(
        (q) =>
          q['pagination.cursor'] ===
          (fixture('audit_events.page1').data as {pagination: {next: string}}).pagination.next,
      )
      .reply(200, fixture('audit_events.page2'));
    const state = parseState(
      {
        bookmarks: {
          audit_events: {replication_key: 'timestamp', replication_key_value: '2026-11-10T00:00:00Z'},
        },
      },
      's.json',
    );
    const result = await runSync({selections: selections('audit_events'), state, now: NOW});
    scope.done();
    const events = records(result, 'audit_events');
    expect(events).to.have.length(3);
    const newest = new Date(
      events
        .map((e) => e.timestamp as string)
        .sort()
        .at(-1) as string,
    ).toISOString();
    // The audit order is undocumented: the bookmark moves only once, after the window.
    const advancing = states(result).filter((s) => (s.bookmarks as Record<string, unknown>).audit_events);
    expect(advancing.at(-1)).to.have.nested.property('bookmarks.audit_events.replication_key_value', newest);
  });

  describe('under TZ=America/New_York', () => {
    const savedTz = process.env.TZ;
    before(() => {
      process.env.TZ = 'America/New_York';
    });
    after(() => {
      if (savedTz === undefined) delete process.env.TZ;
      else process.env.TZ = savedTz;
    });

    const auditWindowFrom = (startTime: string) =>
      nock(API)
        .get('/audit-events')
        .query({startTime, endTime: '2026-11-26T12:00:00.000Z', 'pagination.count': '200'})
        .reply(200, {data: {events: []}});

    it('D1: a start_date without a zone is UTC under TZ=America/New_York', async () => {
      // The local zone really is in effect for Date (otherwise this test proves nothing).
      expect(new Date(2026, 10, 10).toISOString()).to.equal('2026-11-10T05:00:00.000Z');
      const scope = auditWindowFrom('2026-11-09T23:59:59.000Z');
      await runSync({
        selections: selections('audit_events'),
        config: testConfig({start_date: '2026-11-10T00:00:00'}),
        now: NOW,
      });
      scope.done();
    });

    it('D1: a state bookmark without a zone is UTC under TZ=America/New_York', async () => {
      const scope = auditWindowFrom('2026-11-09T23:59:59.000Z');
      const state = parseState(
        {
          bookmarks: {
            audit_events: {replication_key: 'timestamp', replication_key_value: '2026-11-10T00:00:00'},
          },
        },
        's.json',
      );
      await runSync({
        selections: selections('audit_events'),
        config: testConfig({start_date: '2026-01-01'}),
        state,
        now: NOW,
      });
      scope.done();
    });
  });

  it('warns that the Audit Trail keeps only 90 days when start_date is older', async () => {
    nock(API)
      .get('/audit-events')
      .query(true)
      .reply(200, {data: {events: []}});
    const log = memoryLogger();
    await runSync({
      selections: selections('audit_events'),
      config: testConfig({start_date: '2025-01-01'}),
      now: NOW,
      log,
    });
    expect(log.lines.some((l) => l.startsWith('WARNING') && l.includes('90 days'))).to.equal(true);
  });

  it('reads children for each parent once and carries the parent id in the key', async () => {
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    for (const id of PLAN_IDS) {
      scope
        .get(`/tracking-plans/${id}/rules`)
        .query({'pagination.count': '200'})
        .reply(200, fixture('tracking_plan_rules.page2'));
    }
    const result = await runSync({selections: selections('tracking_plan_rules')});
    scope.done();
    expect(records(result, 'tracking_plans')).to.have.length(0);
    const rules = records(result, 'tracking_plan_rules');
    expect(rules.map((r) => r.trackingPlanId)).to.have.length(3);
    expect(new Set(rules.map((r) => r.trackingPlanId)).size).to.equal(3);
    expect(states(result).at(-1)).to.deep.equal({bookmarks: {}, currently_syncing: null});
  });

  it('a plan deleted mid-run (404 on its first rules listing) costs that plan, not the stream', async () => {
    const [gone, ...kept] = PLAN_IDS as [string, ...string[]];
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    scope
      .get(`/tracking-plans/${gone}/rules`)
      .query(true)
      .reply(404, {errors: [{type: 'not-found', message: 'Not Found'}]});
    for (const id of kept) {
      scope.get(`/tracking-plans/${id}/rules`).query(true).reply(200, fixture('tracking_plan_rules.page2'));
    }
    const log = memoryLogger();
    const result = await runSync({selections: selections('tracking_plan_rules'), log});
    scope.done();
    const ids = new Set(records(result, 'tracking_plan_rules').map((r) => r.trackingPlanId));
    expect([...ids]).to.have.members(kept);
    expect(log.lines.filter((l) => l.includes(`parent ${gone} is gone (404)`))).to.have.length(1);
    expect(log.lines.filter((l) => l.includes('skipped') || l.includes('lacks'))).to.deep.equal([]);
  });

  it("D2: warehouse_syncs requests for different warehouses share the endpoint's 2/min allowance", async () => {
    const at: number[] = [];
    const ids = ['wh_a', 'wh_b', 'wh_c'];
    const scope = nock(API)
      .get('/warehouses')
      .query(true)
      .reply(200, {data: {warehouses: ids.map((id) => ({id})), pagination: {current: 'MA=='}}});
    for (const id of ids) {
      scope
        .get(`/warehouses/${id}/syncs`)
        .query(true)
        .reply(() => {
          at.push(Date.now());
          return [200, {data: {reports: [], pagination: {current: 'MA=='}}}];
        });
    }
    // A "minute" of 400 ms: two warehouses at once, the third when the first leaves the minute.
    await runSync({selections: selections('warehouse_syncs'), http: {minuteMs: 400}});
    scope.done();
    const [first, second, third] = at as [number, number, number];
    expect(second - first).to.be.below(200);
    expect(third - first).to.be.at.least(380);
  });

  it('resumes a child stream after the last completed parent', async () => {
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    scope
      .get('/tracking-plans/tp_4Cd5Ef6Gh7Ij8Kl9Mn0Op1/rules')
      .query(true)
      .reply(200, fixture('tracking_plan_rules.page2'));
    const state = parseState(
      {
        bookmarks: {tracking_plan_rules: {last_completed_parent: 'tp_3Bc4De5Fg6Hi7Jk8Lm9No0'}},
        currently_syncing: 'tracking_plans',
      },
      's.json',
    );
    const result = await runSync({selections: selections('tracking_plans', 'tracking_plan_rules'), state});
    scope.done();
    expect(records(result, 'tracking_plans')).to.have.length(3);
    expect(records(result, 'tracking_plan_rules').map((r) => r.trackingPlanId)).to.deep.equal([
      'tp_4Cd5Ef6Gh7Ij8Kl9Mn0Op1',
    ]);
  });

  it('skips a stream that answers 403 with one warning naming the feature, and exits cleanly', async () => {
    nock(API)
      .get('/audit-events')
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Forbidden'}]});
    const log = memoryLogger();
    const result = await runSync({selections: selections('audit_events'), now: NOW, log});
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('skipped'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('Audit Trail');
    // The stream's closing line (and the summary table) says why it holds nothing.
    const closing =
      /^INFO stream audit_events: 0 records in 0 pages, [\d.]+s \(skipped: 403, needs Audit Trail/;
    expect(
      log.lines.filter((l) => closing.test(l)),
      log.lines.join('\n'),
    ).to.have.length(1);
    expect(result.messages.at(-1)?.type).to.equal('STATE');
  });

  it('fails a 403 when strict_streams is on', async () => {
    nock(API)
      .get('/audit-events')
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Forbidden'}]});
    const error = await runSync({
      selections: selections('audit_events'),
      config: testConfig({strict_streams: true}),
      now: NOW,
    }).catch((e: Error) => e);
    expect(error).to.be.instanceOf(Error).with.property('name', 'ForbiddenError');
  });

  it('fails on a record whose field has the wrong type, naming stream, key and field', async () => {
    const page = fixture('sources.page2');
    ((page.data as {sources: Record<string, unknown>[]}).sources[0] as Record<string, unknown>).enabled =
      'yes';
    nock(API).get('/sources').query(true).reply(200, page);
    const error = await runSync({selections: selections('sources'), config: STRICT}).catch((e: Error) => e);
    expect(error).to.have.property('name', 'RecordValidationError');
    expect((error as Error).message).to.include(
      'stream sources, record id="8cGvQ3mJtXyP4nRkWbZsLe": field enabled must be null or boolean (got a string)',
    );
  });

  it('drops an undeclared field with one warning per stream and field', async () => {
    const page = fixture('users.page2');
    for (const user of (page.data as {users: Record<string, unknown>[]}).users) user.shoeSize = 44;
    nock(API).get('/users').query(true).reply(200, page);
    nock(API).get('/users/u3Ng5xToPrSz0uVb4aDe6H').reply(200, fixture('users.detail'));
    const log = memoryLogger();
    const result = await runSync({selections: selections('users'), log});
    expect(records(result, 'users').every((u) => !('shoeSize' in u))).to.equal(true);
    expect(log.lines.filter((l) => l.includes('shoeSize'))).to.have.length(1);
  });

  it('fails clearly on an envelope without the expected key', async () => {
    nock(API)
      .get('/sources')
      .query(true)
      .reply(200, {data: {items: []}});
    const error = await runSync({selections: selections('sources'), config: STRICT}).catch((e: Error) => e);
    expect((error as Error).message).to.include('without the data.sources list (data has: items)');
  });

  it('fails clearly on a repeated cursor instead of looping', async () => {
    const page = {data: {sources: [], pagination: {current: 'MA==', next: 'MA=='}}};
    nock(API).get('/sources').query(true).times(2).reply(200, page);
    const error = await runSync({selections: selections('sources'), config: STRICT}).catch((e: Error) => e);
    expect((error as Error).message).to.include('a second time');
  });

  it('starts an interrupted run with the stream it was in', async () => {
    const scope = nock(API)
      .get('/roles')
      .query(true)
      .reply(200, {data: {roles: [], pagination: {current: 'MA=='}}})
      .get('/users')
      .query(true)
      .reply(200, {data: {users: [], pagination: {current: 'MA=='}}});
    const state = {...emptyState(), currently_syncing: 'roles'};
    const result = await runSync({
      selections: selections('users', 'roles'),
      state,
      config: testConfig({max_parallel_streams: 1}),
    });
    scope.done();
    const order = result.messages
      .filter((m) => m.type === 'SCHEMA')
      .map((m) => (m as {stream: string}).stream);
    expect(order).to.deep.equal(['roles', 'users']);
  });

  it('fails clearly, never with a TypeError, on a null page or a null body', async () => {
    nock(API).get('/sources').query(true).reply(200, {data: null});
    const nullData = await runSync({selections: selections('sources'), config: STRICT}).catch(
      (e: Error) => e,
    );
    expect(nullData).to.have.property('name', 'ResponseShapeError');
    expect((nullData as Error).message).to.include(
      'stream sources: GET /sources answered without a "data" object (got null)',
    );
    nock(API).get('/sources').query(true).reply(200, 'null');
    const nullBody = await runSync({
      selections: selections('sources'),
      config: testConfig({max_retries: 0, strict_streams: true}),
    }).catch((e: Error) => e);
    expect((nullBody as Error).message).to.include('not a complete JSON object');
  });

  it('names the stream and the missing key property of a record', async () => {
    nock(API)
      .get('/users')
      .query(true)
      .reply(200, {data: {users: [{name: 'No Id', email: 'x@example.com'}], pagination: {current: 'MA=='}}});
    const error = await runSync({selections: selections('users'), config: STRICT}).catch((e: Error) => e);
    expect((error as Error).message).to.include('stream users, record id=null: key property id is missing');
  });

  it('D3: an audit event without its timestamp fails with a RecordValidationError naming stream, key and field', async () => {
    nock(API)
      .get('/audit-events')
      .query(true)
      .reply(200, {
        data: {events: [{id: 'events/1', type: 'Source Created'}], pagination: {current: 'MA=='}},
      });
    const error = await runSync({selections: selections('audit_events'), config: STRICT, now: NOW}).catch(
      (e: Error) => e,
    );
    expect(error).to.have.property('name', 'RecordValidationError');
    expect((error as Error).message).to.include(
      'stream audit_events, record id="events/1": replication key timestamp is missing',
    );
  });

  it('fails clearly when the records key holds something other than a list', async () => {
    nock(API)
      .get('/users')
      .query(true)
      .reply(200, {data: {users: {id: 'u1'}, pagination: {current: 'MA=='}}});
    const error = await runSync({selections: selections('users'), config: STRICT}).catch((e: Error) => e);
    expect((error as Error).message).to.include('without the data.users list');
  });
});

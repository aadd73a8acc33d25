// Pipeline health and governance streams through real HTTP (nock): parents feed children, media types, gates.
import {expect} from 'chai';
import nock from 'nock';
import {
  API,
  checkOrdering,
  fixture,
  memoryLogger,
  records,
  runSync,
  selections,
  states,
  testConfig,
} from './helpers.js';

const SOURCE = {id: 'qQEHquLrjRDN9j1ByrChyn', name: 'Web'};
const SPACE = {id: 'spa_9aQ1oD6a6pZ3bHXFxqZr3c', slug: 'production', name: 'Production'};
const ALPHA = 'application/vnd.segment.v1alpha+json';

/** The clock of the windowed streams' tests. */
const NOW = Date.parse('2026-11-26T12:00:00Z');

/** A sync of one incremental stream from a bookmark, at NOW. */
function resumeFrom(stream: string, bookmark: string, log?: ReturnType<typeof memoryLogger>) {
  return runSync({
    selections: selections(stream),
    state: {currently_syncing: null, bookmarks: {[stream]: {replication_key_value: bookmark}}},
    now: NOW,
    ...(log ? {log} : {}),
  });
}

function oneSource(): nock.Scope {
  return nock(API)
    .get('/sources')
    .query(true)
    .reply(200, {data: {sources: [SOURCE], pagination: {current: 'MA==', totalEntries: 1}}});
}

function oneSpace(): nock.Scope {
  return nock(API)
    .get('/spaces')
    .query(true)
    .reply(200, {data: {spaces: [SPACE], pagination: {current: 'MA==', totalEntries: 1}}});
}

describe('governance streams (nock)', () => {
  afterEach(() => nock.cleanAll());

  it('reads source_regulations from a list without pagination output, keyed by [sourceId, id]', async () => {
    const parent = oneSource();
    const scope = nock(API)
      .get(`/regulations/sources/${SOURCE.id}`)
      .query({'pagination.count': '200'})
      .reply(200, fixture('source_regulations.page1'));
    const result = await runSync({selections: selections('source_regulations')});
    parent.done();
    scope.done();
    checkOrdering(result.messages);
    const rows = records(result, 'source_regulations');
    expect(rows.map((r) => [r.sourceId, r.id])).to.deep.equal([
      [SOURCE.id, '2Lsrc1aaaaaaaaaaaaaaaaaaaaa'],
      [SOURCE.id, '2Lsrc2bbbbbbbbbbbbbbbbbbbbb'],
    ]);
    expect(rows[0]?.subjects).to.deep.equal(['user-1042']);
  });

  it('reads source_schema_settings as one unpaged object per source, keyed by sourceId', async () => {
    const parent = oneSource();
    const scope = nock(API)
      .get(`/sources/${SOURCE.id}/settings`)
      .query({})
      .reply(200, fixture('source_schema_settings.page1'));
    const result = await runSync({selections: selections('source_schema_settings')});
    parent.done();
    scope.done();
    const rows = records(result, 'source_schema_settings');
    expect(rows).to.have.length(1);
    expect(rows[0]?.sourceId).to.equal(SOURCE.id);
    expect((rows[0]?.track as Record<string, unknown> | undefined)?.commonEventOnViolations).to.equal(
      'OMIT_PROPERTIES',
    );
  });

  it('reads audiences per space with include=schedules and the v1alpha media type, across two pages', async () => {
    const parent = oneSpace();
    const scope = nock(API, {reqheaders: {accept: ALPHA}})
      .get(`/spaces/${SPACE.id}/audiences`)
      .query({include: 'schedules', 'pagination.count': '200'})
      .reply(200, fixture('audiences.page1'))
      .get(`/spaces/${SPACE.id}/audiences`)
      .query({include: 'schedules', 'pagination.count': '200', 'pagination.cursor': 'Mg=='})
      .reply(200, fixture('audiences.page2'));
    const result = await runSync({selections: selections('audiences')});
    parent.done();
    scope.done();
    const rows = records(result, 'audiences');
    expect(rows.map((r) => r.spaceId)).to.deep.equal([SPACE.id, SPACE.id, SPACE.id]);
    expect(rows).to.have.length(3);
    expect(rows[0]?.schedules).to.have.length(1);
    // size.count is a number in the contract: a fraction-looking 1234.0 stays a number.
    expect((rows[0]?.size as Record<string, unknown> | undefined)?.count).to.equal(1234);
  });

  it('reads computed_traits per space with the v1alpha media type', async () => {
    const parent = oneSpace();
    const scope = nock(API, {reqheaders: {accept: ALPHA}})
      .get(`/spaces/${SPACE.id}/computed-traits`)
      .query({'pagination.count': '200'})
      .reply(200, fixture('computed_traits.page1'))
      .get(`/spaces/${SPACE.id}/computed-traits`)
      .query({'pagination.count': '200', 'pagination.cursor': 'Mg=='})
      .reply(200, fixture('computed_traits.page2'));
    const result = await runSync({selections: selections('computed_traits')});
    parent.done();
    scope.done();
    expect(records(result, 'computed_traits').map((r) => r.key)).to.deep.equal([
      'orders_1',
      'orders_2',
      'orders_3',
    ]);
  });

  it('skips computed_traits with one warning naming the feature when the plan lacks it; audiences still load', async () => {
    const parent = oneSpace();
    const gated = nock(API)
      .get(`/spaces/${SPACE.id}/computed-traits`)
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Forbidden'}]});
    const audiences = nock(API)
      .get(`/spaces/${SPACE.id}/audiences`)
      .query(true)
      .reply(200, {data: {audiences: [], pagination: {current: 'MA=='}}});
    const log = memoryLogger();
    const result = await runSync({selections: selections('audiences', 'computed_traits'), log});
    parent.done();
    gated.done();
    audiences.done();
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('computed_traits'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('Computed Trait (Engage)');
    expect(records(result, 'computed_traits')).to.have.length(0);
  });
});

describe('destination_delivery_metrics (nock)', () => {
  afterEach(() => nock.cleanAll());
  const DESTINATION = {id: 'Zt8uHw2KxM4nPq6Rs0Vy3B', name: 'Amplitude', sourceId: SOURCE.id};
  const BETA = 'application/vnd.segment.v1beta+json';
  const summary = (total: number) => ({
    data: {
      deliveryMetricsSummary: {
        sourceId: SOURCE.id,
        destinationMetadataId: '54521fd525e721e32a72ee91',
        metrics: [
          {metricName: 'successes', total, breakdown: [{metricName: 'successes_after_retry', value: 2}]},
          {metricName: 'time_to_success', total: 812.37, breakdown: []},
        ],
      },
    },
  });
  const oneDestination = () =>
    nock(API)
      .get('/destinations')
      .query(true)
      .reply(200, {data: {destinations: [DESTINATION], pagination: {current: 'MA==', totalEntries: 1}}});
  const day = (d: string) => ({
    sourceId: SOURCE.id,
    granularity: 'DAY',
    startTime: `${d}T00:00:00.000Z`,
    endTime: `${new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`,
  });

  it('reads one v1beta DAY window per completed day from the bookmark day, with the parent sourceId, and bookmarks after the last parent', async () => {
    const parent = oneDestination();
    const scope = nock(API, {reqheaders: {accept: BETA}})
      .get(`/destinations/${DESTINATION.id}/delivery-metrics`)
      .query(day('2026-11-24'))
      .reply(200, summary(10))
      .get(`/destinations/${DESTINATION.id}/delivery-metrics`)
      .query(day('2026-11-25'))
      .reply(200, summary(20.5));
    const result = await resumeFrom('destination_delivery_metrics', '2026-11-24T00:00:00.000Z');
    parent.done();
    scope.done();
    checkOrdering(result.messages);
    const rows = records(result, 'destination_delivery_metrics');
    expect(
      rows.map((r) => [r.destinationId, r.sourceId, r.windowStart, r.windowEnd, r.granularity]),
    ).to.deep.equal([
      [DESTINATION.id, SOURCE.id, '2026-11-24T00:00:00.000Z', '2026-11-25T00:00:00.000Z', 'DAY'],
      [DESTINATION.id, SOURCE.id, '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z', 'DAY'],
    ]);
    // `number` in the contract: fractions stay fractions.
    expect((rows[1]?.metrics as {total: number}[] | undefined)?.[0]?.total).to.equal(20.5);
    const last = states(result).at(-1) as {bookmarks: Record<string, Record<string, unknown>>};
    expect(last.bookmarks.destination_delivery_metrics?.replication_key_value).to.equal(
      '2026-11-25T00:00:00.000Z',
    );
  });

  it('never asks for a day older than the 14 the API keeps, and warns that a lapsed bookmark lost days', async () => {
    const parent = oneDestination();
    const scope = nock(API)
      .get(`/destinations/${DESTINATION.id}/delivery-metrics`)
      .times(13)
      .query((q) => Date.parse(String(q.startTime)) >= NOW - 14 * 86_400_000)
      .reply(200, summary(1));
    const log = memoryLogger();
    const result = await resumeFrom('destination_delivery_metrics', '2026-09-01T00:00:00Z', log);
    parent.done();
    scope.done();
    expect(records(result, 'destination_delivery_metrics')).to.have.length(13);
    const warnings = log.lines.filter(
      (l) => l.startsWith('WARNING') && l.includes('destination_delivery_metrics'),
    );
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('14 days');
  });

  it("says so only at INFO when a first run's start_date is older than the 14 days", async () => {
    const parent = oneDestination();
    const scope = nock(API)
      .get(`/destinations/${DESTINATION.id}/delivery-metrics`)
      .times(13)
      .query(true)
      .reply(200, summary(1));
    const log = memoryLogger();
    await runSync({
      selections: selections('destination_delivery_metrics'),
      config: testConfig({start_date: '2026-01-01T00:00:00Z'}),
      now: NOW,
      log,
    });
    parent.done();
    scope.done();
    expect(log.lines.filter((l) => l.startsWith('WARNING'))).to.deep.equal([]);
    expect(log.lines.some((l) => l.startsWith('INFO') && l.includes('older than the 14 days'))).to.equal(
      true,
    );
  });
});

describe('delivery overview (nock)', () => {
  afterEach(() => nock.cleanAll());
  const DESTINATION = {id: 'Zt8uHw2KxM4nPq6Rs0Vy3B', name: 'Amplitude', sourceId: SOURCE.id};
  const BETA = 'application/vnd.segment.v1beta+json';
  const series = (days: string[]) => ({
    data: {
      total: 30.5,
      dataset: [
        {
          total: 30.5,
          totalRetryCount: 2,
          series: days.map((d, k) => ({time: `${d}T00:00:00Z`, count: 10 + k + 0.5, retryCount: 1})),
        },
      ],
      pagination: {current: 'MA=='},
    },
  });

  it('reads every completed day since the bookmark in one v1beta request per destination, one record per bucket', async () => {
    const parent = nock(API)
      .get('/destinations')
      .query(true)
      .reply(200, {data: {destinations: [DESTINATION], pagination: {current: 'MA==', totalEntries: 1}}});
    const scope = nock(API, {reqheaders: {accept: BETA}})
      .get('/delivery-overview/failed-delivery')
      .query({
        granularity: 'DAY',
        destinationConfigId: DESTINATION.id,
        sourceId: SOURCE.id,
        startTime: '2026-11-24T00:00:00.000Z',
        endTime: '2026-11-26T00:00:00.000Z',
        'pagination.count': '200',
      })
      .reply(200, series(['2026-11-24', '2026-11-25']));
    const result = await resumeFrom('delivery_overview_failed_delivery', '2026-11-24T00:00:00Z');
    parent.done();
    scope.done();
    const rows = records(result, 'delivery_overview_failed_delivery');
    expect(rows.map((r) => [r.destinationId, r.sourceId, r.timestamp, r.count, r.retryCount])).to.deep.equal([
      [DESTINATION.id, SOURCE.id, '2026-11-24T00:00:00Z', 10.5, 1],
      [DESTINATION.id, SOURCE.id, '2026-11-25T00:00:00Z', 11.5, 1],
    ]);
    const last = states(result).at(-1) as {bookmarks: Record<string, Record<string, unknown>>};
    expect(last.bookmarks.delivery_overview_failed_delivery?.replication_key_value).to.equal(
      '2026-11-25T00:00:00.000Z',
    );
  });

  it('asks ingress per source, and warns when the bookmark is older than the 30 days Segment keeps', async () => {
    const parent = oneSource();
    const scope = nock(API, {reqheaders: {accept: BETA}})
      .get('/delivery-overview/failed-on-ingest')
      .query({
        granularity: 'DAY',
        sourceId: SOURCE.id,
        startTime: '2026-10-28T00:00:00.000Z',
        endTime: '2026-11-26T00:00:00.000Z',
        'pagination.count': '200',
      })
      .reply(200, series(['2026-10-28']));
    const log = memoryLogger();
    const result = await resumeFrom('delivery_overview_failed_on_ingest', '2026-09-01T00:00:00Z', log);
    parent.done();
    scope.done();
    expect(
      records(result, 'delivery_overview_failed_on_ingest').map((r) => [r.sourceId, r.timestamp]),
    ).to.deep.equal([[SOURCE.id, '2026-10-28T00:00:00Z']]);
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('failed_on_ingest'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('30 days');
  });
});

describe('events_volume_by_event_daily (nock)', () => {
  afterEach(() => nock.cleanAll());
  const page = (withName: boolean) => ({
    data: {
      result: [
        {
          ...(withName ? {eventName: 'Order Completed'} : {}),
          total: 30,
          series: [
            {time: '2026-11-25T00:00:00Z', count: 10},
            {time: '2026-11-26T00:00:00Z', count: 20},
          ],
        },
      ],
      pagination: {current: 'MA=='},
    },
  });
  const syncByEvent = (log: ReturnType<typeof memoryLogger>) =>
    runSync({
      selections: selections('events_volume_by_event_daily'),
      config: testConfig({start_date: '2026-11-25'}),
      now: NOW,
      log,
    });
  const byEvent = (q: Record<string, unknown>) => q.groupBy === 'eventName' && q.granularity === 'DAY';

  it('reads one series per event name, each day a record keyed by [eventName, timestamp]', async () => {
    const scope = nock(API).get('/events/volume').query(byEvent).reply(200, page(true));
    const log = memoryLogger();
    const result = await syncByEvent(log);
    scope.done();
    expect(
      records(result, 'events_volume_by_event_daily').map((r) => [r.eventName, r.timestamp, r.count]),
    ).to.deep.equal([
      ['Order Completed', '2026-11-25T00:00:00Z', 10],
      ['Order Completed', '2026-11-26T00:00:00Z', 20],
    ]);
    expect(log.lines.join('\n')).to.include(
      'stream events_volume_by_event_daily: the API groups by eventName with groupBy=eventName',
    );
  });

  it('keeps a series without a name under eventName "(workspace)" when no groupBy form groups, never a null key', async () => {
    const scope = nock(API).get('/events/volume').times(5).query(true).reply(200, page(false));
    const log = memoryLogger();
    const result = await syncByEvent(log);
    scope.done();
    expect(records(result, 'events_volume_by_event_daily').map((r) => r.eventName)).to.deep.equal([
      '(workspace)',
      '(workspace)',
    ]);
    expect(log.lines.join('\n')).to.include('kept under eventName "(workspace)"');
  });
});

describe('warehouse_syncs (nock)', () => {
  afterEach(() => nock.cleanAll());
  const WAREHOUSE = {id: 'wh_7Hq2LmNpRs4TvXyZ1aBcDe', enabled: true};
  const oneWarehouse = () =>
    nock(API)
      .get('/warehouses')
      .query(true)
      .reply(200, {data: {warehouses: [WAREHOUSE], pagination: {current: 'MA==', totalEntries: 1}}});
  const report = (start: string) => ({
    sourceId: SOURCE.id,
    start,
    end: start.replace('T00', 'T01'),
    status: 'SUCCESS',
    duration: 3600,
    humanDuration: '1h',
    count: 12.5,
    notices: [],
  });
  const page = (starts: string[], next?: string) => ({
    data: {reports: starts.map(report), pagination: {current: 'MA==', ...(next ? {next} : {})}},
  });
  const syncsPath = `/warehouses/${WAREHOUSE.id}/syncs`;

  it('reads 200 a page whatever page_size says, and stops at the first newest-first page that reaches behind the 30 days', async () => {
    const parent = oneWarehouse();
    const scope = nock(API)
      .get(syncsPath)
      .query({'pagination.count': '200'})
      .reply(200, page(['2026-11-25T00:00:00Z', '2026-11-01T00:00:00Z', '2026-10-20T00:00:00Z'], 'Mg=='));
    const result = await runSync({
      selections: selections('warehouse_syncs'),
      config: testConfig({page_size: 7}),
      now: NOW,
    });
    parent.done();
    // The page has a next, but it is older still: no second request.
    scope.done();
    checkOrdering(result.messages);
    const rows = records(result, 'warehouse_syncs');
    expect(rows.map((r) => [r.warehouseId, r.sourceId, r.start])).to.deep.equal([
      [WAREHOUSE.id, SOURCE.id, '2026-11-25T00:00:00Z'],
      [WAREHOUSE.id, SOURCE.id, '2026-11-01T00:00:00Z'],
    ]);
    expect(rows[0]?.count).to.equal(12.5);
    const last = states(result).at(-1) as {bookmarks: Record<string, Record<string, unknown>>};
    expect(last.bookmarks.warehouse_syncs?.replication_key_value).to.equal('2026-11-25T00:00:00.000Z');
  });

  it('from a bookmark emits only the syncs that started at or after it', async () => {
    const parent = oneWarehouse();
    const scope = nock(API)
      .get(syncsPath)
      .query(true)
      .reply(200, page(['2026-11-26T00:00:00Z', '2026-11-25T00:00:00Z', '2026-11-24T00:00:00Z'], 'Mg=='));
    const result = await resumeFrom('warehouse_syncs', '2026-11-25T00:00:00.000Z');
    parent.done();
    scope.done();
    expect(records(result, 'warehouse_syncs').map((r) => r.start)).to.deep.equal([
      '2026-11-26T00:00:00Z',
      '2026-11-25T00:00:00Z',
    ]);
  });

  it('keeps paging when a page is not newest first: its order says nothing about the next page', async () => {
    const parent = oneWarehouse();
    const scope = nock(API)
      .get(syncsPath)
      .query({'pagination.count': '200'})
      .reply(200, page(['2026-10-01T00:00:00Z', '2026-11-20T00:00:00Z'], 'Mg=='))
      .get(syncsPath)
      .query({'pagination.count': '200', 'pagination.cursor': 'Mg=='})
      .reply(200, page(['2026-11-21T00:00:00Z']));
    const result = await runSync({selections: selections('warehouse_syncs'), now: NOW});
    parent.done();
    scope.done();
    expect(records(result, 'warehouse_syncs').map((r) => r.start)).to.deep.equal([
      '2026-11-20T00:00:00Z',
      '2026-11-21T00:00:00Z',
    ]);
  });
});

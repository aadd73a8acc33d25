// What the live API may accept: pagination in dot or bracket form, groupBy in any of five forms (nock).
import {expect} from 'chai';
import nock from 'nock';
import {StreamsFailedError} from '../src/shared/errors.js';
import {API, fixture, memoryLogger, records, runSync, selections, testConfig} from './helpers.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const VALIDATION = {
  errors: [{type: 'ValidationFailure', message: "pagination must have required property 'count'"}],
};

const page = (key: string, items: unknown[], next?: string) => ({
  data: {[key]: items, pagination: {current: 'MA==', ...(next ? {next} : {})}},
});

const point = (time: string, count: number) => ({time, count});
const SERIES = [point('2026-11-24T00:00:00Z', 10), point('2026-11-25T00:00:00Z', 12.5)];
const volume = (result: unknown[]) => ({
  data: {path: '/x', query: {}, result, pagination: {current: 'MA=='}},
});
const grouped = volume([
  {source: {id: 'src1', name: 'Web', slug: 'web'}, total: 22.5, series: SERIES},
  {source: {id: 'src2', slug: 'ios'}, total: 22.5, series: SERIES},
]);
/** What an API that ignored groupBy answers: the spec's own example has this shape. */
const workspaceWide = volume([{total: 45, series: SERIES}]);

describe('pagination query form', () => {
  it('retries a paged request rejected in the dot form once with brackets, then keeps brackets', async () => {
    const scope = nock(API)
      .get('/sources')
      .query({'pagination.count': '200'})
      .reply(422, VALIDATION)
      .get('/sources')
      .query({'pagination[count]': '200'})
      .reply(200, page('sources', [{id: 's1', name: 'One'}], 'Mg=='))
      .get('/sources')
      .query({'pagination[count]': '200', 'pagination[cursor]': 'Mg=='})
      .reply(200, page('sources', [{id: 's2', name: 'Two'}]))
      .get('/destinations')
      .query({'pagination[count]': '200'})
      .reply(200, page('destinations', []));
    const log = memoryLogger();
    const result = await runSync({
      selections: selections('sources', 'destinations'),
      config: testConfig({max_parallel_streams: 1}),
      log,
    });
    scope.done();
    expect(records(result, 'sources').map((r) => r.id)).to.deep.equal(['s1', 's2']);
    const said = log.lines.filter((l) => l.includes('pagination:'));
    expect(said).to.deep.equal([
      'INFO pagination: the API rejected pagination.count (the dot form) with HTTP 422 and accepted ' +
        'pagination[count] (the bracket form); the rest of the run sends pagination[count] and pagination[cursor]',
    ]);
  });

  it('treats a bare 400 "Validation failure" the same way', async () => {
    const scope = nock(API)
      .get('/roles')
      .query({'pagination.count': '200'})
      .reply(400, {errors: [{message: 'Validation failure'}]})
      .get('/roles')
      .query({'pagination[count]': '200'})
      .reply(200, page('roles', [{id: 'r1', name: 'Owner'}]));
    const result = await runSync({selections: selections('roles')});
    scope.done();
    expect(records(result, 'roles')).to.have.length(1);
  });

  it('says once that the dot form works, and never sends brackets then', async () => {
    const scope = nock(API)
      .get('/roles')
      .query({'pagination.count': '200'})
      .reply(200, page('roles', []))
      .get('/invites')
      .query({'pagination.count': '200'})
      .reply(200, page('invites', []));
    const log = memoryLogger();
    await runSync({selections: selections('roles', 'invites'), log});
    scope.done();
    expect(log.lines.filter((l) => l.includes('pagination:'))).to.deep.equal([
      'INFO pagination: the API accepts pagination.count (the dot form); the run pages with it',
    ]);
  });

  it("fails the stream with the dot form's error when brackets are rejected too", async () => {
    const scope = nock(API)
      .get('/roles')
      .query(true)
      .times(2)
      .reply(422, {errors: [{message: 'pagination.count must be at most 100'}]});
    const log = memoryLogger();
    const result = await runSync({
      selections: selections('roles'),
      config: testConfig({page_size: 150}),
      log,
      keepFailure: true,
    });
    scope.done();
    expect((result.error as StreamsFailedError).failures).to.deep.equal([
      {stream: 'roles', reason: 'HTTP 422'},
    ]);
    expect(log.lines.find((l) => l.startsWith('ERROR'))).to.include('pagination.count must be at most 100');
  });

  it('falls back to count 200 when the API rejects a larger count (before 2024-03), saying so once', async () => {
    const tooLarge = {errors: [{message: 'pagination.count must be at most 200'}]};
    const scope = nock(API)
      .get('/roles')
      .query({'pagination.count': '1000'})
      .reply(422, tooLarge)
      .get('/roles')
      .query({'pagination[count]': '1000'})
      .reply(422, tooLarge)
      .get('/roles')
      .query({'pagination.count': '200'})
      .reply(200, page('roles', [{id: 'r1', name: 'Owner'}], 'Mg=='))
      .get('/roles')
      .query({'pagination.count': '200', 'pagination.cursor': 'Mg=='})
      .reply(200, page('roles', [{id: 'r2', name: 'Member'}]))
      .get('/invites')
      .query({'pagination.count': '200'})
      .reply(200, page('invites', []));
    const log = memoryLogger();
    const result = await runSync({
      selections: selections('roles', 'invites'),
      config: testConfig({page_size: 1000, max_parallel_streams: 1}),
      log,
    });
    scope.done();
    expect(records(result, 'roles').map((r) => r.id)).to.deep.equal(['r1', 'r2']);
    expect(log.lines.filter((l) => l.includes('pagination.count 1000'))).to.deep.equal([
      'INFO pagination: the API rejected pagination.count 1000 and accepted 200 (its maximum before 2024-03); ' +
        'the rest of the run asks for 200 per page',
    ]);
  });

  it('never falls back once a count above 200 has worked', async () => {
    const scope = nock(API)
      .get('/roles')
      .query({'pagination.count': '1000'})
      .reply(200, page('roles', [{id: 'r1', name: 'Owner'}]))
      .get('/invites')
      .query({'pagination.count': '1000'})
      .reply(422, {errors: [{message: 'no'}]})
      .get('/invites')
      .query({'pagination[count]': '1000'})
      .reply(422, {errors: [{message: 'no'}]});
    const result = await runSync({
      selections: selections('roles', 'invites'),
      config: testConfig({page_size: 1000, max_parallel_streams: 1}),
      keepFailure: true,
    });
    scope.done();
    expect((result.error as StreamsFailedError).failures).to.deep.equal([
      {stream: 'invites', reason: 'HTTP 422'},
    ]);
  });

  it('never retries a request that takes no pagination (labels, the workspace)', async () => {
    const scope = nock(API)
      .get('/labels')
      .reply(422, {errors: [{message: 'nope'}]});
    const result = await runSync({selections: selections('labels'), keepFailure: true});
    scope.done();
    expect(result.error).to.be.instanceOf(StreamsFailedError);
  });
});

describe('events volume groupBy form', () => {
  const run = (log = memoryLogger()) =>
    runSync({
      selections: selections('events_volume_daily'),
      config: testConfig({start_date: '2026-11-24'}),
      now: NOW,
      log,
    });
  const volumeQuery = (extra: Record<string, string>) => (q: Record<string, unknown>) =>
    q.granularity === 'DAY' &&
    Object.entries(extra).every(([k, v]) => q[k] === v) &&
    Object.keys(q).filter((k) => k.startsWith('groupBy')).length === Object.keys(extra).length;

  it('keeps every field a series carries: source slug, event name and type, total', async () => {
    const scope = nock(API)
      .get('/events/volume')
      .query(volumeQuery({groupBy: 'source'}))
      .reply(200, fixture('events_volume_daily.page1'))
      .get('/events/volume')
      .query((q) => q['pagination.cursor'] === 'Mg==')
      .reply(200, fixture('events_volume_daily.page2'));
    const result = await runSync({
      selections: selections('events_volume_daily'),
      config: testConfig({start_date: '2026-11-01'}),
      now: NOW,
    });
    scope.done();
    expect(records(result, 'events_volume_daily')[0]).to.deep.equal({
      sourceId: 'qQEHquLrjRDN9j1ByrChyn',
      timestamp: '2026-11-01T00:00:00Z',
      sourceName: 'Acme Web',
      sourceSlug: 'acme-web',
      eventName: null,
      eventType: null,
      count: 15637147,
      total: 32504646,
    });
  });

  it('tries the next form when the series come back without a source, and keeps the one that groups', async () => {
    const scope = nock(API)
      .get('/events/volume')
      .query(volumeQuery({groupBy: 'source'}))
      .reply(200, workspaceWide)
      .get('/events/volume')
      .query(volumeQuery({'groupBy[0]': 'source'}))
      .reply(200, workspaceWide)
      .get('/events/volume')
      .query(volumeQuery({'groupBy[]': 'source'}))
      // Twice: the pagination form retries a 422 in brackets once before giving up on it.
      .times(2)
      .reply(422, {errors: [{message: 'Unknown parameter groupBy[]'}]})
      .get('/events/volume')
      .query(volumeQuery({'groupBy.0': 'source'}))
      .reply(200, grouped);
    const log = memoryLogger();
    const result = await run(log);
    scope.done();
    const rows = records(result, 'events_volume_daily');
    expect(rows.map((r) => `${r.sourceId} ${r.timestamp} ${r.count}`)).to.deep.equal([
      'src1 2026-11-24T00:00:00Z 10',
      'src1 2026-11-25T00:00:00Z 12.5',
      'src2 2026-11-24T00:00:00Z 10',
      'src2 2026-11-25T00:00:00Z 12.5',
    ]);
    expect(rows[2]).to.include({sourceName: null, sourceSlug: 'ios', total: 22.5});
    expect(log.lines.filter((l) => l.includes('groups by'))).to.deep.equal([
      'INFO stream events_volume_daily: the API groups by source with groupBy.0=source',
    ]);
  });

  it('keeps the workspace-wide series under sourceId "(workspace)" when no form groups', async () => {
    const scope = nock(API).get('/events/volume').query(true).times(5).reply(200, workspaceWide);
    const log = memoryLogger();
    const result = await run(log);
    scope.done();
    expect(records(result, 'events_volume_daily')).to.deep.equal(
      SERIES.map((p) => ({
        sourceId: '(workspace)',
        timestamp: p.time,
        sourceName: null,
        sourceSlug: null,
        eventName: null,
        eventType: null,
        count: p.count,
        total: 45,
      })),
    );
    const warnings = log.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('ignored every groupBy form the tap knows').and.include('"(workspace)"');
  });

  it('decides nothing on an empty result and asks no other form', async () => {
    const scope = nock(API)
      .get('/events/volume')
      .query(volumeQuery({groupBy: 'source'}))
      .reply(200, volume([]));
    const result = await run();
    scope.done();
    expect(records(result, 'events_volume_daily')).to.have.length(0);
  });
});

// reverse_etl_syncs through real HTTP (nock): a grandchild read per RETL mapping, paged by top-level count/cursor.
import {expect} from 'chai';
import nock from 'nock';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {API, checkOrdering, memoryLogger, records, runSync, selections, testConfig} from './helpers.js';
import {runCli, tempFiles} from './support/cli.js';

const ALPHA = 'application/vnd.segment.v1alpha+json';
const DESTINATION = {id: 'dst_4kPq9RmT2vWx7YzA1bCdEf', name: 'Braze', sourceId: 'src_1'};
const MODEL = 'mdl_8JqLr2NvPs5TwXyZ3aBcDe';
const MAPPING = {id: 'sub_retl_1', name: 'Sync users', destinationId: DESTINATION.id, modelId: MODEL};
const PLAIN = {id: 'sub_plain_2', name: 'Send Order Completed', destinationId: DESTINATION.id};

function oneDestination(): nock.Scope {
  return nock(API)
    .get('/destinations')
    .query(true)
    .reply(200, {data: {destinations: [DESTINATION], pagination: {current: 'MA==', totalEntries: 1}}});
}

function subscriptionsOf(items: object[]): nock.Scope {
  return nock(API, {reqheaders: {accept: ALPHA}})
    .get(`/destinations/${DESTINATION.id}/subscriptions`)
    .query(true)
    .reply(200, {data: {subscriptions: items, pagination: {current: 'MA=='}}});
}

const sync = (syncId: string, startedAt: string) => ({
  syncId,
  modelId: MODEL,
  sourceId: 'src_1',
  syncStatus: 'SUCCESS',
  duration: '42s',
  startedAt,
  finishedAt: startedAt.replace(':00Z', ':42Z'),
  extractPhase: {
    addedCount: '3',
    updatedCount: '9007199254740993',
    deletedCount: '0',
    extractCount: '12',
    errorCode: '',
    startedAt,
    finishedAt: startedAt,
  },
  loadPhase: {
    deliverSuccessCount: '12',
    deliverFailureCount: '0',
    errorCode: '',
    startedAt,
    finishedAt: startedAt,
  },
});

const syncsPath = `/reverse-etl-models/${MODEL}/subscriptionId/${MAPPING.id}/syncs`;

describe('reverse_etl_syncs (nock)', () => {
  afterEach(() => nock.cleanAll());

  it('reads each mapping across pages by top-level count and cursor, 100 at most, and only mappings', async () => {
    const parent = oneDestination();
    const middle = subscriptionsOf([PLAIN, MAPPING]);
    // Exactly these queries: no pagination.* and no request for the subscription without modelId.
    const scope = nock(API, {reqheaders: {accept: ALPHA}})
      .get(syncsPath)
      .query({count: '100'})
      .reply(200, {
        data: {
          syncStatuses: [sync('s3', '2026-11-26T03:00:00Z'), sync('s2', '2026-11-26T02:00:00Z')],
          pagination: {current: 'MA==', next: 'Mg=='},
        },
      })
      .get(syncsPath)
      .query({count: '100', cursor: 'Mg=='})
      .reply(200, {
        data: {syncStatuses: [sync('s1', '2026-11-26T01:00:00Z')], pagination: {current: 'Mg=='}},
      });
    const result = await runSync({
      selections: selections('reverse_etl_syncs'),
      config: testConfig({page_size: 1000}),
    });
    parent.done();
    middle.done();
    scope.done();
    checkOrdering(result.messages);
    const rows = records(result, 'reverse_etl_syncs');
    expect(rows.map((r) => [r.subscriptionId, r.syncId])).to.deep.equal([
      [MAPPING.id, 's3'],
      [MAPPING.id, 's2'],
      [MAPPING.id, 's1'],
    ]);
    // The counts stay the strings the contract declares (a bigint string is not rounded).
    expect((rows[0]?.extractPhase as Record<string, unknown> | undefined)?.updatedCount).to.equal(
      '9007199254740993',
    );
    // destination_subscriptions was read to find the mappings, not emitted.
    expect(records(result, 'destination_subscriptions')).to.have.length(0);
  });

  it('reads the subscriptions once when both streams are selected, and makes no request without a mapping', async () => {
    const parent = oneDestination();
    const middle = subscriptionsOf([PLAIN]);
    const result = await runSync({selections: selections('destination_subscriptions', 'reverse_etl_syncs')});
    parent.done();
    middle.done();
    expect(records(result, 'destination_subscriptions').map((r) => r.id)).to.deep.equal([PLAIN.id]);
    expect(records(result, 'reverse_etl_syncs')).to.have.length(0);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('skips the stream with one warning naming Reverse ETL when the plan lacks it; its parents still load', async () => {
    const log = memoryLogger();
    const parent = oneDestination();
    const middle = subscriptionsOf([MAPPING, {...MAPPING, id: 'sub_retl_3'}]);
    const gate = nock(API)
      .get(syncsPath)
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Feature not enabled'}]});
    const result = await runSync({
      selections: selections('destination_subscriptions', 'reverse_etl_syncs'),
      log,
    });
    parent.done();
    middle.done();
    gate.done();
    // One 403 stops the stream: the second mapping is not asked.
    expect(nock.pendingMocks()).to.deep.equal([]);
    expect(records(result, 'destination_subscriptions')).to.have.length(2);
    expect(records(result, 'reverse_etl_syncs')).to.have.length(0);
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('reverse_etl_syncs'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('Reverse ETL');
  });

  it('takes a 404 on the first mapping as the plan lacking Reverse ETL, and a later one as that mapping gone', async () => {
    const second = {...MAPPING, id: 'sub_retl_3'};
    const secondPath = `/reverse-etl-models/${MODEL}/subscriptionId/${second.id}/syncs`;
    const notFound = {errors: [{type: 'NotFound', message: 'Resource not found'}]};
    const gatedLog = memoryLogger();
    oneDestination();
    subscriptionsOf([MAPPING, second]);
    nock(API).get(syncsPath).query(true).reply(404, notFound);
    await runSync({selections: selections('reverse_etl_syncs'), log: gatedLog});
    expect(nock.pendingMocks()).to.deep.equal([]);
    const gated = gatedLog.lines.filter((l) => l.startsWith('WARNING') && l.includes('reverse_etl_syncs'));
    expect(gated).to.have.length(1);
    expect(gated[0]).to.include('Reverse ETL');

    const goneLog = memoryLogger();
    oneDestination();
    subscriptionsOf([MAPPING, second]);
    nock(API)
      .get(syncsPath)
      .query(true)
      .reply(200, {data: {syncStatuses: [sync('s1', '2026-11-26T01:00:00Z')], pagination: {current: 'MA=='}}})
      .get(secondPath)
      .query(true)
      .reply(404, notFound);
    const result = await runSync({selections: selections('reverse_etl_syncs'), log: goneLog});
    expect(nock.pendingMocks()).to.deep.equal([]);
    expect(records(result, 'reverse_etl_syncs').map((r) => r.syncId)).to.deep.equal(['s1']);
    const gone = goneLog.lines.filter((l) => l.startsWith('WARNING') && l.includes('reverse_etl_syncs'));
    expect(gone).to.have.length(1);
    expect(gone[0]).to.include(`parent ${second.id} is gone`);
  });

  it('resumes after the last destination an interrupted run completed', async () => {
    const other = {id: 'dst_second', name: 'Iterable', sourceId: 'src_1'};
    const mapping = {...MAPPING, id: 'sub_retl_9', destinationId: other.id};
    nock(API)
      .get('/destinations')
      .query(true)
      .reply(200, {
        data: {destinations: [DESTINATION, other], pagination: {current: 'MA==', totalEntries: 2}},
      });
    // Only the second destination is read: the first one's subscriptions must not be asked.
    const skipped = subscriptionsOf([MAPPING]);
    nock(API)
      .get(`/destinations/${other.id}/subscriptions`)
      .query(true)
      .reply(200, {data: {subscriptions: [mapping]}})
      .get(`/reverse-etl-models/${MODEL}/subscriptionId/${mapping.id}/syncs`)
      .query({count: '100'})
      .reply(200, {data: {syncStatuses: [sync('s9', '2026-11-26T01:00:00Z')]}});
    const result = await runSync({
      selections: selections('reverse_etl_syncs'),
      state: {
        currently_syncing: null,
        bookmarks: {reverse_etl_syncs: {last_completed_parent: DESTINATION.id}},
      },
    });
    expect(skipped.isDone()).to.equal(false);
    expect(nock.pendingMocks()).to.have.length(1);
    expect(records(result, 'reverse_etl_syncs').map((r) => [r.subscriptionId, r.syncId])).to.deep.equal([
      [mapping.id, 's9'],
    ]);
  });

  it('skips the stream when the subscriptions it reads through are refused', async () => {
    const log = memoryLogger();
    const parent = oneDestination();
    const middle = nock(API)
      .get(`/destinations/${DESTINATION.id}/subscriptions`)
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Forbidden'}]});
    const result = await runSync({selections: selections('reverse_etl_syncs'), log});
    parent.done();
    middle.done();
    expect(records(result, 'reverse_etl_syncs')).to.have.length(0);
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('reverse_etl_syncs'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('destination_subscriptions');
  });
});

describe('reverse_etl_syncs in --test=streams (simulator)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({scale: 1, seed: 5});
  });
  after(async () => sim?.close());

  it('looks past destinations without a mapping and reads one page of a mapping', async () => {
    const files = tempFiles({
      'config.json': {api_token: sim.token, base_url: sim.url, requests_per_minute: 100000},
    });
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--test=streams',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const report = JSON.parse(result.stdout) as {
      streams: {stream: string; readable: string; records_seen: number}[];
    };
    const check = report.streams.find((s) => s.stream === 'reverse_etl_syncs');
    expect(check?.readable).to.equal('yes');
    expect(check?.records_seen).to.be.greaterThan(0);
  });
});

// Every stream through real HTTP (nock): envelope, pagination, transforms, keys, and Singer ordering.
import {expect} from 'chai';
import nock from 'nock';
import {streams} from '../src/public-api/streams.js';
import {
  API,
  checkOrdering,
  fixture,
  nockDetails,
  nockPages,
  records,
  runSync,
  schemaOf,
  selections,
  states,
} from './helpers.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const EMPTY = {data: {functions: [], pagination: {current: 'MA=='}}};

/** The ids of every record of a two-page fixture, in page order. */
function fixtureItems(name: string): unknown[] {
  return [1, 2].flatMap((n) => {
    try {
      const data = fixture(`${name}.page${n}`).data as Record<string, unknown>;
      const key = Object.keys(data).find((k) => !['pagination', 'path', 'query'].includes(k)) as string;
      return data[key] as unknown[];
    } catch {
      return [];
    }
  });
}

describe('streams (nock, every envelope)', () => {
  const simple = streams.filter((s) => !s.parent && !s.window && !s.slicedBy && s.paginated !== false);

  for (const def of simple) {
    it(`reads ${def.name} from data.${def.recordsKey} across two pages`, async () => {
      const scope = nockPages(def.path, def.name);
      const details = def.detail ? nockDetails(def.name) : undefined;
      const result = await runSync({selections: selections(def.name), now: NOW});
      scope.done();
      details?.done();
      checkOrdering(result.messages);
      const expected = fixtureItems(def.name).map((item) =>
        def.name === 'invites' ? item : (item as Record<string, unknown>)[def.keyProperties[0] as string],
      );
      const emitted = records(result, def.name).map((r) => r[def.keyProperties[0] as string]);
      expect(emitted).to.deep.equal(expected);
      expect(emitted).to.have.length(3);
    });
  }

  it('reads labels with no pagination parameters and keys them by [key, value]', async () => {
    const scope = nock(API).get('/labels').reply(200, fixture('labels.page1'));
    const result = await runSync({selections: selections('labels')});
    scope.done();
    const labels = records(result, 'labels');
    expect(labels).to.have.length(3);
    expect(schemaOf(result, 'labels').keyProperties).to.deep.equal(['key', 'value']);
  });

  it('reads the workspace from GET / as a single object', async () => {
    const scope = nock(API).get('/').reply(200, fixture('workspace.page1'));
    const result = await runSync({selections: selections('workspace')});
    scope.done();
    expect(records(result, 'workspace')).to.have.length(1);
  });

  it('sends the v1alpha media type to alpha-only endpoints and v1 elsewhere', async () => {
    const alpha = nock(API, {reqheaders: {accept: 'application/vnd.segment.v1alpha+json'}})
      .get('/spaces')
      .query(true)
      .reply(200, {data: {spaces: [], pagination: {current: 'MA=='}}});
    const stable = nock(API, {reqheaders: {accept: 'application/vnd.segment.v1+json'}})
      .get('/sources')
      .query(true)
      .reply(200, {data: {sources: [], pagination: {current: 'MA=='}}});
    await runSync({selections: selections('spaces', 'sources')});
    alpha.done();
    stable.done();
  });

  it('lists functions once per resourceType', async () => {
    const scope = nockPages('/functions', 'functions', 200, {resourceType: 'DESTINATION'});
    for (const type of ['INSERT_DESTINATION', 'INSERT_SOURCE', 'INSERT_TRANSFORMATION', 'SOURCE']) {
      scope.get('/functions').query({resourceType: type, 'pagination.count': '200'}).reply(200, EMPTY);
    }
    const details = nockDetails('functions');
    const result = await runSync({selections: selections('functions')});
    scope.done();
    details.done();
    const functions = records(result, 'functions');
    expect(functions).to.have.length(3);
    // The list has none of these: they come from GET /functions/{functionId}, one request per function.
    for (const fn of functions) {
      expect(fn.code).to.be.a('string');
      expect(fn).to.include({
        isLatestVersion: true,
        batchMaxCount: 0,
        deployedAt: '2026-05-21T09:00:00.000Z',
      });
      expect(fn.settings).to.deep.equal([
        {
          name: 'apiKey',
          label: 'API key',
          description: 'Scoring API key',
          type: 'STRING',
          required: true,
          sensitive: true,
        },
      ]);
    }
  });

  it('emits usage counts as integers and timestamps in UTC', async () => {
    const scope = nockPages('/usage/mtu/daily', 'usage_mtu_daily', 200, {period: '2026-11-01'});
    const result = await runSync({
      selections: selections('usage_mtu_daily'),
      config: (await import('./helpers.js')).testConfig({start_date: '2026-11-01'}),
      now: NOW,
    });
    scope.done();
    const rows = records(result, 'usage_mtu_daily');
    expect(rows).to.have.length(3);
    for (const row of rows) {
      expect(row.anonymous).to.be.a('number');
      expect(Number.isInteger(row.identified)).to.equal(true);
      expect(row.timestamp).to.match(/Z$/);
    }
  });

  it('normalises date-times with an offset to UTC Z', async () => {
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    const result = await runSync({selections: selections('tracking_plans')});
    scope.done();
    const updated = records(result, 'tracking_plans').map((r) => r.updatedAt);
    expect(updated).to.include('2026-03-01T08:00:00.000Z');
    for (const value of updated) if (value !== null) expect(value).to.match(/Z$/);
  });

  it('flattens event volume series into one record per source and day', async () => {
    const scope = nock(API)
      .get('/events/volume')
      .query(
        (q) =>
          q.granularity === 'DAY' && q.groupBy === 'source' && q.startTime === '2026-11-20T00:00:00.000Z',
      )
      .reply(200, fixture('events_volume_daily.page1'))
      .get('/events/volume')
      .query((q) => q['pagination.cursor'] === 'Mg==')
      .reply(200, fixture('events_volume_daily.page2'));
    const result = await runSync({
      selections: selections('events_volume_daily'),
      config: (await import('./helpers.js')).testConfig({start_date: '2026-11-20T15:00:00Z'}),
      now: NOW,
    });
    scope.done();
    const rows = records(result, 'events_volume_daily');
    expect(rows.length).to.be.greaterThan(2);
    for (const row of rows) {
      expect(row.sourceId).to.be.a('string');
      expect(row.count).to.be.a('number');
    }
    expect(states(result).at(-1)).to.have.nested.property(
      'bookmarks.events_volume_daily.replication_key',
      'timestamp',
    );
  });
});

describe('tracking plan rule keys', () => {
  const rules = streams.find((s) => s.name === 'tracking_plan_rules');
  const keyOf = (item: Record<string, unknown>) => rules?.transform?.(item as never)[0]?.key;

  it('gives a keyless rule "(<type>)" so no key column is null or empty in a target', () => {
    expect(keyOf({type: 'COMMON', version: 1})).to.equal('(common)');
    expect(keyOf({type: 'IDENTIFY', key: '', version: 2})).to.equal('(identify)');
    expect(keyOf({type: 'GROUP', key: null, version: 1})).to.equal('(group)');
  });

  it('keeps a real event key as it is', () => {
    expect(keyOf({type: 'TRACK', key: 'Order Completed', version: 1})).to.equal('Order Completed');
  });
});

describe('types as the contract says', () => {
  it('emits the numbers the contract types `number` as they come, fractions included', async () => {
    const scope = nock(API)
      .get('/groups')
      .query(true)
      .reply(200, {
        data: {userGroups: [{id: 'g1', name: 'Data', memberCount: 3.5}], pagination: {current: 'MA=='}},
      })
      .get('/usage/mtu/daily')
      .query(true)
      .reply(200, {
        data: {
          dailyWorkspaceMTUUsage: [
            {
              timestamp: '2026-11-02T00:00:00Z',
              periodStart: 1793491200.5,
              periodEnd: 1796083200.25,
              anonymous: '1',
              anonymousIdentified: '2',
              identified: '3',
              neverIdentified: '4',
            },
          ],
          pagination: {current: 'MA=='},
        },
      });
    const result = await runSync({
      selections: selections('groups', 'usage_mtu_daily'),
      config: (await import('./helpers.js')).testConfig({start_date: '2026-11-01'}),
      now: NOW,
    });
    scope.done();
    expect(records(result, 'groups')[0]?.memberCount).to.equal(3.5);
    expect(records(result, 'usage_mtu_daily')[0]).to.include({
      periodStart: 1793491200.5,
      periodEnd: 1796083200.25,
    });
  });

  it("takes any JSON value as a rule's jsonSchema", async () => {
    const values = [{type: 'object'}, true, null, ['a'], 'free text', 7];
    const rules = values.map((jsonSchema, version) => ({type: 'TRACK', key: 'Order', version, jsonSchema}));
    const scope = nock(API)
      .get('/tracking-plans')
      .query(true)
      .reply(200, {
        data: {trackingPlans: [{id: 'tp1', name: 'P', type: 'LIVE'}], pagination: {current: 'MA=='}},
      })
      .get('/tracking-plans/tp1/rules')
      .query(true)
      .reply(200, {data: {rules, pagination: {current: 'MA=='}}});
    const result = await runSync({selections: selections('tracking_plan_rules')});
    scope.done();
    expect(records(result, 'tracking_plan_rules').map((r) => r.jsonSchema)).to.deep.equal(values);
  });
});

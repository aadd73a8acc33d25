// Pipeline health and governance streams through real HTTP (nock): parents feed children, media types, gates.
import {expect} from 'chai';
import nock from 'nock';
import {API, checkOrdering, fixture, memoryLogger, records, runSync, selections} from './helpers.js';

const SOURCE = {id: 'qQEHquLrjRDN9j1ByrChyn', name: 'Web'};
const SPACE = {id: 'spa_9aQ1oD6a6pZ3bHXFxqZr3c', slug: 'production', name: 'Production'};
const ALPHA = 'application/vnd.segment.v1alpha+json';

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
    expect(((rows[0] ?? {}).track as Record<string, unknown>).commonEventOnViolations).to.equal(
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
    expect(((rows[0] ?? {}).size as Record<string, unknown>).count).to.equal(1234);
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

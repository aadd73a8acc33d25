// One bad stream costs one stream: the others finish, STATE keeps the failed one where it was, exit 1 with a summary.
import {expect} from 'chai';
import nock from 'nock';
import {StreamsFailedError} from '../src/shared/errors.js';
import type {SingerMessage} from '../src/singer/messages.js';
import {
  API,
  checkOrdering,
  fixture,
  memoryLogger,
  nockPages,
  records,
  runSync,
  selections,
  states,
  testConfig,
} from './helpers.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const PLAN_IDS = ['tp_2Ab3Cd4Ef5Gh6Ij7Kl8Mn9', 'tp_3Bc4De5Fg6Hi7Jk8Lm9No0', 'tp_4Cd5Ef6Gh7Ij8Kl9Mn0Op1'];
const RULE = {type: 'TRACK', key: 'Order Completed', jsonSchema: {}, version: 1};

/** The roles fixture with a number where the schema wants a string. */
function badRoles(): Record<string, unknown> {
  const page = fixture('roles.page1');
  const roles = (page.data as {roles: Record<string, unknown>[]}).roles;
  (roles[1] as Record<string, unknown>).description = 12345;
  return {data: {roles, pagination: {current: 'MA=='}}};
}

const usagePage = (period: string, apiCalls: unknown) => ({
  data: {
    dailyWorkspaceAPICallsUsage: [{timestamp: `${period}T00:00:00Z`, apiCalls}],
    pagination: {current: 'MA=='},
  },
});

const activated = (messages: SingerMessage[]) =>
  messages.filter((m) => m.type === 'ACTIVATE_VERSION').map((m) => (m as {stream: string}).stream);

describe('one bad stream costs one stream', () => {
  it('stops a stream whose record does not fit, finishes the others, and ends with a summary', async () => {
    nock(API).get('/roles').query(true).reply(200, badRoles());
    nockPages('/destinations', 'destinations');
    const log = memoryLogger();
    const result = await runSync({
      selections: selections('destinations', 'roles'),
      config: testConfig({emit_activate_version: true}),
      log,
      keepFailure: true,
    });
    checkOrdering(result.messages);
    expect(records(result, 'destinations')).to.have.length(3);
    // The page that held the bad record is not emitted at all: no half page, no partial row.
    expect(records(result, 'roles')).to.have.length(0);
    expect(activated(result.messages)).to.deep.equal(['destinations']);
    expect(result.error).to.be.instanceOf(StreamsFailedError);
    expect(result.error?.message).to.equal(
      '1 of 2 streams failed: roles (a record does not fit its schema); every other stream finished, and ' +
        'the last STATE keeps each failed stream at its last good bookmark (the ERROR lines above say why)',
    );
    const errors = log.lines.filter((l) => l.startsWith('ERROR'));
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include('stream roles stops here').and.include('field description must be');
  });

  it('keeps an incremental stream at its last good checkpoint when a later month fails', async () => {
    const scope = nock(API)
      .get('/usage/api-calls/daily')
      .query({period: '2026-09-01', 'pagination.count': '200'})
      .reply(200, usagePage('2026-09-01', '10'))
      .get('/usage/api-calls/daily')
      .query({period: '2026-10-01', 'pagination.count': '200'})
      .reply(200, usagePage('2026-10-01', 'eleven'))
      .get('/roles')
      .query(true)
      .reply(200, {data: {roles: [], pagination: {current: 'MA=='}}});
    const result = await runSync({
      selections: selections('usage_api_calls_daily', 'roles'),
      config: testConfig({start_date: '2026-09-01', max_parallel_streams: 1}),
      now: NOW,
      keepFailure: true,
    });
    scope.done();
    // September was read and checkpointed; October failed, and November was never asked for.
    const bookmark = (s: Record<string, unknown>) =>
      (s.bookmarks as Record<string, {replication_key_value?: string}>).usage_api_calls_daily
        ?.replication_key_value;
    expect(states(result).map(bookmark)).to.not.include('2026-10-01T00:00:00.000Z');
    expect(bookmark(states(result).at(-1) as Record<string, unknown>)).to.equal('2026-09-01T00:00:00.000Z');
    expect(result.messages.at(-1)?.type).to.equal('STATE');
    expect((result.error as StreamsFailedError).failures).to.deep.equal([
      {stream: 'usage_api_calls_daily', reason: 'a record does not fit its schema'},
    ]);
  });

  it('stops only the stream that answers a 4xx, and only the one whose cursor repeats', async () => {
    const scope = nock(API)
      .get('/roles')
      .query(true)
      .reply(404, {errors: [{type: 'NotFound', message: 'Resource not found'}]})
      .get('/invites')
      .query(true)
      .times(2)
      .reply(200, {data: {invites: ['a@example.com'], pagination: {current: 'MA==', next: 'MA=='}}});
    nockPages('/destinations', 'destinations');
    const result = await runSync({
      selections: selections('destinations', 'roles', 'invites'),
      keepFailure: true,
    });
    scope.done();
    expect(records(result, 'destinations')).to.have.length(3);
    expect((result.error as StreamsFailedError).failures).to.have.deep.members([
      {stream: 'roles', reason: 'HTTP 404'},
      {stream: 'invites', reason: 'the API repeated a pagination cursor'},
    ]);
    expect(result.error?.message).to.match(/^2 of 3 streams failed: /);
  });

  it('skips a plan-gated list that answers 404 like a 403: one warning naming the feature, no failure', async () => {
    nock(API)
      .get('/spaces')
      .query(true)
      .reply(404, {errors: [{type: 'NotFound', message: 'Resource not found'}]});
    nockPages('/destinations', 'destinations');
    const log = memoryLogger();
    const result = await runSync({selections: selections('spaces', 'destinations'), log});
    expect(result.error).to.equal(undefined);
    expect(records(result, 'destinations')).to.have.length(3);
    const warnings = log.lines.filter((l) => l.startsWith('WARNING') && l.includes('spaces'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('stream spaces skipped: 404').and.include('Engage (Spaces)');
  });

  it('stops a failing child stream alone: its resume point stays, the parent and sibling finish', async () => {
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    for (const [i, id] of PLAN_IDS.entries()) {
      const rule = i === 1 ? {...RULE, version: 'two'} : RULE;
      // Rules stop at the second plan: the third plan's rules are never asked for.
      if (i < 2)
        scope
          .get(`/tracking-plans/${id}/rules`)
          .query(true)
          .reply(200, {data: {rules: [rule], pagination: {current: 'MA=='}}});
      scope
        .get(`/tracking-plans/${id}/sources`)
        .query(true)
        .reply(200, {data: {sources: [], pagination: {current: 'MA=='}}});
    }
    const result = await runSync({
      selections: selections('tracking_plans', 'tracking_plan_rules', 'tracking_plan_sources'),
      config: testConfig({emit_activate_version: true}),
      keepFailure: true,
    });
    scope.done();
    expect(records(result, 'tracking_plans')).to.have.length(3);
    expect(records(result, 'tracking_plan_rules').map((r) => r.trackingPlanId)).to.deep.equal([PLAN_IDS[0]]);
    expect(states(result).at(-1)).to.deep.equal({
      bookmarks: {tracking_plan_rules: {last_completed_parent: PLAN_IDS[0]}},
      currently_syncing: null,
    });
    expect(activated(result.messages)).to.have.members(['tracking_plans', 'tracking_plan_sources']);
    expect((result.error as StreamsFailedError).failures.map((f) => f.stream)).to.deep.equal([
      'tracking_plan_rules',
    ]);
  });

  it("keeps feeding the children when the parent's own record does not fit", async () => {
    const page = fixture('tracking_plans.page1');
    const plans = (page.data as {trackingPlans: Record<string, unknown>[]}).trackingPlans;
    (plans[0] as Record<string, unknown>).name = 42;
    const scope = nock(API).get('/tracking-plans').query(true).reply(200, page);
    scope
      .get('/tracking-plans')
      .query((q) => q['pagination.cursor'] === 'Mg==')
      .reply(200, fixture('tracking_plans.page2'));
    for (const id of PLAN_IDS) {
      scope
        .get(`/tracking-plans/${id}/rules`)
        .query(true)
        .reply(200, {data: {rules: [RULE], pagination: {current: 'MA=='}}});
    }
    const result = await runSync({
      selections: selections('tracking_plans', 'tracking_plan_rules'),
      keepFailure: true,
    });
    scope.done();
    expect(records(result, 'tracking_plans')).to.have.length(0);
    expect(records(result, 'tracking_plan_rules')).to.have.length(3);
    expect((result.error as StreamsFailedError).failures.map((f) => f.stream)).to.deep.equal([
      'tracking_plans',
    ]);
  });

  it('stops the whole group when the parent list itself fails', async () => {
    // Twice: a 422 to the dot form is retried once in the bracket form (query-form.ts).
    const scope = nock(API)
      .get('/tracking-plans')
      .query(true)
      .times(2)
      .reply(422, {errors: [{type: 'ValidationFailure', message: 'Invalid type'}]});
    const log = memoryLogger();
    const result = await runSync({
      selections: selections('tracking_plans', 'tracking_plan_rules'),
      log,
      keepFailure: true,
    });
    scope.done();
    expect((result.error as StreamsFailedError).failures).to.deep.equal([
      {stream: 'tracking_plans', reason: 'HTTP 422'},
      {stream: 'tracking_plan_rules', reason: 'HTTP 422'},
    ]);
    expect(log.lines.filter((l) => l.startsWith('ERROR'))[0]).to.include(
      'streams tracking_plans, tracking_plan_rules stop here',
    );
  });

  it('keeps fail-fast under strict_streams: the first failure stops the run with its own error', async () => {
    nock(API).get('/roles').query(true).reply(200, badRoles());
    let invitesRead = false;
    nock(API)
      .get('/invites')
      .query(true)
      .optionally()
      .reply(() => {
        invitesRead = true;
        return [200, fixture('invites.page2')];
      });
    const result = await runSync({
      selections: selections('roles', 'invites'),
      config: testConfig({strict_streams: true, max_parallel_streams: 1}),
      keepFailure: true,
    });
    expect(result.error).to.have.property('name', 'RecordValidationError');
    expect(invitesRead, 'invites, scheduled after roles, is never read').to.equal(false);
  });

  it('still stops the whole run on a run-wide failure: a bad token, retries run out', async () => {
    nock(API)
      .get('/roles')
      .query(true)
      .reply(401, {errors: [{type: 'unauthorized', message: 'Unauthorized'}]});
    nock(API)
      .get('/destinations')
      .query(true)
      .optionally()
      .delay(200)
      .reply(200, fixture('destinations.page2'));
    const unauthorized = await runSync({selections: selections('roles', 'destinations'), keepFailure: true});
    expect(unauthorized.error).to.have.property('name', 'HttpError');
    expect(unauthorized.error?.message).to.include('401 Unauthorized');
    nock.cleanAll();
    nock(API)
      .get('/roles')
      .query(true)
      .times(2)
      .reply(503, {errors: [{message: 'down'}]});
    const exhausted = await runSync({
      selections: selections('roles'),
      config: testConfig({max_retries: 1}),
      keepFailure: true,
    });
    expect(exhausted.error).to.have.property('name', 'HttpError');
    expect(exhausted.error).to.not.be.instanceOf(StreamsFailedError);
  });
});

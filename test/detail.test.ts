// List vs detail: the detail GET fills what a list item lacks; a keyless function is skipped (nock).
import {expect} from 'chai';
import nock from 'nock';
import type {StreamsFailedError} from '../src/shared/errors.js';
import {API, fixture, memoryLogger, records, runSync, selections, testConfig} from './helpers.js';

const PERMISSIONS = [{roleId: 'r1', roleName: 'Workspace Owner', resources: [{id: 'ws', type: 'WORKSPACE'}]}];
const user = (id: string, withPermissions = false) => ({
  id,
  name: `User ${id}`,
  email: `${id}@example.com`,
  ...(withPermissions ? {permissions: PERMISSIONS} : {}),
});
const usersPage = (...users: unknown[]) => ({data: {users, pagination: {current: 'MA=='}}});
const FUNCTION_TYPES = [
  'DESTINATION',
  'INSERT_DESTINATION',
  'INSERT_SOURCE',
  'INSERT_TRANSFORMATION',
  'SOURCE',
];

describe('list vs detail', () => {
  it('reads the detail of each user the list gives without permissions, and only of those', async () => {
    const scope = nock(API)
      .get('/users')
      .query(true)
      .reply(200, usersPage(user('u1', true), user('u2'), user('u3')))
      .get('/users/u2')
      .reply(200, {data: {user: user('u2', true)}})
      .get('/users/u3')
      .reply(200, {data: {user: {...user('u3'), permissions: []}}});
    const result = await runSync({selections: selections('users')});
    scope.done();
    expect(records(result, 'users').map((u) => u.permissions)).to.deep.equal([PERMISSIONS, PERMISSIONS, []]);
  });

  it('skips an item deleted between list and detail (404), with a warning', async () => {
    const scope = nock(API)
      .get('/users')
      .query(true)
      .reply(200, usersPage(user('u1'), user('u2')))
      .get('/users/u1')
      .reply(404, {errors: [{message: 'Resource not found'}]})
      .get('/users/u2')
      .reply(200, {data: {user: user('u2', true)}});
    const log = memoryLogger();
    const result = await runSync({selections: selections('users'), log});
    scope.done();
    expect(records(result, 'users').map((u) => u.id)).to.deep.equal(['u2']);
    expect(log.lines.filter((l) => l.startsWith('WARNING'))).to.deep.equal([
      'WARNING stream users: u1 is gone since it was listed (404 on GET /users/u1); skipping it',
    ]);
  });

  it('keeps the list fields after a 403 on a detail, asks no further detail, and fails under strict_streams', async () => {
    const forbidden = {errors: [{message: 'Forbidden'}]};
    const scope = nock(API)
      .get('/users')
      .query(true)
      .reply(200, usersPage(user('u1'), user('u2')))
      .get('/users/u1')
      .reply(403, forbidden);
    const log = memoryLogger();
    const result = await runSync({selections: selections('users'), log});
    scope.done();
    expect(records(result, 'users').map((u) => [u.id, u.permissions])).to.deep.equal([
      ['u1', null],
      ['u2', null],
    ]);
    expect(log.lines.filter((l) => l.startsWith('WARNING'))[0]).to.include('403 Forbidden on GET /users/u1');
    nock(API)
      .get('/users')
      .query(true)
      .reply(200, usersPage(user('u1')))
      .get('/users/u1')
      .reply(403, forbidden);
    const strict = await runSync({
      selections: selections('users'),
      config: testConfig({strict_streams: true}),
      keepFailure: true,
    });
    expect(strict.error).to.have.property('name', 'ForbiddenError');
  });

  it('fails the stream, not the run, when a detail answers without its object', async () => {
    nock(API)
      .get('/users')
      .query(true)
      .reply(200, usersPage(user('u1')))
      .get('/users/u1')
      .reply(200, {data: {member: {}}});
    const result = await runSync({selections: selections('users'), keepFailure: true});
    expect((result.error as StreamsFailedError).failures).to.deep.equal([
      {stream: 'users', reason: 'an unexpected response'},
    ]);
  });

  it('skips a function without an id (the contract allows one; it is the key) with one warning', async () => {
    const listed = {resourceType: 'SOURCE', displayName: 'Anonymous', createdAt: '2026-01-01T00:00:00Z'};
    const detail = fixture('functions.detail').data as {function: Record<string, unknown>};
    const scope = nock(API);
    for (const type of FUNCTION_TYPES) {
      const items = type === 'SOURCE' ? [listed, {id: 'sfn_1', ...listed}, listed] : [];
      scope
        .get('/functions')
        .query({resourceType: type, 'pagination.count': '200'})
        .reply(200, {data: {functions: items, pagination: {current: 'MA=='}}});
    }
    scope.get('/functions/sfn_1').reply(200, {data: {function: {...detail.function, id: 'sfn_1'}}});
    const log = memoryLogger();
    const result = await runSync({selections: selections('functions'), log});
    scope.done();
    expect(records(result, 'functions').map((f) => f.id)).to.deep.equal(['sfn_1']);
    expect(records(result, 'functions')[0]?.code).to.be.a('string');
    const warnings = log.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.deep.equal([
      'WARNING stream functions: the API listed an item without an id (resourceType "SOURCE", displayName "Anonymous"); ' +
        'skipping it and any other without one: the id is the key a target upserts on and the address of its detail ' +
        '(warned once per run)',
    ]);
  });

  it('asks no detail when the list already carries every detail field', async () => {
    const full = {...(fixture('functions.detail').data as {function: Record<string, unknown>}).function};
    const scope = nock(API);
    for (const type of FUNCTION_TYPES) {
      scope
        .get('/functions')
        .query({resourceType: type, 'pagination.count': '200'})
        .reply(200, {data: {functions: type === 'DESTINATION' ? [full] : [], pagination: {current: 'MA=='}}});
    }
    const result = await runSync({selections: selections('functions')});
    scope.done();
    expect(records(result, 'functions')[0]).to.include({code: full.code, isLatestVersion: true});
  });
});

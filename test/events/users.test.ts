// users.ts: one row per user_id, traits merged in timestamp order whatever the order of the files.
import {expect} from 'chai';
import {createUserMerger} from '../../src/events/users.js';
import type {JsonObject} from '../../src/shared/json.js';

const identify = (userId: string, timestamp: string, traits: JsonObject, extra = {}): JsonObject => ({
  user_id: userId,
  timestamp,
  received_at: timestamp,
  traits,
  message_id: `m-${timestamp}`,
  anonymous_id: null,
  _sdc_source_id: 's',
  _sdc_last_modified: '2026-11-20T10:00:00.000Z',
  ...extra,
});

describe('events: event_users from identify calls', () => {
  it('merges traits trait by trait in timestamp order, not in read order', () => {
    const users = createUserMerger();
    users.add(identify('u1', '2026-11-20T10:00:00Z', {plan: 'pro', email: 'new@example.com'}));
    users.add(identify('u1', '2026-11-19T10:00:00Z', {plan: 'free', email: 'old@example.com', name: 'Ada'}));
    users.add(identify('u2', '2026-11-19T10:00:00Z', {plan: 'team'}));
    users.add(identify('', '2026-11-19T10:00:00Z', {plan: 'anon'}));
    const rows = [...users.rows()];
    expect(rows).to.have.length(2);
    expect(rows[0]).to.deep.include({user_id: 'u1', identifies: 2, message_id: 'm-2026-11-20T10:00:00Z'});
    expect(rows[0]?.traits).to.deep.equal({plan: 'pro', email: 'new@example.com', name: 'Ada'});
    expect(rows[1]?.traits).to.deep.equal({plan: 'team'});
  });
});

describe('events: event_users memory', () => {
  it('keeps the latest identify’s columns, not the record (its context is most of an event)', () => {
    const users = createUserMerger();
    const record = identify('u1', '2026-11-20T10:00:00Z', {plan: 'pro'}, {anonymous_id: 'a1'});
    users.add(record);
    // A copy, not a reference: the row is unchanged when the record is.
    record.anonymous_id = 'changed';
    record.message_id = 'changed';
    expect([...users.rows()][0]).to.deep.include({anonymous_id: 'a1', message_id: 'm-2026-11-20T10:00:00Z'});
  });
});

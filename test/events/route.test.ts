// route.ts: call type → stream, snake_case columns, archive position, _sdc_extra, writeKey redaction.

import type {ValidateFunction} from 'ajv';
import {expect} from 'chai';
import {isIsoMillisUtc, routeMessage} from '../../src/events/route.js';
import {streams} from '../../src/events/streams.js';
import {compileValidator, isDateTime} from '../../src/records/schemas.js';
import type {JsonValue} from '../../src/shared/json.js';
import {loadSchema} from '../../src/singer/schema-files.js';

const at = {
  sourceId: 'src1',
  key: 'segment-logs/src1/1700006400000/a.gz',
  line: 7,
  lastModified: '2023-11-15T01:40:00.000Z',
};
const track = {
  type: 'track',
  messageId: 'ajs-1',
  userId: 'u1',
  anonymousId: 'a1',
  event: 'Order Completed',
  properties: {revenue: 10},
  context: {ip: '1.2.3.4'},
  timestamp: '2023-11-15T01:02:03.456Z',
  receivedAt: '2023-11-15T01:02:04+01:00',
  version: 2,
};

describe('events: routing a message to its stream', () => {
  it('maps a track to event_tracks with snake_case columns and the archive position', () => {
    const routed = routeMessage(track, at, true);
    expect(routed).to.have.property('stream', 'event_tracks');
    const record = (routed as {record: Record<string, unknown>}).record;
    expect(record).to.include({
      message_id: 'ajs-1',
      user_id: 'u1',
      anonymous_id: 'a1',
      event: 'Order Completed',
      timestamp: '2023-11-15T01:02:03.456Z',
      received_at: '2023-11-15T00:02:04.000Z',
      version: '2',
      _sdc_source_id: 'src1',
      _sdc_s3_key: at.key,
      _sdc_line: 7,
      _sdc_last_modified: at.lastModified,
      _sdc_extra: null,
    });
    expect(record.properties).to.deep.equal({revenue: 10});
  });

  it('version as a string and as a number both become a string', () => {
    const record = (routeMessage({...track, version: '1.1'}, at, true) as {record: Record<string, unknown>})
      .record;
    expect(record.version).to.equal('1.1');
  });

  it('unknown top-level keys and known keys of the wrong type go to _sdc_extra; writeKey is redacted', () => {
    const routed = routeMessage(
      {
        ...track,
        writeKey: 'wk_live_123456',
        _metadata: {bundled: ['x']},
        properties: 'oops',
        timestamp: 'yesterday',
        context: {writeKey: 'wk_2_abcdef'},
      },
      at,
      true,
    ) as {record: Record<string, unknown>};
    expect(routed.record._sdc_extra).to.deep.equal({
      writeKey: '[REDACTED]',
      _metadata: {bundled: ['x']},
      properties: 'oops',
      timestamp: 'yesterday',
    });
    expect(routed.record.properties).to.equal(null);
    expect(routed.record.timestamp).to.equal(null);
    expect(routed.record.context).to.deep.equal({writeKey: '[REDACTED]'});
  });

  it('keeps writeKey when redact_secrets is off', () => {
    const routed = routeMessage({...track, writeKey: 'wk_live_123456'}, at, false) as {
      record: Record<string, unknown>;
    };
    expect(routed.record._sdc_extra).to.deep.equal({writeKey: 'wk_live_123456'});
  });

  it('missing messageId, missing type, unknown type and non-objects are problems, not records', () => {
    const {messageId: _m, ...noId} = track;
    const {type: _t, ...noType} = track;
    expect(routeMessage(noId, at, true)).to.deep.equal({problem: 'no-message-id', type: 'track'});
    expect(routeMessage(noType, at, true)).to.deep.equal({problem: 'no-type'});
    expect(routeMessage({...track, type: 'delete'}, at, true)).to.deep.equal({
      problem: 'unknown-type',
      type: 'delete',
    });
    expect(routeMessage([1, 2], at, true)).to.deep.equal({problem: 'not-object'});
  });

  it('routes every call type to its own stream with its own columns', () => {
    const streams = ['identify', 'page', 'screen', 'group', 'alias'].map((type) => {
      const routed = routeMessage(
        {type, messageId: `m-${type}`, groupId: 'g1', previousId: 'p1', name: 'Home', traits: {plan: 'pro'}},
        at,
        true,
      );
      return 'stream' in routed
        ? [
            routed.stream,
            routed.record.group_id ?? routed.record.previous_id ?? routed.record.name ?? routed.record.traits,
          ]
        : routed;
    });
    expect(streams).to.deep.equal([
      ['event_identifies', {plan: 'pro'}],
      ['event_pages', 'Home'],
      ['event_screens', 'Home'],
      ['event_groups', 'g1'],
      ['event_aliases', 'p1'],
    ]);
  });
});

describe('events: routed records fit their stream schema as they are', () => {
  // The source sends routed records of a fully selected, unflattened stream without validating them
  // again (source.ts): that is only right while routing cannot build a record its schema refuses.
  const validators = new Map(
    streams
      .filter((s) => s.name !== 'event_users')
      .map((def) => [def.name, compileValidator(def, loadSchema(def.name))]),
  );
  const odd: Record<string, unknown>[] = [
    track,
    {...track, messageId: 42, version: true, channel: 7, userId: 12345},
    {...track, timestamp: 'yesterday', sentAt: '2023-11-15', receivedAt: '2023-11-15 01:02:03'},
    {...track, originalTimestamp: '2023-11-15T01:02:03.456+05:30', sentAt: '2023-11-15T01:02:03.456z'},
    // Converted to UTC these leave the four-digit years RFC 3339 allows: they go to _sdc_extra.
    {...track, timestamp: '0000-01-01T00:30:00+01:00', sentAt: '9999-12-31T23:30:00-01:00'},
    {...track, context: [1], properties: null, integrations: 'x', event: {name: 'x'}},
    {type: 'identify', messageId: 'i1', traits: {email: 'a@b.c'}, writeKey: 'wk', extra: [1]},
    {type: 'group', messageId: 'g1', groupId: 9, traits: 'no'},
    {type: 'alias', messageId: 'a1', previousId: null},
    {type: 'page', messageId: 'p1', name: 'Home', category: null, properties: {}},
    {type: 'screen', messageId: 's1', name: ['x']},
  ];
  for (const message of odd) {
    it(`${message.type} ${JSON.stringify(message).slice(0, 60)}…`, () => {
      const routed = routeMessage(message as JsonValue, at, true);
      if (!('stream' in routed)) throw new Error(`not routed: ${routed.problem}`);
      const validate = validators.get(routed.stream) as ValidateFunction;
      expect(validate(routed.record), JSON.stringify(validate.errors)).to.equal(true);
    });
  }

  it('a date that UTC turns into a five-digit or negative year goes to _sdc_extra, not into a column', () => {
    const routed = routeMessage({...track, timestamp: '0000-01-01T00:30:00+01:00'}, at, true) as {
      record: Record<string, unknown>;
    };
    expect(routed.record.timestamp).to.equal(null);
    expect(routed.record._sdc_extra).to.deep.equal({timestamp: '0000-01-01T00:30:00+01:00'});
  });
});

describe('events: the quick date check', () => {
  it('agrees with the RFC 3339 check, and accepts only toISOString form', () => {
    const base = '2024-05-06T07:08:09.123Z';
    const cases = [base, new Date(0).toISOString(), '2024-12-31T23:59:60.999Z', '2024-05-06T07:08:09Z'];
    // Every character of the base swapped for each of a few others: digits, separators, range edges.
    for (let i = 0; i < base.length; i++) {
      for (const c of '0123456789-:.TtZz+ /') cases.push(base.slice(0, i) + c + base.slice(i + 1));
    }
    for (const month of ['00', '12', '13', '19']) cases.push(`2024-${month}-06T07:08:09.123Z`);
    for (const day of ['00', '29', '31', '32', '39']) cases.push(`2024-05-${day}T07:08:09.123Z`);
    for (const hms of ['23:59:59', '24:00:00', '29:00:00', '00:60:00', '00:00:60', '00:00:61', '00:00:70'])
      cases.push(`2024-05-06T${hms}.123Z`);
    let accepted = 0;
    for (const value of cases) {
      const quick = isIsoMillisUtc(value);
      if (quick) {
        accepted += 1;
        expect(isDateTime(value), value).to.equal(true);
        expect(value).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      } else if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value)) {
        expect(isDateTime(value), value).to.equal(false);
      }
    }
    expect(accepted).to.be.greaterThan(30);
  });
});

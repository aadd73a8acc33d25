// route.ts: call type → stream, snake_case columns, archive position, _sdc_extra, writeKey redaction.
import {expect} from 'chai';
import {routeMessage} from '../../src/events/route.js';

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

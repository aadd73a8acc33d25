// track-tables.ts: stream names from event names, property columns, type widening, records of a per-event stream.
import {expect} from 'chai';
import {
  columnOf,
  createTrackTableRecord,
  trackTableOf,
  trackTableSpec,
  widen,
} from '../../src/events/track-tables.js';
import type {JsonObject} from '../../src/shared/json.js';
import {memoryLogger} from '../helpers.js';

describe('events: per-event tables', () => {
  it('names a stream after the event: event_track_<snake_case>, within 63 characters', () => {
    expect(trackTableOf('Order Completed')).to.equal('event_track_order_completed');
    expect(trackTableOf('checkoutStarted v2!')).to.equal('event_track_checkout_started_v2');
    expect(trackTableOf('  !! ')).to.equal(undefined);
    expect(trackTableOf('x'.repeat(100))?.length).to.equal(63);
  });

  it('property columns are snake_case; one that would shadow a track column gets property_', () => {
    expect(columnOf('productId')).to.equal('product_id');
    expect(columnOf('user_id')).to.equal('property_user_id');
    expect(columnOf('3d')).to.equal('_3d');
  });

  it('type widening: integer and number widen to number, anything else mixed to string', () => {
    expect(widen('integer', 'number')).to.equal('number');
    expect(widen(undefined, 'boolean')).to.equal('boolean');
    expect(widen('boolean', 'integer')).to.equal('string');
    expect(widen('object', 'string')).to.equal('string');
  });

  it('builds records with the track columns and one column per property; misfits go to _sdc_extra, warned once', () => {
    const spec = trackTableSpec(
      'event_track_order_completed',
      new Map([
        ['revenue', 'number'],
        ['plan', 'string'],
        ['gift', 'boolean'],
      ] as const),
    );
    const properties = (spec.schema as JsonObject).properties as JsonObject;
    expect(Object.keys(properties)).to.include.members([
      'message_id',
      'event',
      'revenue',
      'plan',
      'gift',
      '_sdc_extra',
    ]);
    expect(properties).to.not.have.property('properties');
    const log = memoryLogger();
    const build = createTrackTableRecord(spec.schema as JsonObject, log, spec.name);
    const track = {
      message_id: 'm1',
      event: 'Order Completed',
      properties: {revenue: 10, plan: ['a'], gift: 'yes', coupon: 'X'},
      _sdc_extra: null,
    };
    const record = build(track);
    expect(record).to.include({message_id: 'm1', revenue: 10, plan: '["a"]', gift: null});
    expect(record._sdc_extra).to.deep.equal({properties: {gift: 'yes', coupon: 'X'}});
    build(track);
    expect(log.lines.filter((l) => l.includes('kept in _sdc_extra.properties'))).to.have.length(2);
  });
});

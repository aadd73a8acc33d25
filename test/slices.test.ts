// Slices with literal dates: the month walk, the audit window and the volume window, independent of the e2e oracle.
import {expect} from 'chai';
import {planSlices} from '../src/public-api/slices.js';
import {type StreamDef, streamByName} from '../src/public-api/streams.js';
import {memoryLogger} from './helpers.js';

const def = (name: string) => streamByName(name) as StreamDef;
const at = (text: string) => Date.parse(text);

describe('slices (literal dates)', () => {
  it('walks usage months across a year end, re-reading the bookmark month, each a checkpoint', () => {
    const slices = planSlices(
      def('usage_mtu_daily'),
      at('2025-11-17T00:00:00Z'),
      at('2026-01-05T10:00:00Z'),
      memoryLogger(),
    );
    expect(slices.map((s) => s.query.period)).to.deep.equal(['2025-11-01', '2025-12-01', '2026-01-01']);
    expect(slices.every((s) => s.checkpoint)).to.equal(true);
  });

  it('opens the audit window one second before the bookmark and closes it at the run start', () => {
    const [slice, ...rest] = planSlices(
      def('audit_events'),
      at('2026-11-01T00:00:00Z'),
      at('2026-11-30T12:00:00Z'),
      memoryLogger(),
    );
    expect(rest).to.deep.equal([]);
    expect(slice?.query).to.include({
      startTime: '2026-10-31T23:59:59.000Z',
      endTime: '2026-11-30T12:00:00.000Z',
    });
    expect(slice?.checkpoint).to.equal(false);
  });

  it('warns once when the audit start is older than the 90 days the Audit Trail keeps', () => {
    const log = memoryLogger();
    planSlices(def('audit_events'), at('2026-08-01T00:00:00Z'), at('2026-11-30T00:00:00Z'), log);
    const warnings = log.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('events before 2026-09-01T00:00:00.000Z are no longer available');
  });

  it('reads event volume from the start of the start day to one whole minute behind the run start', () => {
    const [slice] = planSlices(
      def('events_volume_daily'),
      at('2026-11-20T17:45:00Z'),
      at('2026-11-30T12:34:56Z'),
      memoryLogger(),
    );
    expect(slice?.query).to.include({
      startTime: '2026-11-20T00:00:00.000Z',
      endTime: '2026-11-30T12:33:00.000Z',
    });
  });

  it('plans no volume slice when the window is empty (a run within a minute of midnight after a run that day)', () => {
    const slices = planSlices(
      def('events_volume_daily'),
      at('2026-11-30T00:00:00Z'),
      at('2026-11-30T00:00:30Z'),
      memoryLogger(),
    );
    expect(slices).to.deep.equal([]);
  });

  it('lists functions once per resourceType', () => {
    const slices = planSlices(def('functions'), undefined, at('2026-11-30T00:00:00Z'), memoryLogger());
    expect(slices.map((s) => s.query.resourceType)).to.have.length(5);
  });
});

// A page that fans out into many records goes to the engine in bounded batches, with the same lines as one batch.
import {expect} from 'chai';
import type {EngineEvent} from '../src/engine/context.js';
import {createRecordPreparer} from '../src/public-api/prepare.js';
import {MAX_BATCH_RECORDS, pageRecords, recordBatches} from '../src/public-api/reader.js';
import type {ApiRun} from '../src/public-api/source.js';
import type {StreamDef} from '../src/public-api/streams.js';
import {createRecordShaper} from '../src/records/shaper.js';
import type {JsonValue} from '../src/shared/json.js';
import {type SingerMessage, serializeBatch} from '../src/singer/messages.js';
import {memoryLogger, selections} from './helpers.js';

const TIME = '2026-11-26T12:00:00.000Z';

function volumeRun(): ApiRun {
  const [selection] = selections('events_volume_daily');
  if (!selection) throw new Error('no events_volume_daily stream');
  const def = selection.def as StreamDef;
  return {
    def,
    schema: selection.schema,
    shape: createRecordShaper({
      ...selection,
      redact: false,
      log: memoryLogger(),
      prepare: createRecordPreparer(def, selection.schema),
    }),
    output: (record) => record,
    version: {},
    records: 0,
    pages: 0,
    failed: false,
  };
}

/** `sources` series of `days` daily points each: one page of /events/volume grouped by source. */
function volumeItems(sources: number, days: number) {
  return Array.from({length: sources}, (_, s) => ({
    source: {id: `src${s}`, name: `Source ${s}`, slug: `source-${s}`},
    total: days,
    series: Array.from({length: days}, (_, d) => ({
      time: new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().replace('.000Z', 'Z'),
      count: d,
    })),
  }));
}

const lines = (events: EngineEvent[]) => serializeBatch(events as SingerMessage[]);

describe('record batches of one page', () => {
  it('splits a page that fans out into batches of at most MAX_BATCH_RECORDS, in order', () => {
    const items = volumeItems(3, 700);
    const split = volumeRun();
    const batches = recordBatches(split, items, TIME);
    const parts: EngineEvent[][] = [];
    let newest = 0;
    for (let step = batches.next(); ; step = batches.next()) {
      if (step.done) {
        newest = step.value;
        break;
      }
      parts.push(step.value);
    }
    const full = Math.floor(2100 / MAX_BATCH_RECORDS);
    expect(parts.map((p) => p.length)).to.deep.equal([
      ...Array<number>(full).fill(MAX_BATCH_RECORDS),
      2100 - full * MAX_BATCH_RECORDS,
    ]);
    const whole = volumeRun();
    const page = pageRecords(whole, items, TIME);
    // The same bytes as the page in one batch, and the same bookkeeping.
    expect(lines(parts.flat())).to.equal(lines(page.batch));
    expect(newest)
      .to.equal(page.newest)
      .and.to.equal(Date.UTC(2026, 0, 1) + 699 * 86_400_000);
    expect([split.records, split.pages])
      .to.deep.equal([2100, 1])
      .and.deep.equal([whole.records, whole.pages]);
  });

  it('keeps a page within the limit as one batch, and yields nothing for an empty page', () => {
    const run = volumeRun();
    const page = volumeItems(1, MAX_BATCH_RECORDS);
    expect([...recordBatches(run, page, TIME)].map((p) => p.length)).to.deep.equal([MAX_BATCH_RECORDS]);
    expect([...recordBatches(run, [], TIME)]).to.deep.equal([]);
    expect([run.records, run.pages]).to.deep.equal([MAX_BATCH_RECORDS, 2]);
  });

  it('counts nothing of a page whose records do not fit, like the page in one batch', () => {
    const run = volumeRun();
    // Two series of 60% of a batch: the first batch is full, the second meets the bad item.
    const days = Math.ceil(MAX_BATCH_RECORDS * 0.6);
    const items = [...volumeItems(2, days), {source: {id: 'bad'}, series: [{time: 'not a date', count: 1}]}];
    const batches = recordBatches(run, items, TIME);
    expect(batches.next().value).to.have.length(MAX_BATCH_RECORDS);
    expect(() => batches.next()).to.throw(/events_volume_daily/);
    expect(run.pages).to.equal(0);
  });

  it('lets go of each item once its records are built when asked (release), and of none otherwise', () => {
    // Three series of 70% of a batch each: the first batch needs two of them, not the third.
    const days = Math.ceil(MAX_BATCH_RECORDS * 0.7);
    const items: JsonValue[] = volumeItems(3, days);
    const released = recordBatches(volumeRun(), items, TIME, undefined, {release: true});
    expect(released.next().value).to.have.length(MAX_BATCH_RECORDS);
    expect(items.map((item) => item === null)).to.deep.equal([true, true, false]);
    const rest = [...released].flat();
    expect(rest).to.have.length(3 * days - MAX_BATCH_RECORDS);
    expect(items).to.deep.equal([null, null, null]);

    const kept: JsonValue[] = volumeItems(3, days);
    expect([...recordBatches(volumeRun(), kept, TIME)].flat()).to.have.length(3 * days);
    expect(kept).to.deep.equal(volumeItems(3, days));
  });

  it('builds volume records in the schema order, so that no record is copied to fit it', () => {
    for (const name of ['events_volume_daily', 'events_volume_by_event_daily']) {
      const [selection] = selections(name);
      const def = selection?.def as StreamDef;
      const [record] = def.transform?.(volumeItems(1, 1)[0] as JsonValue) ?? [];
      expect(Object.keys(record ?? {}), name).to.deep.equal(
        Object.keys(selection?.schema.properties as object),
      );
    }
  });
});

// cursor.ts: which files a stream still needs, and how its bookmark moves after reading them.
import {expect} from 'chai';
import {markRead, needsFile, readBookmark} from '../../src/events/cursor.js';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-20T10:00:00Z');
const file = (key: string, lastModified: number, etag = `"${key}"`) => ({key, etag, lastModified, size: 10});
const LOOKBACK = 72 * HOUR;

describe('events: the per-stream cursor over the archive', () => {
  it('same second: a second file with the LastModified of the bookmark is still read (>=, not >)', () => {
    const read = markRead(readBookmark(undefined), [file('a', T)], LOOKBACK);
    expect(read.replication_key_value).to.equal('2026-11-20T10:00:00.000Z');
    expect(needsFile(read, file('a', T), LOOKBACK)).to.equal(false);
    expect(needsFile(read, file('b', T), LOOKBACK)).to.equal(true);
  });

  it('late file: an unseen file older than the bookmark but inside the look-back window is read', () => {
    const read = markRead(readBookmark(undefined), [file('a', T)], LOOKBACK);
    expect(needsFile(read, file('late', T - 5 * HOUR), LOOKBACK)).to.equal(true);
    expect(needsFile(read, file('ancient', T - 73 * HOUR), LOOKBACK)).to.equal(false);
  });

  it('re-written key: the same key with a new ETag is read again', () => {
    const read = markRead(readBookmark(undefined), [file('a', T, '"v1"')], LOOKBACK);
    expect(needsFile(read, file('a', T, '"v1"'), LOOKBACK)).to.equal(false);
    expect(needsFile(read, file('a', T + 1000, '"v2"'), LOOKBACK)).to.equal(true);
  });

  it('never moves the value backwards, and prunes the history to the window', () => {
    let bookmark = markRead(readBookmark(undefined), [file('old', T - 100 * HOUR)], LOOKBACK);
    bookmark = markRead(bookmark, [file('new', T)], LOOKBACK);
    bookmark = markRead(bookmark, [file('late', T - HOUR)], LOOKBACK);
    expect(bookmark.replication_key_value).to.equal('2026-11-20T10:00:00.000Z');
    expect(Object.keys(bookmark.files).sort()).to.deep.equal(['late', 'new']);
  });

  it('reads a bookmark of any shape from STATE without failing', () => {
    expect(readBookmark({replication_key_value: 'garbage', files: 'nope'})).to.deep.equal({
      replication_key: '_sdc_last_modified',
      files: {},
    });
    const kept = readBookmark({
      replication_key_value: '2026-11-20T10:00:00.000Z',
      files: {a: {etag: '"1"', last_modified: '2026-11-20T10:00:00.000Z'}, b: 3},
    });
    expect(Object.keys(kept.files)).to.deep.equal(['a']);
  });
});

describe('events: STATE cadence', () => {
  it('checkpoints every 10 files, and less often as the file history grows (STATE bytes per file stay flat)', async () => {
    const {checkpointEvery} = await import('../../src/events/source.js');
    const history = (n: number) =>
      markRead(
        readBookmark(undefined),
        Array.from({length: n}, (_, i) => file(`k${i}`, T)),
        LOOKBACK,
      );
    expect(checkpointEvery([history(5)])).to.equal(10);
    expect(checkpointEvery([history(5), history(6480)])).to.equal(65);
  });
});

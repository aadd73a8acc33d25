// listing.ts and store.ts: the archive layout, S3's delimiter rule, and deterministic shards.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect} from 'chai';
import {writeArchive, writeObject} from '../../dev/events/archive.js';
import {archiveRoot, inShard, listFiles, listSources, shardOf} from '../../src/events/listing.js';
import {createLocalStore, splitByDelimiter} from '../../src/events/store.js';

const DAY = 86_400_000;
const LAST_DAY = Date.parse('2026-11-20T00:00:00Z');

async function allFiles(dir: string, startDay?: number) {
  const store = createLocalStore(dir);
  const skipped: string[] = [];
  const sources = await listSources(store, archiveRoot(''), undefined, (key) => skipped.push(key));
  const keys: string[] = [];
  for (const source of sources) {
    for await (const page of listFiles(store, archiveRoot(''), source, startDay, (key) =>
      skipped.push(key),
    )) {
      keys.push(...page.map((f) => f.key));
    }
  }
  return {sources, keys, skipped};
}

describe('events: the archive layout', () => {
  it('normalises events_s3_prefix: the path before segment-logs/', () => {
    expect(archiveRoot('')).to.equal('segment-logs/');
    expect(archiveRoot('/path/prefix/')).to.equal('path/prefix/segment-logs/');
    expect(archiveRoot('path/prefix')).to.equal('path/prefix/segment-logs/');
  });

  it("rolls keys up into common prefixes as S3's delimiter listing does (nested folders included)", () => {
    const object = (key: string) => ({key, etag: '', lastModified: 0, size: 1});
    const page = splitByDelimiter(
      [
        object('segment-logs/dummy-object.txt'),
        object('segment-logs/a/1/x.gz'),
        object('segment-logs/a/2/y.gz'),
        object('segment-logs/b/1/z.gz'),
      ],
      'segment-logs/',
      '/',
    );
    expect(page.prefixes).to.deep.equal(['segment-logs/a/', 'segment-logs/b/']);
    expect(page.objects.map((o) => o.key)).to.deep.equal(['segment-logs/dummy-object.txt']);
  });

  it('dummy-object.txt and other non-archive keys are skipped and named; day folders before the start day are not read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tap-segment-archive-'));
    writeArchive({dir, seed: 3, sources: 1, days: 3, hours: 2, scale: 2, lastDay: LAST_DAY});
    writeObject(dir, 'segment-logs/dummy-object.txt', 'validation', LAST_DAY);
    const [source] = (await allFiles(dir)).sources;
    writeObject(dir, `segment-logs/${source}/notes.txt`, 'x', LAST_DAY);
    writeObject(dir, `segment-logs/${source}/20261120/a.gz`, 'x', LAST_DAY);
    const all = await allFiles(dir);
    expect(all.keys).to.have.length(6);
    expect(all.skipped.sort()).to.deep.equal(
      [
        'segment-logs/dummy-object.txt',
        `segment-logs/${source}/20261120/a.gz`,
        `segment-logs/${source}/notes.txt`,
      ].sort(),
    );
    const fromLastDay = await allFiles(dir, LAST_DAY);
    expect(fromLastDay.keys).to.have.length(2);
    expect(fromLastDay.keys.every((k) => k.includes(`/${LAST_DAY}/`))).to.equal(true);
    const fromMidDay = await allFiles(dir, LAST_DAY - DAY);
    expect(fromMidDay.keys).to.have.length(4);
  });

  it('shard union: the shards of i/n together hold every file exactly once, and the split is stable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tap-segment-archive-'));
    writeArchive({dir, seed: 5, sources: 3, days: 2, hours: 24, scale: 1, lastDay: LAST_DAY});
    const {keys} = await allFiles(dir);
    expect(keys).to.have.length(144);
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({length: count}, (_, index) =>
        keys.filter((k) => inShard(k, {index, count})),
      );
      const union = shards.flat();
      expect(union.length, `${count} shards`).to.equal(keys.length);
      expect(new Set(union).size).to.equal(keys.length);
      if (count > 1)
        for (const shard of shards) expect(shard.length).to.be.greaterThan(keys.length / count / 3);
    }
    expect(shardOf(keys[0] as string, 4)).to.equal(shardOf(keys[0] as string, 4));
  });
});

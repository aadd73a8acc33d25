// Bad archives and refused access: one clear line and a counter each, never a crash or a silent loss.
import {gzipSync} from 'node:zlib';
import {expect} from 'chai';
import {message, writeObject} from '../dev/events/archive.js';
import {type Archive, BUCKET, ids, readOutput, s3Config, startArchive} from './support/archive.js';
import {runCli, tempFiles} from './support/cli.js';

const DAY = 86_400_000;
const LAST_DAY = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;

async function sync(archive: Archive, extra: Record<string, unknown> = {}, state?: unknown) {
  const files = tempFiles({'config.json': s3Config(archive, extra), ...(state ? {'state.json': state} : {})});
  const result = await runCli([
    '--config',
    files['config.json'] as string,
    ...(state ? ['--state', files['state.json'] as string] : []),
  ]);
  return {result, output: readOutput(result)};
}

const line = (salt: string, i: number, patch: Record<string, unknown> = {}) =>
  JSON.stringify({...message(5, salt, i, LAST_DAY + 3_600_000), type: 'track', ...patch});

describe('event archive hazards', function () {
  this.timeout(60_000);
  let archive: Archive;
  let source: string;
  let run: Awaited<ReturnType<typeof sync>>;
  const at = LAST_DAY + 2 * 3_600_000;

  before(async () => {
    archive = await startArchive({seed: 21, sources: 1, days: 1, hours: 2, scale: 10, lastDay: LAST_DAY});
    source = archive.files[0]?.sourceId as string;
    const folder = `segment-logs/${source}/${LAST_DAY}`;
    const bad = [
      line('h', 1),
      '{"type":"track","messageId":"cut-off", "event":',
      line('h', 2, {messageId: undefined}),
      line('h', 3, {type: undefined}),
      line('h', 4, {type: 'delete'}),
      line('h', 5, {properties: 'x'.repeat(3000)}),
      line('h', 6, {writeKey: 'wk_live_SHOULD_NOT_LEAK'}),
      line('h', 7),
    ];
    writeObject(archive.dir, `${folder}/hazards.gz`, gzipSync(`${bad.join('\n')}\n`), at);
    const long = Array.from({length: 400}, (_, i) => line('t', i)).join('\n');
    const gz = gzipSync(long);
    writeObject(
      archive.dir,
      `${folder}/truncated.gz`,
      gz.subarray(0, Math.floor(gz.length * 0.6)),
      at + 1000,
    );
    writeObject(archive.dir, `${folder}/plain.gz`, `${line('p', 1)}\n${line('p', 2)}\n`, at + 2000);
    writeObject(archive.dir, 'segment-logs/dummy-object.txt', '', at);
    run = await sync(archive, {events_max_line_bytes: 2048});
  });
  after(async () => archive?.s3.close());

  it('bad input never stops the run: exit 0, and the good lines of a bad file are read', () => {
    expect(run.result.code, run.result.stderr.slice(-2000)).to.equal(0);
    const tracks = ids(run.output, 'event_tracks');
    for (const i of [1, 6, 7]) expect(tracks).to.include(JSON.parse(line('h', i)).messageId);
    expect(tracks).to.include.members([
      JSON.parse(line('p', 1)).messageId,
      JSON.parse(line('p', 2)).messageId,
    ]);
  });

  it('bad JSON line: one warning naming key:line', () => {
    expect(run.result.stderr).to.match(
      new RegExp(`WARNING events: segment-logs/${source}/\\d+/hazards.gz:2: not JSON`),
    );
  });

  it('missing messageId and missing type: one warning each naming key:line, skipped', () => {
    expect(run.result.stderr).to.match(/hazards.gz:3: no messageId; skipped/);
    expect(run.result.stderr).to.match(/hazards.gz:4: no type; skipped/);
  });

  it('unknown type: named once, counted, skipped', () => {
    expect(run.result.stderr).to.match(/hazards.gz:5: call type "delete" has no stream/);
    expect(run.result.stderr).to.include('"metric":"events_unknown_type","value":1');
  });

  it('oversized line: skipped with a warning naming key:line', () => {
    expect(run.result.stderr).to.match(/hazards.gz:6: line longer than events_max_line_bytes/);
    expect(ids(run.output, 'event_tracks')).to.not.include(JSON.parse(line('h', 5)).messageId);
  });

  it('writeKey redaction: the value never reaches stdout', () => {
    expect(run.result.stdout).to.not.include('wk_live_SHOULD_NOT_LEAK');
    const record = (run.output.records.get('event_tracks') ?? []).find(
      (r) => r.message_id === JSON.parse(line('h', 6)).messageId,
    );
    expect(record?._sdc_extra).to.deep.equal({writeKey: '[REDACTED]'});
  });

  it('truncated gzip: the lines before the cut are read, one warning names the key', () => {
    expect(run.result.stderr).to.match(/truncated.gz: gzip body ends early or is corrupt after line \d+/);
    const read = ids(run.output, 'event_tracks').filter((id) =>
      Array.from({length: 400}, (_, i) => JSON.parse(line('t', i)).messageId).includes(id),
    );
    expect(read.length).to.be.greaterThan(10).and.lessThan(400);
  });

  it('plain body: a body without the gzip magic is read as text, with one line saying so', () => {
    expect(run.result.stderr).to.match(/plain.gz: not gzip \(no 1f 8b magic bytes\); read as plain text/);
  });

  it('dummy-object.txt: skipped, named at info level, counted', () => {
    expect(run.result.stderr).to.include(
      'INFO events: skipping segment-logs/dummy-object.txt: not inside a source folder',
    );
    expect(run.result.stderr).to.include('"metric":"events_skipped_key","value":1');
  });

  it('counts each kind of bad input in a metric', () => {
    for (const kind of [
      'bad_json',
      'no_message_id',
      'no_type',
      'oversized_line',
      'truncated_body',
      'plain_body',
    ]) {
      expect(run.result.stderr, kind).to.include(`"metric":"events_${kind}","value":1`);
    }
  });

  it('body cut mid-way: warned, not marked read, and read again by the next run', async () => {
    const key = `segment-logs/${source}/${LAST_DAY}/cut.gz`;
    const lines = Array.from({length: 3000}, (_, i) =>
      line('c', i, {properties: {pad: 'z'.repeat(200), n: i}}),
    );
    writeObject(archive.dir, key, gzipSync(lines.join('\n')), at + 5000);
    archive.s3.faults = {cutBody: {keys: /cut\.gz$/, afterBytes: 2000}};
    const cut = await sync(archive, {}, run.output.lastState);
    archive.s3.faults = {};
    expect(cut.result.code, cut.result.stderr.slice(-1500)).to.equal(0);
    expect(cut.result.stderr).to.match(
      /cut.gz: reading stopped after line \d+ .*the next run reads the file again/,
    );
    const bookmarks = cut.output.lastState.bookmarks as Record<string, {files: Record<string, unknown>}>;
    expect(bookmarks.event_tracks?.files).to.not.have.property(key);
    const again = await sync(archive, {}, cut.output.lastState);
    expect(ids(again.output, 'event_tracks')).to.have.length(3000);
  });

  describe('access and location errors name the bucket, the prefix and the fix', () => {
    const critical = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('CRITICAL')) ?? '';

    it('no s3:ListBucket: names the bucket, the prefix and the permission', async () => {
      archive.s3.faults = {denyList: true};
      const {result} = await sync(archive);
      archive.s3.faults = {};
      expect(result.code).to.equal(1);
      expect(critical(result.stderr))
        .to.include(`access denied listing s3://${BUCKET}/segment-logs/`)
        .and.include(`s3:ListBucket on arn:aws:s3:::${BUCKET}`);
    });

    it('no s3:GetObject: names the key and the permission', async () => {
      archive.s3.faults = {denyGet: /./};
      const {result} = await sync(archive);
      archive.s3.faults = {};
      expect(result.code).to.equal(1);
      expect(critical(result.stderr)).to.match(
        new RegExp(
          `access denied reading s3://${BUCKET}/segment-logs/.*s3:GetObject on arn:aws:s3:::${BUCKET}/segment-logs/\\*`,
        ),
      );
    });

    it('no kms:Decrypt: says KMS and the permission', async () => {
      archive.s3.faults = {denyKms: /./};
      const {result} = await sync(archive);
      archive.s3.faults = {};
      expect(critical(result.stderr)).to.include('kms:Decrypt');
    });

    it('wrong region: names the bucket region to set', async () => {
      const {result} = await sync(archive, {events_aws_region: 'eu-west-1'});
      expect(result.code).to.equal(1);
      expect(critical(result.stderr)).to.include(
        `bucket ${BUCKET} is in region us-east-1, not eu-west-1; set events_aws_region to us-east-1`,
      );
    });

    it('a bucket that does not exist: says so', async () => {
      const {result} = await sync(archive, {events_s3_bucket: 'no-such-bucket-here'});
      expect(critical(result.stderr)).to.include('bucket no-such-bucket-here does not exist');
    });

    it('a configured source id with no files: one warning naming it and the settings to check', async () => {
      const {result} = await sync(archive, {events_source_ids: 'NoSuchSource'});
      expect(result.code).to.equal(0);
      expect(result.stderr).to.include(
        'source NoSuchSource has no archive files under segment-logs/NoSuchSource/',
      );
    });

    it('event streams selected without a bucket or directory: names the settings', async () => {
      const files = tempFiles({
        'config.json': {api_token: 'sgp_TEST_TOKEN_5f1a9c0d7e3b42'},
        'catalog.json': {
          streams: [
            {tap_stream_id: 'event_tracks', metadata: [{breadcrumb: [], metadata: {selected: true}}]},
          ],
        },
      });
      const result = await runCli([
        '--config',
        files['config.json'] as string,
        '--catalog',
        files['catalog.json'] as string,
      ]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(
        "event_tracks read Segment's S3 archive; set events_s3_bucket (or events_local_dir)",
      );
    });
  });
});

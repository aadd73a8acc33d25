// The event archive end to end: the built CLI against a generated archive in a loopback S3, run after run.
import {gzipSync} from 'node:zlib';
import {expect} from 'chai';
import {message, writeObject} from '../dev/events/archive.js';
import {STREAM_OF_TYPE} from '../src/events/streams.js';
import {
  type Archive,
  AWS_KEY_ID,
  AWS_SECRET,
  AWS_SESSION,
  BUCKET,
  ids,
  readOutput,
  s3Config,
  startArchive,
  truth,
} from './support/archive.js';
import {runCli, tempFiles} from './support/cli.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const LAST_DAY = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
const CALL_STREAMS = Object.values(STREAM_OF_TYPE);

async function sync(
  archive: Archive,
  extra: Record<string, unknown> = {},
  state?: unknown,
  args: string[] = [],
) {
  const files = tempFiles({'config.json': s3Config(archive, extra), ...(state ? {'state.json': state} : {})});
  const result = await runCli([
    '--config',
    files['config.json'] as string,
    ...(state ? ['--state', files['state.json'] as string] : []),
    ...args,
  ]);
  return {result, output: readOutput(result)};
}

/** A new archive object of `count` generated messages (seeded by `salt`). */
function addFile(archive: Archive, key: string, lastModified: number, salt: number, count = 5): string[] {
  const messages = Array.from({length: count}, (_, i) =>
    message(99, `extra-${salt}`, i, lastModified - HOUR),
  );
  writeObject(
    archive.dir,
    key,
    gzipSync(`${messages.map((m) => JSON.stringify(m)).join('\n')}\n`),
    lastModified,
  );
  return messages.map((m) => m.messageId as string);
}

describe('event archive end to end (loopback S3, the built CLI)', function () {
  this.timeout(120_000);
  let archive: Archive;
  const sourceA = () => archive.files[0]?.sourceId as string;

  before(async () => {
    // maxKeys 5: every listing pages with continuation tokens.
    archive = await startArchive(
      {seed: 11, sources: 2, days: 2, hours: 4, scale: 25, lastDay: LAST_DAY},
      {maxKeys: 5},
    );
  });
  after(async () => archive?.s3.close());

  let first: Awaited<ReturnType<typeof sync>>;

  it('syncs every call type and event_users with no api_token, exactly the messages of the archive', async () => {
    first = await sync(archive);
    expect(first.result.code, first.result.stderr.slice(-2000)).to.equal(0);
    const expected = truth(archive.files);
    for (const stream of CALL_STREAMS) {
      expect(ids(first.output, stream).sort(), stream).to.deep.equal((expected.get(stream) ?? []).sort());
    }
    const identified = new Set(
      archive.files.flatMap((f) => f.messages.filter((m) => m.type === 'identify').map((m) => m.userId)),
    );
    const users = first.output.records.get('event_users') ?? [];
    expect(users.map((u) => u.user_id).sort()).to.deep.equal([...identified].sort());
    const bookmark = (
      first.output.lastState.bookmarks as Record<string, {files: object; replication_key_value: string}>
    ).event_tracks;
    expect(Object.keys(bookmark?.files ?? {})).to.have.length(archive.files.length);
    expect(first.result.stderr).to.match(/2 sources .*16 files to read/);
    expect(first.result.stderr).to.match(/events: read 16 of 16 files \(\d+\.\d of \d+\.\d MB\)/);
  });

  it('secrets: AWS keys and the session token appear nowhere in stdout, stderr or STATE', () => {
    for (const secret of [AWS_KEY_ID, AWS_SECRET, AWS_SESSION]) {
      expect(first.result.stdout).to.not.include(secret);
      expect(first.result.stderr).to.not.include(secret);
    }
  });

  it('second run: reads only the new file, and nothing when nothing is new', async () => {
    const again = await sync(archive, {}, first.output.lastState);
    expect(again.result.code).to.equal(0);
    expect([...again.output.records.values()].flat()).to.deep.equal([]);
    const gets = archive.s3.requests.length;
    const added = addFile(
      archive,
      `segment-logs/${sourceA()}/${LAST_DAY}/new-1.gz`,
      Date.now() - 2 * HOUR,
      1,
    );
    const next = await sync(archive, {}, again.output.lastState);
    const read = CALL_STREAMS.flatMap((s) => ids(next.output, s));
    expect(read.sort()).to.deep.equal([...added].sort());
    const objectGets = archive.s3.requests.slice(gets).filter((r) => !('list-type' in r.query));
    expect(objectGets.map((r) => r.path)).to.deep.equal([
      `/${BUCKET}/segment-logs/${sourceA()}/${LAST_DAY}/new-1.gz`,
    ]);
    first = next;
  });

  it('same second: a second file with the LastModified of the newest one read is still read', async () => {
    const bookmark = (first.output.lastState.bookmarks as Record<string, {replication_key_value: string}>)
      .event_tracks;
    const newest = Date.parse(bookmark?.replication_key_value as string);
    const added = addFile(archive, `segment-logs/${sourceA()}/${LAST_DAY}/new-2.gz`, newest, 2);
    const next = await sync(archive, {}, first.output.lastState);
    expect(CALL_STREAMS.flatMap((s) => ids(next.output, s)).sort()).to.deep.equal([...added].sort());
    first = next;
  });

  it('late file: a file that appears after the bookmark with an older LastModified (inside the look-back) is read', async () => {
    const added = addFile(
      archive,
      `segment-logs/${sourceA()}/${LAST_DAY}/late.gz`,
      Date.now() - 20 * HOUR,
      3,
    );
    const next = await sync(archive, {}, first.output.lastState);
    expect(CALL_STREAMS.flatMap((s) => ids(next.output, s)).sort()).to.deep.equal([...added].sort());
    first = next;
  });

  it('replayed old day: new files in an old day folder are read', async () => {
    const added = addFile(
      archive,
      `segment-logs/${sourceA()}/${LAST_DAY - DAY}/replay.gz`,
      Date.now() - HOUR,
      4,
    );
    const next = await sync(archive, {}, first.output.lastState);
    expect(CALL_STREAMS.flatMap((s) => ids(next.output, s)).sort()).to.deep.equal([...added].sort());
    first = next;
  });

  it('re-written key: the same key with new content (a new ETag) is read again', async () => {
    const key = archive.files[1]?.key as string;
    const added = addFile(archive, key, Date.now() - HOUR + 1000, 5, 7);
    const next = await sync(archive, {}, first.output.lastState);
    expect(CALL_STREAMS.flatMap((s) => ids(next.output, s)).sort()).to.deep.equal([...added].sort());
    first = next;
  });

  it('settle time: a file newer than the run start minus events_settle_seconds waits for the next run', async () => {
    const added = addFile(archive, `segment-logs/${sourceA()}/${LAST_DAY}/fresh.gz`, Date.now(), 6);
    const waiting = await sync(archive, {events_settle_seconds: 600}, first.output.lastState);
    expect([...waiting.output.records.values()].flat()).to.deep.equal([]);
    expect(waiting.result.stderr).to.include('1 newer than the settle time wait for the next run');
    const next = await sync(archive, {events_settle_seconds: 0}, waiting.output.lastState);
    expect(CALL_STREAMS.flatMap((s) => ids(next.output, s)).sort()).to.deep.equal([...added].sort());
  });

  it('shard union: three shard runs (events_shard 0/3, 1/3, 2/3) read the whole archive once', async () => {
    const whole = await sync(archive, {events_settle_seconds: 0});
    const shards = await Promise.all(
      [0, 1, 2].map((i) => sync(archive, {events_settle_seconds: 0, events_shard: `${i}/3`})),
    );
    for (const stream of CALL_STREAMS) {
      const union = shards.flatMap((s) => ids(s.output, stream));
      expect(new Set(union).size, `${stream}: overlap`).to.equal(union.length);
      expect(union.sort(), stream).to.deep.equal(ids(whole.output, stream).sort());
    }
    for (const shard of shards) expect(ids(shard.output, 'event_tracks').length).to.be.greaterThan(0);
  });

  it('events_local_dir: the same archive as a directory (an aws s3 sync copy) yields the same records', async () => {
    const viaS3 = await sync(archive, {events_settle_seconds: 0});
    const files = tempFiles({'config.json': {events_local_dir: archive.dir, events_settle_seconds: 0}});
    const local = await runCli(['--config', files['config.json'] as string]);
    expect(local.code, local.stderr.slice(-1500)).to.equal(0);
    const output = readOutput(local);
    for (const stream of [...CALL_STREAMS, 'event_users']) {
      const key = stream === 'event_users' ? 'user_id' : 'message_id';
      const of = (records: Record<string, unknown>[] | undefined) =>
        (records ?? []).map((r) => String(r[key])).sort();
      expect(of(output.records.get(stream)), stream).to.deep.equal(of(viaS3.output.records.get(stream)));
    }
    const missing = tempFiles({'config.json': {events_local_dir: '/nonexistent/archive'}});
    const failed = await runCli(['--config', missing['config.json'] as string]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include('events_local_dir /nonexistent/archive cannot be read (ENOENT)');
  });

  it('a deselected column is left out without a warning; flattening is applied; the rest is unchanged', async () => {
    const config = {events_local_dir: archive.dir, events_settle_seconds: 0};
    const discovered = await runCli([
      '--config',
      tempFiles({'c.json': config})['c.json'] as string,
      '--discover',
    ]);
    const catalog = JSON.parse(discovered.stdout) as {
      streams: {stream: string; metadata: {breadcrumb: string[]; metadata: Record<string, unknown>}[]}[];
    };
    for (const entry of catalog.streams) {
      for (const {breadcrumb, metadata} of entry.metadata) {
        if (breadcrumb.length === 0) metadata.selected = entry.stream.startsWith('event_');
        const column = breadcrumb[1];
        if (entry.stream === 'event_tracks' && column === 'context') metadata.selected = false;
        if (entry.stream === 'event_users' && column === 'traits') metadata.selected = false;
      }
    }
    const files = tempFiles({'config.json': config, 'catalog.json': catalog});
    const full = readOutput(await runCli(['--config', files['config.json'] as string]));
    const run = await runCli([
      '--config',
      files['config.json'] as string,
      '--catalog',
      files['catalog.json'] as string,
    ]);
    expect(run.code, run.stderr.slice(-1500)).to.equal(0);
    expect(run.stderr).to.not.include('does not declare');
    const output = readOutput(run);
    const tracks = output.records.get('event_tracks') ?? [];
    expect(tracks.map((r) => r.message_id)).to.deep.equal(ids(full, 'event_tracks'));
    expect(tracks.every((r) => !('context' in r) && 'properties' in r)).to.equal(true);
    expect((output.records.get('event_users') ?? []).every((r) => !('traits' in r))).to.equal(true);
    // Fully selected streams are sent as routed: the same records as without the catalog.
    expect(output.records.get('event_pages')).to.deep.equal(full.records.get('event_pages'));

    const flat = tempFiles({'config.json': {...config, flattening_enabled: true}});
    const flattened = await runCli(['--config', flat['config.json'] as string]);
    expect(flattened.code, flattened.stderr.slice(-1500)).to.equal(0);
    const flatTracks = readOutput(flattened).records.get('event_tracks') ?? [];
    expect(flatTracks.map((r) => r.message_id)).to.deep.equal(ids(full, 'event_tracks'));
    // context declares no properties: flattening makes it a JSON string column.
    expect(JSON.parse(flatTracks[0]?.context as string)).to.deep.equal(
      full.records.get('event_tracks')?.[0]?.context,
    );
  });

  it('--test lists sources and days and reads the newest file; --test=streams checks the newest messages', async () => {
    const files = tempFiles({'config.json': s3Config(archive)});
    const test = await runCli(['--config', files['config.json'] as string, '--test']);
    expect(test.code, test.stderr).to.equal(0);
    expect(test.stderr).to.match(
      /events OK: s3:\/\/acme-segment-archive\/ lists 2 sources: .*files, \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d/,
    );
    expect(test.stderr).to.match(/read the newest file segment-logs\/.* lines/);
    const streams = await runCli([
      '--config',
      files['config.json'] as string,
      '--test=streams',
      '--format=json',
    ]);
    expect(streams.code, streams.stderr).to.equal(0);
    const report = JSON.parse(streams.stdout);
    expect(report.ok).to.equal(true);
    expect(report.streams.map((s: {stream: string}) => s.stream)).to.include.members([
      ...CALL_STREAMS,
      'event_users',
    ]);
    expect(
      report.streams.find((s: {stream: string}) => s.stream === 'event_tracks').records_seen,
    ).to.be.greaterThan(0);
  });
});

describe('event archive: SIGTERM mid-archive', function () {
  this.timeout(120_000);
  let archive: Archive;

  before(async () => {
    archive = await startArchive({seed: 12, sources: 2, days: 2, hours: 12, scale: 30, lastDay: LAST_DAY});
  });
  after(async () => archive?.s3.close());

  it('resume after SIGTERM: exit 143 with a last STATE, and the next run completes the archive with no loss', async () => {
    // A far-away bucket: each request waits, so the signal lands mid-archive.
    archive.s3.faults = {latencyMs: 40};
    const files = tempFiles({'config.json': s3Config(archive, {events_max_parallel_files: 2})});
    const stopped = await runCli(['--config', files['config.json'] as string], {
      onSpawn: (child) => {
        let text = '';
        let sent = false;
        child.stdout?.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (!sent && /"type":"STATE".*"event_tracks":\{"replication_key"/.test(text)) {
            sent = true;
            child.kill('SIGTERM');
          }
        });
      },
    });
    archive.s3.faults = {};
    expect(stopped.code, stopped.stderr.slice(-1500)).to.equal(143);
    const partial = readOutput(stopped);
    expect(stopped.stdout.trim().split('\n').at(-1)).to.match(/^\{"type":"STATE"/);
    const bookmarks = partial.lastState.bookmarks as Record<string, {files: object}>;
    const readBefore = Object.keys(bookmarks.event_tracks?.files ?? {}).length;
    expect(readBefore).to.be.greaterThan(0).and.lessThan(archive.files.length);

    const resumed = await sync(archive, {}, partial.lastState);
    expect(resumed.result.code, resumed.result.stderr.slice(-1500)).to.equal(0);
    // event_users moves its bookmark only when it emits, at the end: it reads every file again. The
    // call streams read only the files their bookmarks do not hold.
    const done = new Set(Object.keys(bookmarks.event_tracks?.files ?? {}));
    const doneIds = new Set(
      archive.files.filter((f) => done.has(f.key)).flatMap((f) => f.messages.map((m) => m.messageId)),
    );
    const reread = CALL_STREAMS.flatMap((s) => ids(resumed.output, s)).filter((id) => doneIds.has(id));
    expect(reread).to.deep.equal([]);
    const expected = truth(archive.files);
    for (const stream of CALL_STREAMS) {
      const union = new Set([...ids(partial, stream), ...ids(resumed.output, stream)]);
      expect([...union].sort(), stream).to.deep.equal((expected.get(stream) ?? []).sort());
    }
  });
});

describe('event archive: per-event tables (events_track_tables)', function () {
  this.timeout(120_000);
  let archive: Archive;

  before(async () => {
    archive = await startArchive({seed: 13, sources: 1, days: 1, hours: 3, scale: 40, lastDay: LAST_DAY});
  });
  after(async () => archive?.s3.close());

  it('--discover samples the newest files for track events; a sync fills the selected ones; a later event name and a misfit never fail the run', async () => {
    const config = s3Config(archive, {events_track_tables: true, events_settle_seconds: 0});
    const files = tempFiles({'config.json': config});
    const discovered = await runCli(['--config', files['config.json'] as string, '--discover']);
    expect(discovered.code, discovered.stderr).to.equal(0);
    const catalog = JSON.parse(discovered.stdout) as {
      streams: {
        tap_stream_id: string;
        schema: {properties: Record<string, {type: string[]}>};
        metadata: {breadcrumb: string[]; metadata: Record<string, unknown>}[];
      }[];
    };
    const names = catalog.streams.map((s) => s.tap_stream_id).filter((n) => n.startsWith('event_track_'));
    expect(names).to.include.members(['event_track_order_completed', 'event_track_signed_up']);
    const order = catalog.streams.find((s) => s.tap_stream_id === 'event_track_order_completed');
    // revenue is sometimes a whole number: integer and number widen to number.
    expect(order?.schema.properties.revenue?.type).to.deep.equal(['null', 'number']);
    expect(order?.schema.properties.currency?.type).to.deep.equal(['null', 'string']);

    const source = archive.files[0]?.sourceId as string;
    const later: Record<string, unknown>[] = [
      {...message(13, 'later', 1, LAST_DAY), type: 'track', event: 'Coupon Applied', properties: {code: 'X'}},
      {
        ...message(13, 'later', 2, LAST_DAY),
        type: 'track',
        event: 'Order Completed',
        properties: {revenue: 'free'},
      },
    ];
    writeObject(
      archive.dir,
      `segment-logs/${source}/${LAST_DAY}/after-discovery.gz`,
      gzipSync(later.map((m) => JSON.stringify(m)).join('\n')),
      Date.now() - 2 * HOUR,
    );
    for (const entry of catalog.streams) {
      const selected = ['event_tracks', 'event_track_order_completed'].includes(entry.tap_stream_id);
      for (const m of entry.metadata) if (m.breadcrumb.length === 0) m.metadata.selected = selected;
    }
    const withCatalog = tempFiles({'config.json': config, 'catalog.json': catalog});
    const result = await runCli([
      '--config',
      withCatalog['config.json'] as string,
      '--catalog',
      withCatalog['catalog.json'] as string,
    ]);
    expect(result.code, result.stderr.slice(-2000)).to.equal(0);
    const output = readOutput(result);
    const tracks = output.records.get('event_tracks') ?? [];
    const orders = output.records.get('event_track_order_completed') ?? [];
    expect(orders.map((r) => r.message_id).sort()).to.deep.equal(
      tracks
        .filter((t) => t.event === 'Order Completed')
        .map((t) => t.message_id)
        .sort(),
    );
    expect(orders.find((o) => typeof o.revenue === 'number')).to.include.keys(
      'currency',
      'plan',
      '_sdc_s3_key',
    );
    const misfit = orders.find((o) => o.message_id === later[1]?.messageId);
    expect(misfit?.revenue).to.equal(null);
    expect(misfit?._sdc_extra).to.deep.equal({properties: {revenue: 'free'}});
    expect(tracks.map((t) => t.event)).to.include('Coupon Applied');
    expect(
      result.stderr.match(/track event "Coupon Applied" has no selected per-event stream/g),
    ).to.have.length(1);
  });
});

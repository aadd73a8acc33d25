// The event archive in the bench: CPU per event against a floor, peak RSS on the biggest archive, parallel downloads under latency.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writeArchive} from '../dev/events/archive.js';
import {startFakeS3} from '../dev/s3/server.js';
import {CLI, jsonFile, measure, median, type Usage} from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** Messages per source per hour: 14,000 × 2 sources × 48 hours ≈ 1.3 M events, ≈ 1 GB of NDJSON. */
const SCALE = Number(process.env.BENCH_EVENTS_SCALE ?? 14000);

async function tap(config: Record<string, unknown>): Promise<Usage> {
  const result = await measure([
    CLI,
    '--config',
    jsonFile('config.json', {events_settle_seconds: 0, ...config}),
  ]);
  if (result.code !== 0) throw new Error(`tap failed (${result.code}): ${result.stderr}`);
  return result;
}

export async function eventsBench(): Promise<{section: string; rows: string[][]}> {
  const dir = mkdtempSync(join(tmpdir(), 'tap-segment-bench-archive-'));
  try {
    const files = writeArchive({dir, seed: 7, scale: SCALE, sources: 2, days: 2, hours: 24});
    const events = files.reduce((n, f) => n + f.messages.length, 0);
    const floorScript = new URL('./events-floor.mjs', import.meta.url).pathname;
    const tapRuns: Usage[] = [];
    const floorRuns: Usage[] = [];
    for (let i = 0; i < RUNS; i++) {
      tapRuns.push(await tap({events_local_dir: dir}));
      floorRuns.push(await measure([floorScript, dir]));
    }
    const tapCpu = median(tapRuns.map((r) => r.cpuMs));
    const floorCpu = median(floorRuns.map((r) => r.cpuMs));
    const tapBytes = median(tapRuns.map((r) => r.bytes));
    const floorBytes = median(floorRuns.map((r) => r.bytes));
    const peak = Math.max(...tapRuns.map((r) => r.maxRssMb));
    const compressed =
      files.length > 0
        ? (await import('node:child_process'))
            .execFileSync('du', ['-sb', dir], {encoding: 'utf8'})
            .split('\t')[0]
        : '0';
    const rate = (cpu: number) => Math.round(events / (cpu / 1000)).toLocaleString('en');

    // Latency: 96 small objects behind a 100 ms S3; more objects in flight should hide it.
    const small = mkdtempSync(join(tmpdir(), 'tap-segment-bench-archive-'));
    writeArchive({dir: small, seed: 8, scale: 50, sources: 2, days: 2, hours: 24});
    const s3 = await startFakeS3({dir: small, bucket: 'bench-archive'});
    s3.faults = {latencyMs: 100};
    const walls = new Map<number, number>();
    try {
      for (const parallel of [1, 4, 8]) {
        const runs: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const run = await tap({
            events_s3_bucket: 'bench-archive',
            events_s3_endpoint: s3.url,
            events_s3_force_path_style: true,
            events_aws_region: 'us-east-1',
            events_aws_access_key_id: 'AKIABENCHBENCHBENCH',
            events_aws_secret_access_key: 'bench-secret-bench-secret',
            events_max_parallel_files: parallel,
          });
          runs.push(run.wallMs);
        }
        walls.set(parallel, median(runs));
      }
    } finally {
      await s3.close();
      rmSync(small, {recursive: true, force: true});
    }
    const wall = (p: number) => ((walls.get(p) as number) / 1000).toFixed(1);
    const section = [
      '## 8. Event archive (S3 source)',
      '',
      `A generated archive: ${files.length} objects, ${events.toLocaleString('en')} events of ~760 bytes (${(Number(compressed) / 1e6).toFixed(0)} MB gzipped, about ${((events * 765) / 1e9).toFixed(2)} GB of NDJSON), read from a local directory (events_local_dir) so that only CPU is measured. Medians of ${RUNS} runs.`,
      '',
      '| | CPU s | events per CPU second | output MB | peak RSS MB |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| tap-segment (all 7 event streams) | ${(tapCpu / 1000).toFixed(2)} | ${rate(tapCpu)} | ${(tapBytes / 1e6).toFixed(0)} | ${peak.toFixed(0)} |`,
      `| floor (gunzip + split + JSON.parse + a RECORD line) | ${(floorCpu / 1000).toFixed(2)} | ${rate(floorCpu)} | ${(floorBytes / 1e6).toFixed(0)} | ${median(floorRuns.map((r) => r.maxRssMb)).toFixed(0)} |`,
      '',
      `Ratio tap / floor CPU: **${(tapCpu / floorCpu).toFixed(2)}** (target ≤ 1.30; per round, tap and floor run in turn: ${tapRuns.map((r, i) => (r.cpuMs / (floorRuns[i] as Usage).cpuMs).toFixed(2)).join(', ')}). The tap writes ${((tapBytes / floorBytes - 1) * 100).toFixed(0)}% more bytes than the floor (snake_case columns in schema order with nulls, the four _sdc_* position columns, _sdc_extra, and event_users); per output byte the ratio is ${(tapCpu / tapBytes / (floorCpu / floorBytes)).toFixed(2)}. On top of the floor it routes every message (a fully selected, unflattened stream sends the routed record as it is: routing builds it to fit the schema, so it is not validated twice), merges users and keeps the (key, ETag) history.`,
      '',
      'At 1 GB gzipped (about 12 GB of NDJSON; not a default step, 5-10 minutes): `npm run build && flock /tmp/cpu.lock npx tsx bench/events-big.ts` prints peak RSS and events per second of the tap and the floor.',
      '',
      `Under latency (96 small objects behind a 100 ms loopback S3): wall ${wall(1)} s with 1 object in flight, ${wall(4)} s with 4, ${wall(8)} s with 8 (events_max_parallel_files).`,
    ].join('\n');
    return {
      section,
      rows: [
        ['events: tap CPU / floor CPU', (tapCpu / floorCpu).toFixed(2), '≤ 1.30'],
        ['events: events per CPU second, tap / floor', `${rate(tapCpu)} / ${rate(floorCpu)}`, '(reference)'],
        [
          `events: peak RSS on ${(Number(compressed) / 1e6).toFixed(0)} MB gz / ${((events * 765) / 1e9).toFixed(1)} GB NDJSON (MB)`,
          peak.toFixed(0),
          '< 150',
        ],
        [
          'events: wall with 1 / 4 / 8 objects in flight at 100 ms latency (s)',
          `${wall(1)} / ${wall(4)} / ${wall(8)}`,
          'falls with parallelism',
        ],
      ],
    };
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

// The event archive at 1 GB gzipped (~10 GB of NDJSON): peak RSS and events per second of the tap, and the floor beside it.
// Not a default step (it takes 5-10 minutes): `npm run build && flock /tmp/cpu.lock npx tsx bench/events-big.ts`.
// BENCH_BIG_GB sets the gzipped size (default 1), BENCH_BIG_FLOOR=0 skips the floor run, BENCH_BIG_CLI runs another
// build of the tap (a copy of dist/, so that the tree can be rebuilt meanwhile). Prints; writes no file.
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {message, sourceIds} from '../dev/events/archive.js';
import {CLI, jsonFile, measure, type Usage} from './measure.js';

const GB = Number(process.env.BENCH_BIG_GB ?? 1);
const FLOOR = process.env.BENCH_BIG_FLOOR !== '0';
/** Distinct gzip members; a file is several of them back to back (concatenated members are one gzip stream). */
const POOL = 32;
const PER_MEMBER = 2000;
const FILES = 48;
const HOUR = 3_600_000;
const DAY = 86_400_000;

interface Archive {
  dir: string;
  events: number;
  bytes: number;
}

/**
 * Writes FILES objects of one source over two days, about GB gigabytes in all. Each member is
 * PER_MEMBER messages of dev/events/archive.ts (so ~760 bytes each, 200 distinct users) gzipped
 * once: generation is a few seconds of gzip and then only disk writes.
 */
export function writeBigArchive(dir: string, gb = GB): Archive {
  const [sourceId] = sourceIds(11, 1) as [string];
  const lastDay = Math.floor(Date.now() / DAY) * DAY - DAY;
  const pool: {gz: Buffer; events: number}[] = [];
  for (let m = 0; m < POOL; m++) {
    const lines: string[] = [];
    for (let i = 0; i < PER_MEMBER; i++) {
      const index = m * PER_MEMBER + i;
      lines.push(JSON.stringify(message(11, sourceId, index, lastDay - DAY + index * 1000)));
    }
    pool.push({gz: gzipSync(`${lines.join('\n')}\n`), events: PER_MEMBER});
  }
  const memberBytes = pool.reduce((sum, p) => sum + p.gz.length, 0) / POOL;
  const membersPerFile = Math.max(1, Math.round((gb * 1e9) / FILES / memberBytes));
  let events = 0;
  let bytes = 0;
  for (let f = 0; f < FILES; f++) {
    const day = lastDay - (f < FILES / 2 ? DAY : 0);
    const hour = f % (FILES / 2);
    const folder = join(dir, 'segment-logs', sourceId, String(day));
    mkdirSync(folder, {recursive: true});
    const path = join(folder, `${String(hour).padStart(2, '0')}0-big${f}.gz`);
    const fd = openSync(path, 'w');
    for (let k = 0; k < membersPerFile; k++) {
      const member = pool[(f * 7 + k) % POOL] as {gz: Buffer; events: number};
      writeSync(fd, member.gz);
      events += member.events;
      bytes += member.gz.length;
    }
    closeSync(fd);
    const seconds = Math.floor((day + hour * HOUR + 40 * 60_000) / 1000);
    utimesSync(path, seconds, seconds);
  }
  return {dir, events, bytes};
}

function line(what: string, run: Usage, events: number): string {
  return (
    `${what}: CPU ${(run.cpuMs / 1000).toFixed(1)} s, wall ${(run.wallMs / 1000).toFixed(1)} s, ` +
    `${Math.round(events / (run.cpuMs / 1000)).toLocaleString('en')} events per CPU second, ` +
    `${Math.round(events / (run.wallMs / 1000)).toLocaleString('en')} per wall second, ` +
    `peak RSS ${run.maxRssMb.toFixed(0)} MB, output ${(run.bytes / 1e9).toFixed(2)} GB`
  );
}

async function main(): Promise<void> {
  const free = statfsSync(tmpdir());
  const need = GB * 1.1e9;
  if (free.bavail * free.bsize < need * 2) {
    throw new Error(
      `${tmpdir()} has ${((free.bavail * free.bsize) / 1e9).toFixed(1)} GB free; need ${((need * 2) / 1e9).toFixed(1)}`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'tap-segment-bench-big-'));
  try {
    const started = performance.now();
    const archive = writeBigArchive(dir);
    process.stdout.write(
      `archive: ${FILES} objects, ${archive.events.toLocaleString('en')} events, ${(archive.bytes / 1e9).toFixed(2)} GB gzipped ` +
        `(about ${((archive.events * 765) / 1e9).toFixed(1)} GB of NDJSON), written in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
    const config = jsonFile('config.json', {events_local_dir: dir, events_settle_seconds: 0});
    const tap = await measure([process.env.BENCH_BIG_CLI ?? CLI, '--config', config]);
    if (tap.code !== 0) throw new Error(`tap failed (${tap.code}): ${tap.stderr}`);
    process.stdout.write(`${line('tap (all 7 event streams)', tap, archive.events)}\n`);
    if (FLOOR) {
      const floor = await measure([new URL('./events-floor.mjs', import.meta.url).pathname, dir]);
      process.stdout.write(`${line('floor', floor, archive.events)}\n`);
      process.stdout.write(`tap / floor CPU: ${(tap.cpuMs / floor.cpuMs).toFixed(2)}\n`);
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

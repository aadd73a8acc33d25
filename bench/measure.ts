// Runs one measured process (the tap or the floor) and returns its CPU time, peak RSS and wall time.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export interface Usage {
  cpuMs: number;
  maxRssMb: number;
  /** Heap still in use after a full GC at exit (only with exposeGc). */
  liveHeapMb: number;
  wallMs: number;
  bytes: number;
  stderr: string;
  code: number | null;
}

const RUSAGE_HOOK = new URL('./rusage.cjs', import.meta.url).pathname;
export const ROOT = new URL('..', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'tap-segment-bench-'));
let counter = 0;

/** Writes a JSON file in the bench temp dir and returns its path. */
export function jsonFile(name: string, value: unknown): string {
  const path = join(tmp, `${counter++}-${name}`);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/**
 * Spawns `node <script> ...args` with the rusage hook and reads its stdout like a target would:
 * as fast as it comes, or throttled to `readBytesPerSecond` (a slow target).
 */
export function measure(
  args: string[],
  options: {readBytesPerSecond?: number; exposeGc?: boolean} = {},
): Promise<Usage> {
  const file = join(tmp, `rusage-${counter++}.json`);
  return new Promise((resolve, reject) => {
    const flags = options.exposeGc ? ['--expose-gc'] : [];
    const child = spawn(process.execPath, [...flags, '--require', RUSAGE_HOOK, ...args], {
      env: {...process.env, BENCH_RUSAGE_FILE: file, TAP_SEGMENT_LOG_LEVEL: 'warn'},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let stderr = '';
    const rate = options.readBytesPerSecond;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (rate) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), (chunk.length / rate) * 1000);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({...JSON.parse(readFileSync(file, 'utf8')), bytes, stderr, code});
      } catch {
        reject(new Error(`no usage written (exit ${code}): ${stderr}`));
      }
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function catalogOf(streams: string[]): string {
  return jsonFile('catalog.json', {
    streams: streams.map((s) => ({
      tap_stream_id: s,
      metadata: [{breadcrumb: [], metadata: {selected: true}}],
    })),
  });
}

/** The singer-python peer's interpreter (../shared/consumers' venv-singer), or undefined when it is not installed. */
export function peerPython(): string | undefined {
  const harness = process.env.HARNESS_DIR ?? '/tmp/harness';
  const python = join(harness, 'venv-singer', 'bin', 'python');
  return existsSync(python) && existsSync('/usr/bin/time') ? python : undefined;
}

/** Runs a non-Node program under /usr/bin/time: its CPU time, peak RSS and wall time, stdout read as it comes. */
export function measureProgram(command: string, args: string[]): Promise<Usage> {
  const file = join(tmp, `time-${counter++}.txt`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', file, command, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      const [user, sys, maxKb] = readFileSync(file, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
      if (code !== 0) return reject(new Error(`${command} failed (${code}): ${stderr}`));
      resolve({
        cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000,
        maxRssMb: (maxKb ?? 0) / 1024,
        liveHeapMb: 0,
        wallMs: performance.now() - started,
        bytes,
        stderr,
        code,
      });
    });
  });
}

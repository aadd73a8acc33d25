// `npm run demo`: starts the simulator, runs the built tap against it twice (full, then incremental), explains the result.
import {spawn} from 'node:child_process';
import {createWriteStream, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {eventsDemo} from './events/demo.js';
import {startSimulator} from './simulator/server.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const outDir = join(root, 'out', 'demo');
const scale = Number(process.argv[2] ?? 1);

interface TapRun {
  code: number | null;
  seconds: number;
  stderr: string;
}

function runTap(args: string[], stdoutFile: string): Promise<TapRun> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(createWriteStream(stdoutFile));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({code, seconds: (performance.now() - started) / 1000, stderr}));
  });
}

function summarize(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line) as {type: string; stream?: string};
    if (message.type === 'RECORD' && message.stream)
      counts.set(message.stream, (counts.get(message.stream) ?? 0) + 1);
  }
  return counts;
}

function records(file: string, stream: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line) as {type: string; stream?: string; record?: Record<string, unknown>};
    if (message.type === 'RECORD' && message.stream === stream && message.record) out.push(message.record);
  }
  return out;
}

function lastState(file: string): unknown {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1) as string) as {value: unknown}).value;
}

function pagesPerStream(stderr: string): Map<string, string> {
  const pages = new Map<string, string>();
  for (const match of stderr.matchAll(/stream (\w+): (\d+) records in (\d+) pages/g))
    pages.set(match[1] as string, match[3] as string);
  return pages;
}

function table(counts: Map<string, number>, pages: Map<string, string>): string {
  const rows = [...counts.keys()]
    .sort()
    .map(
      (s) =>
        `  ${s.padEnd(36)} ${String(counts.get(s)).padStart(8)} ${String(pages.get(s) ?? '-').padStart(6)}`,
    );
  return [`  ${'stream'.padEnd(36)} ${'records'.padStart(8)} ${'pages'.padStart(6)}`, ...rows].join('\n');
}

async function main(): Promise<void> {
  mkdirSync(outDir, {recursive: true});
  const sim = await startSimulator({scale});
  try {
    const configPath = join(outDir, 'config.json');
    const startDate = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(
      configPath,
      JSON.stringify(
        {
          api_token: sim.token,
          base_url: sim.url,
          start_date: startDate,
          page_size: 100,
          requests_per_minute: 6000,
        },
        null,
        2,
      ),
    );
    console.log(`Simulated Segment workspace "${sim.workspace.name}" (scale ${scale}) at ${sim.url}`);
    console.log(
      `Config: ${configPath} (start_date ${startDate}, page_size 100, requests_per_minute 6000: the simulator is not rate limited; the real API default is 200)\n`,
    );

    const firstOut = join(outDir, 'run1.singer.jsonl');
    const first = await runTap(['--config', configPath], firstOut);
    if (first.code !== 0) throw new Error(`the tap failed:\n${first.stderr}`);
    const counts = summarize(firstOut);
    const requests = sim.stats().requests;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `Run 1, full sync: ${total} records in ${counts.size} streams, ${requests} requests, ${first.seconds.toFixed(1)} s`,
    );
    console.log(table(counts, pagesPerStream(first.stderr)));
    const statePath = join(outDir, 'state.json');
    writeFileSync(statePath, JSON.stringify(lastState(firstOut), null, 2));
    console.log(`\nSinger output: ${firstOut}\nFinal STATE saved to: ${statePath}\n`);

    sim.resetStats();
    const secondOut = join(outDir, 'run2.singer.jsonl');
    const second = await runTap(['--config', configPath, '--state', statePath], secondOut);
    if (second.code !== 0) throw new Error(`the incremental run failed:\n${second.stderr}`);
    const again = summarize(secondOut);
    const incremental = ['audit_events', 'usage_api_calls_daily', 'usage_mtu_daily', 'events_volume_daily'];
    console.log(
      `Run 2, with that state: ${sim.stats().requests} requests, ${second.seconds.toFixed(1)} s; incremental streams re-read only their open window:`,
    );
    for (const stream of incremental)
      console.log(
        `  ${stream.padEnd(36)} ${String(counts.get(stream) ?? 0).padStart(8)} -> ${again.get(stream) ?? 0}`,
      );
    console.log(`\nSinger output: ${secondOut}`);
  } finally {
    await sim.close();
  }
  await eventsDemo(outDir, {runTap, summarize, lastState, table, pagesPerStream, records});
  console.log('\nPipe the same commands into any Singer target, e.g. | target-jsonl, to load them.');
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

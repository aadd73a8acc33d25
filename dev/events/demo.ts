// The event half of `npm run demo`: a generated archive behind the loopback S3, a full run, a sample table, a second run.
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {startFakeS3} from '../s3/server.js';
import {message, writeArchive, writeObject} from './archive.js';

export interface DemoTools {
  runTap(args: string[], stdoutFile: string): Promise<{code: number | null; seconds: number; stderr: string}>;
  summarize(file: string): Map<string, number>;
  lastState(file: string): unknown;
  table(counts: Map<string, number>, pages: Map<string, string>): string;
  pagesPerStream(stderr: string): Map<string, string>;
  records(file: string, stream: string): Record<string, unknown>[];
}

const DAY = 86_400_000;

export async function eventsDemo(outDir: string, tools: DemoTools): Promise<void> {
  const dir = join(outDir, 'archive');
  rmSync(dir, {recursive: true, force: true});
  const lastDay = Math.floor(Date.now() / DAY) * DAY - DAY;
  const files = writeArchive({dir, seed: 42, scale: 20, sources: 2, days: 2, hours: 6, lastDay});
  const s3 = await startFakeS3({dir, bucket: 'acme-segment-archive'});
  try {
    const configPath = join(outDir, 'events-config.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        {
          events_s3_bucket: 'acme-segment-archive',
          events_s3_endpoint: s3.url,
          events_s3_force_path_style: true,
          events_aws_region: 'us-east-1',
          events_aws_access_key_id: 'AKIADEMODEMODEMO1234',
          events_aws_secret_access_key: 'demo-secret-never-printed',
        },
        null,
        2,
      ),
    );
    console.log(
      `\nEvent data: a generated Segment S3 archive (${files.length} files, 2 sources, 2 days) in ${dir}, served by a loopback S3 at ${s3.url}`,
    );
    console.log(`Config: ${configPath} (no api_token: only the bucket)\n`);
    const firstOut = join(outDir, 'events-run1.singer.jsonl');
    const first = await tools.runTap(['--config', configPath], firstOut);
    if (first.code !== 0) throw new Error(`the tap failed on the archive:\n${first.stderr}`);
    const counts = tools.summarize(firstOut);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `Run 1, the whole archive: ${total} records in ${counts.size} streams, ${first.seconds.toFixed(1)} s`,
    );
    console.log(tools.table(counts, tools.pagesPerStream(first.stderr)).replace(/ pages$/m, ' files'));
    const rows = tools.records(firstOut, 'event_tracks').slice(0, 5);
    console.log('\nA sample of event_tracks:');
    const columns = ['message_id', 'event', 'user_id', 'timestamp', '_sdc_source_id', '_sdc_line'] as const;
    const widths = [28, 18, 9, 24, 14, 9];
    const line = (cells: string[]) =>
      `  ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' ')}`.trimEnd();
    console.log(line([...columns]));
    for (const row of rows) console.log(line(columns.map((c) => String(row[c] ?? ''))));

    const statePath = join(outDir, 'events-state.json');
    writeFileSync(statePath, JSON.stringify(tools.lastState(firstOut), null, 2));
    const source = files[0]?.sourceId as string;
    const fresh = Array.from({length: 12}, (_, i) =>
      message(42, 'late-arrival', i, Date.now() - 2 * 3_600_000),
    );
    const key = `segment-logs/${source}/${lastDay}/late-arrival.gz`;
    writeObject(
      dir,
      key,
      gzipSync(`${fresh.map((m) => JSON.stringify(m)).join('\n')}\n`),
      Date.now() - 3_600_000,
    );
    const secondOut = join(outDir, 'events-run2.singer.jsonl');
    const second = await tools.runTap(['--config', configPath, '--state', statePath], secondOut);
    if (second.code !== 0) throw new Error(`the incremental run failed on the archive:\n${second.stderr}`);
    const again = tools.summarize(secondOut);
    const gets = s3.requests.filter((r) => !('list-type' in r.query)).length;
    console.log(
      `\nRun 2, with that state, after one new file (${key}): ${[...again.values()].reduce((a, b) => a + b, 0)} records, ${second.seconds.toFixed(1)} s; ${gets - files.length} object read`,
    );
    console.log(tools.table(again, tools.pagesPerStream(second.stderr)).replace(/ pages$/m, ' files'));
    console.log(`\nSinger output: ${firstOut}, ${secondOut}`);
  } finally {
    await s3.close();
  }
}

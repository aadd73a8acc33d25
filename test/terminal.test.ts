// At a terminal and in a pipe: the built CLI in a real pseudo-terminal of a fixed width, against the simulator.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {streams} from '../src/public-api/streams.js';
import {runCli, tempFiles} from './support/cli.js';
import {
  hasScript,
  type PtyRun,
  runInPty,
  SCRIPT_MISSING,
  type Segment,
  screen,
  segments,
} from './support/pty.js';

const DAY = 86_400_000;
const NAMES = new Set(streams.map((s) => s.name));
const width = (text: string) => [...text].length;

/** The status draws: text a lone `\r` sends back over (or the output ends on), and what came before. */
function statusDraws(output: string): {draw: Segment; before: Segment | undefined}[] {
  const all = segments(output);
  return all
    .map((draw, i) => ({draw, before: all[i - 1]}))
    .filter(({draw}) => (draw.end === '\r' || draw.end === '') && draw.text !== '');
}

/** Singer output with what differs between two runs of the same data taken out (extraction time, interleaving). */
function comparable(stdout: string): {messages: string[]; last: string} {
  const lines = stdout.split('\n').filter((l) => l !== '');
  const messages = lines
    .filter((l) => !l.startsWith('{"type":"STATE"'))
    .map((l) => l.replace(/"time_extracted":"[^"]*"/, ''))
    .sort();
  return {messages, last: lines.at(-1) ?? ''};
}

/**
 * What a person at a terminal of `cols` columns is left with, and how it got there: every status
 * draw fits in cols - 1 and starts on a cleared or fresh row (so nothing wraps and no redraw leaves
 * a row behind), no METRIC line, and a scrollback of log lines, then the table, then the final line.
 */
function expectReadableTerminal(run: PtyRun, cols: number): void {
  expect(run.code, run.output.slice(-2000)).to.equal(0);
  const draws = statusDraws(run.output);
  expect(draws.length, 'the status line is redrawn several times').to.be.at.least(3);
  for (const {draw, before} of draws) {
    // cols - 1 never wraps; the tap keeps two more columns for the terminal's ^C echo.
    expect(width(draw.text), draw.text).to.be.at.most(cols - 3);
    const cleared = draw.raw.startsWith('\x1b[K') || before?.end === '\r\n';
    expect(cleared, `a draw that does not clear the row first: ${JSON.stringify(draw.raw)}`).to.equal(true);
  }
  expect(run.output).to.not.include('METRIC');

  const {lines} = screen(run.output, cols);
  while (lines.at(-1) === '') lines.pop();
  const header = lines.findIndex((l) => /^stream +records +pages +time$/.test(l));
  expect(header, lines.join('\n')).to.be.greaterThan(0);
  // Above the table: log lines only (a stale status row would be anything else).
  for (const line of lines.slice(0, header)) expect(line).to.match(/^(INFO|WARNING) /);
  expect(lines.slice(0, header).join('\n')).to.match(/^WARNING stream audit_events skipped: 403/m);
  const rows = lines.slice(header + 1, -2);
  expect(rows.map((r) => r.split(' ')[0])).to.have.members([...NAMES]);
  for (const row of rows) expect(width(row)).to.be.at.most(cols - 1);
  expect(rows.find((r) => r.startsWith('audit_events'))).to.match(
    /^audit_events +skipped: 403, needs Audit Trail/,
  );
  expect(lines.at(-2)).to.match(
    new RegExp(`^${NAMES.size} streams +[\\d,]+ +[\\d,]+ +\\d+:\\d\\d {2}1 skipped$`),
  );
  expect(lines.at(-1)).to.match(
    new RegExp(`^INFO sync complete: ${NAMES.size} streams \\(1 skipped\\), \\d+ records, \\d+ requests`),
  );
}

describe('at a terminal and in a pipe (the built CLI in a pseudo-terminal, against the simulator)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let config: string;
  let dir: string;
  let piped: {stdout: string; stderr: string; requests: number};

  before(async () => {
    // CI must not pass without these tests: no `script`, no green.
    if (!hasScript()) throw new Error(SCRIPT_MISSING);
    const clock = Date.now() - 10 * 60_000;
    // Latency makes a run last a few seconds, so the status line is drawn many times.
    sim = await startSimulator({scale: 1, now: () => clock, latencyMs: 40, forbidden: ['/audit-events']});
    const files = tempFiles({
      'config.json': {
        api_token: sim.token,
        base_url: sim.url,
        start_date: new Date(clock - 75 * DAY).toISOString().slice(0, 10),
        page_size: 20,
        requests_per_minute: 100_000,
      },
    });
    config = files['config.json'] as string;
    dir = files.dir as string;
    sim.resetStats();
    const result = await runCli(['--config', config], {timeoutMs: 60_000});
    expect(result.code, result.stderr.slice(-2000)).to.equal(0);
    piped = {stdout: result.stdout, stderr: result.stderr, requests: sim.stats().requests};
  });
  after(async () => sim?.close());

  it('in a pipe: every METRIC line, the log lines, and nothing drawn', () => {
    const {stderr, requests} = piped;
    expect(stderr).to.not.include('\r');
    expect(stderr).to.not.include('\x1b');
    const metrics = stderr
      .split('\n')
      .filter((l) => l.startsWith('INFO METRIC: '))
      .map((l) => JSON.parse(l.slice('INFO METRIC: '.length)) as {metric: string; tags: {endpoint: string}});
    const named = (metric: string) => metrics.filter((m) => m.metric === metric);
    expect(named('http_request_duration')).to.have.length(requests);
    expect(new Set(named('record_count').map((m) => m.tags.endpoint))).to.deep.equal(NAMES);
    expect(named('sync_duration').map((m) => m.tags.endpoint)).to.include('all');
    for (const name of NAMES)
      expect(stderr).to.match(new RegExp(`^INFO stream ${name}: \\d+ records in \\d+ pages`, 'm'));
    expect(stderr).to.match(new RegExp(`^INFO syncing ${NAMES.size} streams: workspace, sources, `, 'm'));
    expect(stderr).to.not.match(/^stream +records/m);
    expect(stderr.trimEnd().split('\n').at(-1)).to.match(
      new RegExp(`^INFO sync complete: ${NAMES.size} streams \\(1 skipped\\)`),
    );
  });

  for (const cols of [80, 160]) {
    it(`at ${cols} columns: one status line that never wraps, warnings above it, the table at the end`, async () => {
      const stdoutFile = join(dir, `tty-${cols}.jsonl`);
      const run = await runInPty(['--config', config], {cols, stdoutFile});
      expectReadableTerminal(run, cols);
      // What a terminal changes is stderr only: stdout carries the same Singer messages as in a pipe.
      expect(comparable(readFileSync(stdoutFile, 'utf8'))).to.deep.equal(comparable(piped.stdout));
    });
  }

  it('fits the status line to the new width when the terminal is resized mid-run', async () => {
    const run = await runInPty(['--config', config], {
      cols: 150,
      resize: {afterMs: 2500, cols: 60},
      stdoutFile: join(dir, 'tty-resized.jsonl'),
    });
    expect(run.code, run.output.slice(-2000)).to.equal(0);
    const draws = statusDraws(run.output).map(({draw}) => width(draw.text));
    const narrowFrom = draws.findIndex((w) => w <= 59 && w > 0);
    expect(Math.max(...draws.slice(0, narrowFrom)), 'drawn wide before the resize').to.be.above(59);
    expect(Math.max(...draws.slice(narrowFrom)), 'and within 59 columns after it').to.be.at.most(59);
    // The table as written, not through a 60-column screen model: the first 2.5 s were drawn at 150
    // columns, which such a model would wrap and join into the table's first rows.
    const start = run.output.search(/stream +records +pages +time/);
    expect(start, 'the summary table').to.be.above(0);
    const table = run.output
      .slice(start)
      .split(/\r?\n/)
      .filter((row) => row !== '' && !row.startsWith('INFO '));
    expect(table).to.have.length(NAMES.size + 2);
    for (const row of table) expect(width(row), row).to.be.at.most(59);
  });

  it('at --log-level debug: every line, METRIC lines included, still under one status line that fits', async () => {
    const run = await runInPty(['--config', config, '--log-level', 'debug'], {
      cols: 100,
      stdoutFile: join(dir, 'tty-debug.jsonl'),
    });
    expect(run.code, run.output.slice(-2000)).to.equal(0);
    const lines = screen(run.output, 100).lines;
    expect(
      lines.filter((l) => l.startsWith('INFO METRIC: {"type":"timer","metric":"http_request_duration"')),
    ).to.have.length.above(100);
    expect(lines.some((l) => /^DEBUG stream sources: starting/.test(l))).to.equal(true);
    for (const {draw} of statusDraws(run.output)) expect(width(draw.text)).to.be.at.most(99);
    const header = lines.findIndex((l) => /^stream +records/.test(l));
    for (const line of lines.slice(0, header)) expect(line).to.match(/^(DEBUG|INFO|WARNING) /);
  });
});

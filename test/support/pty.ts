// The built CLI in a real pseudo-terminal of a fixed width (util-linux `script`), and what a terminal shows of its bytes.
import {spawn, spawnSync} from 'node:child_process';
import {CLI} from './cli.js';

export const SCRIPT_MISSING =
  'the terminal tests run the tap in a pseudo-terminal with util-linux `script` (Debian package ' +
  'bsdutils, part of every base system); it is not on PATH here: apt-get install bsdutils';

/** True when util-linux `script` (with -e, -f, -c) is on PATH; BSD's takes other flags. */
export function hasScript(): boolean {
  const probe = spawnSync('script', ['--version'], {encoding: 'utf8'});
  return probe.status === 0 && probe.stdout.includes('util-linux');
}

export interface PtyOptions {
  cols: number;
  rows?: number;
  /** Where the tap's stdout goes: a file, so the terminal carries stderr alone. */
  stdoutFile: string;
  /** After this many ms, the terminal is resized to `resize.cols` (SIGWINCH reaches the tap). */
  resize?: {afterMs: number; cols: number};
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Another build of the CLI (to see how an older one behaves); dist/cli.js by default. */
  cli?: string;
}

export interface PtyRun {
  /** The tap's exit code (script -e passes it on). */
  code: number | null;
  /** Every byte the terminal received, as text. */
  output: string;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

export function runInPty(args: readonly string[], options: PtyOptions): Promise<PtyRun> {
  const tap = [process.execPath, options.cli ?? CLI, ...args].map(quote).join(' ');
  const size = (cols: number) => `stty cols ${cols} rows ${options.rows ?? 24}`;
  const command = options.resize
    ? `${size(options.cols)}; ${tap} > ${quote(options.stdoutFile)} & sleep ${options.resize.afterMs / 1000}; ${size(options.resize.cols)}; wait $!`
    : `${size(options.cols)}; exec ${tap} > ${quote(options.stdoutFile)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: {PATH: process.env.PATH, TERM: 'xterm', ...options.env},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tap-segment in a pty did not finish in time; it showed: ${output.slice(-500)}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (errors) output += `\n[script: ${errors}]`;
      resolve({code, output});
    });
  });
}

/** One stretch of text between line controls, and what ended it. */
export interface Segment {
  /** The text as sent, escape sequences included. */
  raw: string;
  /** What a person sees of it: escape sequences removed. */
  text: string;
  /** `\r\n` ends a line (the pty turns `\n` into it); a lone `\r` returns to redraw the same row. */
  end: '\r\n' | '\r' | '\n' | '';
}

const ESC = '\x1b';
// CSI sequences (ESC [ params final) and two-character escapes; built from a string, as a regex
// literal with a control character reads like a mistake.
const CSI = `${ESC}\\[([0-?]*)[ -/]*([@-~])`;
const ESCAPES = new RegExp(`${CSI}|${ESC}[@-Z\\\\-_]`, 'g');
const CSI_HERE = new RegExp(`^${CSI}`);

export function segments(output: string): Segment[] {
  return [...output.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)]
    .filter((m) => m[0] !== '')
    .map((m) => ({
      raw: m[1] ?? '',
      text: (m[1] ?? '').replace(ESCAPES, ''),
      end: (m[2] ?? '') as Segment['end'],
    }));
}

/**
 * The scrollback of a terminal `cols` wide after `output`: every row it shows, top to bottom, with
 * the rows a long line wrapped onto joined back to it. Carriage return, line feed, erase to the end
 * of the line (ESC [ K) and deferred auto-wrap behave as in xterm; other escapes are ignored.
 * `wrapped` counts the wraps: a status line that wraps leaves its first rows behind on redraw.
 */
export function screen(output: string, cols: number): {lines: string[]; wrapped: number} {
  const rows: string[][] = [[]];
  const continues: boolean[] = [false];
  let row = 0;
  let col = 0;
  let wrapped = 0;
  const newRow = (continuation: boolean) => {
    row += 1;
    rows[row] ??= [];
    continues[row] = continuation;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i] as string;
    if (ch === ESC) {
      const csi = CSI_HERE.exec(output.slice(i, i + 32));
      if (csi) {
        if (csi[2] === 'K' && (csi[1] === '' || csi[1] === '0')) (rows[row] as string[]).length = col;
        i += csi[0].length - 1;
      } else i += 1;
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') newRow(false);
    else if (ch >= ' ') {
      if (col === cols) {
        wrapped += 1;
        newRow(true);
        col = 0;
      }
      const cells = rows[row] as string[];
      while (cells.length < col) cells.push(' ');
      cells[col] = ch;
      col += 1;
    }
  }
  const lines: string[] = [];
  for (const [index, cells] of rows.entries()) {
    const text = cells.join('');
    if (continues[index] && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return {lines: lines.map((l) => l.trimEnd()), wrapped};
}

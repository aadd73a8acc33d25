// The end-of-run table for a person at a terminal: one row per selected stream, then the totals.
import {clock, cut, seconds, width} from './status-line.js';

/** Names are cut no shorter than this, however narrow the terminal. */
const MIN_NAME = 12;

/** What became of one selected stream. */
export interface StreamResult {
  readonly name: string;
  readonly records: number;
  readonly pages: number;
  /** From its start to its end; undefined when it never started. */
  readonly ms?: number;
  readonly outcome: 'synced' | 'skipped' | 'failed' | 'stopped' | 'not started';
  /** Why it was skipped or left incomplete (`403, needs Functions`). */
  readonly reason?: string;
}

/**
 * Rows fitted to `columns - 1` like the status line (a wrapped row is hard to read); the note,
 * last, is what gets cut. A stream that read nothing has no numbers to show: its note starts
 * right after its name, so that the reason fits an 80-column terminal. `elapsedMs` is the run's
 * wall time, for the totals row.
 */
export function summaryTable(results: readonly StreamResult[], elapsedMs: number, columns: number): string {
  const max = Math.max(1, columns - 1);
  const rows: string[][] = [
    ['stream', 'records', 'pages', 'time'],
    ...results.map((r) =>
      r.outcome === 'skipped' || r.outcome === 'not started'
        ? [r.name, note(r)]
        : [r.name, long(r.records), long(r.pages), r.ms === undefined ? '-' : seconds(r.ms), note(r)],
    ),
    [
      `${results.length} streams`,
      long(sum(results, 'records')),
      long(sum(results, 'pages')),
      clock(elapsedMs),
      totalNote(results),
    ],
  ];
  const widths = [0, 1, 2, 3].map((c) =>
    Math.max(...rows.filter((row) => row.length > 2).map((row) => width(row[c] ?? ''))),
  );
  // A narrow terminal cuts the names before the numbers (each column is two spaces apart).
  const numbers = widths.slice(1).reduce((total, w) => total + w + 2, 0);
  const nameWidth = Math.max(MIN_NAME, Math.min(widths[0] ?? 0, max - numbers));
  const line = (row: string[]): string => {
    const [name = '', ...rest] = row;
    const last = rest.length === 1 ? 0 : 3;
    const cells = rest.slice(0, last).map((cell, c) => cell.padStart(widths[c + 1] ?? 0));
    const fixed = [cut(name, nameWidth).padEnd(nameWidth), ...cells].join('  ');
    // The note gets what room is left; a cut note is better than a cut number.
    const noteText = cut(rest[last] ?? '', max - width(fixed) - 2);
    return cut(noteText ? `${fixed}  ${noteText}` : fixed, max).trimEnd();
  };
  return rows.map((row) => `${line(row)}\n`).join('');
}

function note(result: StreamResult): string {
  const why = result.reason ? `: ${result.reason}` : '';
  if (result.outcome === 'synced') return result.reason ? `incomplete${why}` : '';
  return `${result.outcome}${why}`;
}

function totalNote(results: readonly StreamResult[]): string {
  const count = (outcomes: StreamResult['outcome'][]) =>
    results.filter((r) => outcomes.includes(r.outcome)).length;
  const failed = count(['failed']);
  const skipped = count(['skipped']);
  const unfinished = count(['stopped', 'not started']);
  return [
    failed ? `${failed} failed` : '',
    skipped ? `${skipped} skipped` : '',
    unfinished ? `${unfinished} not finished` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const long = (n: number): string => n.toLocaleString('en-US');

const sum = (results: readonly StreamResult[], key: 'records' | 'pages') =>
  results.reduce((total, r) => total + r[key], 0);

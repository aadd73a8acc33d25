// The live status line of a terminal: run facts → one line that never wraps, the richest form that fits.

export interface StatusFacts {
  readonly done: number;
  readonly total: number;
  readonly records: number;
  readonly requests: number;
  /** Time spent waiting for rate-limit windows and retry backoff. */
  readonly waitedMs: number;
  readonly elapsedMs: number;
  /** Time left, once it can be estimated. */
  readonly leftMs?: number;
  /** Running streams, busiest first (only the first two are ever shown). */
  readonly busiest: readonly {readonly name: string; readonly records: number}[];
}

const SEPARATOR = ' | ';
/**
 * Columns left free after the line: Ctrl-C makes the terminal echo `^C` after it. On a full row that
 * echo wraps and leaves the status row behind; here it stays on the row the next draw clears.
 */
const ECHO_ROOM = 2;
/** A stream name cut shorter than this says nothing; the line leaves it out instead. */
const MIN_NAME = 8;

/**
 * At most `columns - 3` characters, so the terminal never wraps it: `\r\x1b[K` clears one row,
 * and a wrapped line would leave its first rows behind at every redraw (a line of exactly
 * `columns` wraps at once on some terminals, and `^C` needs two more). The numbers come in a
 * long, a short and two minimal forms; the busiest streams' names follow the long form in full,
 * or the short form cut to fit. Where no name fits, the richest form that fits alone; the last
 * resort is the bare count and clock, cut.
 */
export function statusLine(facts: StatusFacts, columns: number): string {
  const max = Math.max(1, columns - 1 - ECHO_ROOM);
  const tiers = statTiers(facts);
  const busiest = facts.busiest.slice(0, 2);
  // Only the long and short forms carry names: where only the bare minimum fits, the count, the
  // records and the clock matter more than a name.
  for (const [index, stats] of tiers.slice(0, 2).entries()) {
    const names = busiestNames(busiest, max - width(stats) - SEPARATOR.length, index > 0);
    if (names !== undefined) return `${stats}${SEPARATOR}${names}`;
  }
  const alone = tiers.find((stats) => width(stats) <= max) ?? (tiers.at(-1) as string);
  return cut(alone, max);
}

function statTiers(f: StatusFacts): string[] {
  const streams = `${f.done}/${f.total} streams`;
  const left = f.leftMs === undefined ? [] : [`~${clock(f.leftMs)} left`];
  const waited = f.waitedMs > 0;
  return [
    [
      streams,
      plural(f.records, 'record'),
      plural(f.requests, 'request'),
      ...(waited ? [`${seconds(f.waitedMs)} rate-limit waits`] : []),
      `${clock(f.elapsedMs)} elapsed`,
      ...left,
    ],
    [
      streams,
      `${short(f.records)} rec`,
      `${short(f.requests)} req`,
      ...(waited ? [`${seconds(f.waitedMs)} waits`] : []),
      clock(f.elapsedMs),
      ...left,
    ],
    [streams, clock(f.elapsedMs), ...left],
    [`${f.done}/${f.total}`, clock(f.elapsedMs), ...left],
  ].map((parts) => parts.join(', '));
}

/**
 * Two streams if both fit, else the first; in compact form the first may be cut to fit. Undefined
 * when none fits.
 */
function busiestNames(
  busiest: readonly {name: string; records: number}[],
  room: number,
  compact: boolean,
): string | undefined {
  const count = (records: number) => (compact ? short(records) : `${long(records)} rec`);
  const entries = busiest.map((s) => ({name: s.name, count: count(s.records)}));
  const full = entries.map((e) => `${e.name} ${e.count}`);
  for (let n = full.length; n >= 1; n--) {
    const text = full.slice(0, n).join(', ');
    if (width(text) <= room) return text;
  }
  const first = entries[0];
  if (first === undefined || !compact) return undefined;
  const nameRoom = room - width(first.count) - 1;
  return nameRoom >= MIN_NAME ? `${cut(first.name, nameRoom)} ${first.count}` : undefined;
}

/** Terminal columns of a string: one per code point (the line holds ASCII and `…` only). */
export function width(text: string): number {
  return [...text].length;
}

/** `text` in at most `max` columns, ending in `…` when cut. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 0) return '';
  return max === 1 ? (chars[0] as string) : `${chars.slice(0, max - 1).join('')}…`;
}

const long = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, noun: string): string => `${long(n)} ${noun}${n === 1 ? '' : 's'}`;

function short(n: number): string {
  if (n < 1000) return String(n);
  if (n < 9_950) return `${(n / 1000).toFixed(1)}k`;
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** `0:42`, `12:05`, `1:02:03`. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `3.2s` under a minute, a clock beyond. */
export function seconds(ms: number): string {
  return ms < 59_950 ? `${(ms / 1000).toFixed(1)}s` : clock(ms);
}

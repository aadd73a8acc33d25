// Progress on stderr: a live line per run on a terminal, periodic INFO lines otherwise. Never stdout.
import type {Logger} from '../shared/log.js';
import {type StatusFacts, statusLine} from './status-line.js';
import type {StreamResult} from './summary.js';

/** What progress reads of a running stream (a StreamRun has it). */
export interface ProgressRun {
  readonly def: {readonly name: string};
  readonly records: number;
  readonly pages: number;
  readonly skipped?: string;
  readonly failed?: boolean;
  readonly failure?: string;
  readonly progress?: {readonly done: number; readonly total: number};
}

/** What progress reads of the run's requests, whichever source makes them. */
export interface RequestStats {
  readonly requests: number;
  readonly waitedMs: number;
}

export interface Progress {
  start(run: ProgressRun): void;
  finish(run: ProgressRun): void;
  /** The terminal's new width: the status line is fitted and drawn again at once. */
  resize(columns: number | undefined): void;
  stop(): void;
  /** Every selected stream, in the order given, with what became of it so far. */
  results(): StreamResult[];
  elapsedMs(): number;
}

export interface ProgressOptions {
  log: Logger;
  /** A person watches a terminal: redraw one status line in place (at info level). */
  tty: boolean;
  /** The selected streams' names. */
  streams: readonly string[];
  /** The terminal's width; 80 when unknown. */
  columns?: number;
  stats: () => RequestStats;
  intervalMs?: number;
  now?: () => number;
}

interface Tracked {
  run: ProgressRun;
  startedAt: number;
  endedAt?: number;
  /** Pages at the last redraw, and recent pages with older ones fading: what "busiest" ranks by. */
  lastPages: number;
  activity: number;
}

export function createProgress(options: ProgressOptions): Progress {
  const {log, stats} = options;
  const live = options.tty && log.enabled('info');
  const now = options.now ?? Date.now;
  const started = now();
  const tracked = new Map<string, Tracked>();
  let columns = options.columns || 80;
  let drawn = '';

  const active = () => [...tracked.values()].filter((t) => t.endedAt === undefined);
  const done = () => tracked.size - active().length;

  const facts = (t: number): StatusFacts => {
    const running = active();
    return {
      done: done(),
      total: options.streams.length,
      records: [...tracked.values()].reduce((sum, s) => sum + s.run.records, 0),
      requests: stats().requests,
      waitedMs: stats().waitedMs,
      elapsedMs: t - started,
      leftMs: timeLeft(t, started, done(), options.streams.length, running),
      busiest: busiest(running),
    };
  };
  const draw = (): void => {
    const line = statusLine(facts(now()), columns);
    if (line === drawn) return;
    drawn = line;
    log.status(line);
  };
  // Without a terminal: the running streams in full, for a log file (its format is unchanged).
  const logLine = (): void => {
    const http = stats();
    const streams =
      active()
        .map((s) => `${s.run.def.name} ${s.run.records} rec/${s.run.pages} pg`)
        .join(' | ') || 'waiting';
    const waits = http.waitedMs > 0 ? `, rate-limit waits ${(http.waitedMs / 1000).toFixed(1)} s` : '';
    const elapsed = Math.round((now() - started) / 1000);
    log.info(
      `progress: ${streams} (${done()} streams done, ${http.requests} requests${waits}, ${elapsed} s)`,
    );
  };
  const timer = setInterval(live ? draw : logLine, options.intervalMs ?? (live ? 250 : 30_000));
  // Progress must never keep a finished process alive.
  timer.unref();

  return {
    start: (run) => {
      tracked.set(run.def.name, {run, startedAt: now(), lastPages: 0, activity: 0});
    },
    finish: (run) => {
      const entry = tracked.get(run.def.name);
      if (entry) entry.endedAt = now();
    },
    resize: (width) => {
      columns = width || 80;
      if (live) draw();
    },
    stop: () => {
      clearInterval(timer);
      if (live) log.status('');
    },
    results: () => options.streams.map((name) => resultOf(name, tracked.get(name), now())),
    elapsedMs: () => now() - started,
  };
}

/**
 * Running streams by the pages (requests) they read lately: a parent's 60 records read in its
 * first second say less about where the run is now than its child's page per parent.
 */
function busiest(running: readonly Tracked[]): {name: string; records: number}[] {
  for (const s of running) {
    s.activity = s.activity * 0.7 + (s.run.pages - s.lastPages);
    s.lastPages = s.run.pages;
  }
  return [...running]
    .sort((a, b) => b.activity - a.activity || b.run.records - a.run.records)
    .map((s) => ({name: s.run.def.name, records: s.run.records}));
}

function resultOf(name: string, entry: Tracked | undefined, t: number): StreamResult {
  if (!entry) return {name, records: 0, pages: 0, outcome: 'not started'};
  const {run, startedAt, endedAt} = entry;
  const outcome = run.failed
    ? 'failed'
    : endedAt === undefined
      ? 'stopped'
      : run.skipped && run.pages === 0
        ? 'skipped'
        : 'synced';
  const reason = run.failed ? run.failure : run.skipped;
  return {
    name,
    records: run.records,
    pages: run.pages,
    ms: (endedAt ?? t) - startedAt,
    outcome,
    ...(reason ? {reason} : {}),
  };
}

/**
 * Time left: the pace of finished streams applied to the rest, but never less than what a
 * running stream that can tell how far along it is still needs at its own pace. Streams differ in
 * size by orders of magnitude (the audit trail against the label list; a parent that lists 60
 * children's pages one parent at a time), so the second part is what keeps the estimate honest
 * while one long stream runs on after the short ones are done. Undefined until something is known.
 */
export function timeLeft(
  t: number,
  started: number,
  done: number,
  total: number,
  running: readonly {readonly run: Pick<ProgressRun, 'progress'>; readonly startedAt: number}[],
): number | undefined {
  const estimates: number[] = [];
  if (done > 0 && done < total) estimates.push(((t - started) * (total - done)) / done);
  for (const {run, startedAt} of running) {
    const share = run.progress ? run.progress.done / run.progress.total : 0;
    if (share > 0 && share < 1) estimates.push(((t - startedAt) * (1 - share)) / share);
  }
  return estimates.length > 0 ? Math.max(...estimates) : undefined;
}

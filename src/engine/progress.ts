// Progress on stderr: a live line per run on a terminal, periodic INFO lines otherwise. Never stdout.
import type {Logger} from '../shared/log.js';

/** What progress reads of a running stream (a StreamRun has it). */
export interface ProgressRun {
  readonly def: {readonly name: string};
  readonly records: number;
  readonly pages: number;
}

/** What progress reads of the run's requests, whichever source makes them. */
export interface RequestStats {
  readonly requests: number;
  readonly waitedMs: number;
}

export interface Progress {
  start(run: ProgressRun): void;
  finish(run: ProgressRun): void;
  stop(): void;
}

export interface ProgressOptions {
  log: Logger;
  /** True when stderr is a terminal: redraw one status line in place. */
  tty: boolean;
  stats: () => RequestStats;
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const {log, tty, stats} = options;
  const now = options.now ?? Date.now;
  const started = now();
  const active = new Set<ProgressRun>();
  let done = 0;

  const render = (): string => {
    const http = stats();
    const streams =
      [...active].map((r) => `${r.def.name} ${r.records} rec/${r.pages} pg`).join(' | ') || 'waiting';
    const waits = http.waitedMs > 0 ? `, rate-limit waits ${(http.waitedMs / 1000).toFixed(1)} s` : '';
    const elapsed = Math.round((now() - started) / 1000);
    return `${streams} (${done} streams done, ${http.requests} requests${waits}, ${elapsed} s)`;
  };
  const tick = (): void => {
    if (tty) log.status(render());
    else log.info(`progress: ${render()}`);
  };
  const timer = setInterval(tick, options.intervalMs ?? (tty ? 250 : 30_000));
  // Progress must never keep a finished process alive.
  timer.unref();

  return {
    start: (run) => {
      active.add(run);
    },
    finish: (run) => {
      active.delete(run);
      done += 1;
    },
    stop: () => {
      clearInterval(timer);
      if (tty) log.status('');
    },
  };
}

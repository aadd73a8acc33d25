// Request counters for tests: totals, by status, by path, rate-limited and injected faults.

export interface Stats {
  requests: number;
  byStatus: Record<string, number>;
  byPath: Record<string, number>;
  rateLimited: number;
  faultsInjected: number;
  /** Rate-limit windows opened (per token and per endpoint limit). */
  windowsOpened: number;
}

const empty = (): Stats => ({
  requests: 0,
  byStatus: {},
  byPath: {},
  rateLimited: 0,
  faultsInjected: 0,
  windowsOpened: 0,
});

export function createStats() {
  let stats = empty();
  return {
    /** One call per request; status is the HTTP code, or 'reset' / 'truncate' for broken connections. */
    record(path: string, status: number | string) {
      stats.requests++;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    },
    rateLimited() {
      stats.rateLimited++;
    },
    faultInjected() {
      stats.faultsInjected++;
    },
    windowOpened() {
      stats.windowsOpened++;
    },
    snapshot: (): Stats => structuredClone(stats),
    reset() {
      stats = empty();
    },
  };
}

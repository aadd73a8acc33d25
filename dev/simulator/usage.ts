// Daily usage: one month-to-date cumulative row per day (per source for the per-source variants).

import {idFor, rngFor} from './random.js';
import {type ApiError, apiError, type JsonObject, type Listing, type Workspace} from './types.js';

const DAY_MS = 86_400_000;
const MTU_KINDS = ['anonymous', 'anonymousIdentified', 'identified', 'neverIdentified'] as const;

export type UsageKind = 'api' | 'mtu';

function monthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function nextMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Every 'YYYY-MM-01' period from the workspace's first usage month to the clock's month. */
export function usageMonths(ws: Workspace, now: number = ws.now()): string[] {
  const months: string[] = [];
  for (let m = ws.createdAt; m <= monthStart(now); m = nextMonth(m))
    months.push(new Date(m).toISOString().slice(0, 10));
  return months;
}

/** Days with data in the month: all of them, up to today in the current month, none outside the range. */
function daysWithData(ws: Workspace, start: number, now: number): number {
  if (start < ws.createdAt || start > monthStart(now)) return 0;
  if (start === monthStart(now)) return new Date(now).getUTCDate();
  return Math.round((nextMonth(start) - start) / DAY_MS);
}

function cumulative(ws: Workspace, stream: string, period: string, day: number, base: number): number {
  let total = 0;
  for (let d = 0; d <= day; d++)
    total += Math.floor(base * (0.5 + rngFor(ws.seed, stream, `${period}:${d}`)()));
  return total;
}

function row(ws: Workspace, kind: UsageKind, start: number, day: number, sourceIndex?: number): JsonObject {
  const period = new Date(start).toISOString().slice(0, 10);
  const timestamp = new Date(start + day * DAY_MS).toISOString().replace('.000Z', 'Z');
  const scope = sourceIndex === undefined ? 'workspace' : `source:${sourceIndex}`;
  const base = sourceIndex === undefined ? 40_000 * ws.scale : 3_000;
  const item: JsonObject = sourceIndex === undefined ? {} : {sourceId: idFor(ws.seed, 'source', sourceIndex)};
  if (kind === 'api') {
    item.apiCalls = String(cumulative(ws, `api:${scope}`, period, day, base));
  } else {
    item.periodStart = start / 1000;
    item.periodEnd = nextMonth(start) / 1000;
    MTU_KINDS.forEach((name, k) => {
      item[name] = String(cumulative(ws, `mtu:${name}:${scope}`, period, day, base / (10 * (k + 1))));
    });
  }
  item.timestamp = timestamp;
  return item;
}

const KEYS: Record<string, string> = {
  'api:workspace': 'dailyWorkspaceAPICallsUsage',
  'mtu:workspace': 'dailyWorkspaceMTUUsage',
  'api:source': 'dailyPerSourceAPICallsUsage',
  'mtu:source': 'dailyPerSourceMTUUsage',
};

export function usageListing(
  ws: Workspace,
  kind: UsageKind,
  perSource: boolean,
  query: URLSearchParams,
  now: number,
): Listing | ApiError {
  const period = query.get('period');
  if (period === null) return apiError(422, 'ValidationFailure', 'period is required', 'period');
  if (!/^\d{4}-(0[1-9]|1[0-2])-01$/.test(period)) {
    return apiError(422, 'ValidationFailure', 'period must be the start of a month, YYYY-MM-01', 'period');
  }
  const start = Date.parse(`${period}T00:00:00Z`);
  const days = daysWithData(ws, start, now);
  const sources = perSource ? (ws.collections.sources?.count ?? 0) : 1;
  return {
    kind: 'list',
    key: KEYS[`${kind}:${perSource ? 'source' : 'workspace'}`] as string,
    paged: true,
    collection: {
      count: days * sources,
      item: (i) => row(ws, kind, start, Math.floor(i / sources), perSource ? i % sources : undefined),
    },
  };
}

// GET /delivery-overview/*: a daily (or hourly) series per source or source → destination, beta only.

import {int, rngFor} from './random.js';
import {
  type ApiError,
  apiError,
  type Collection,
  type JsonObject,
  type Listing,
  type Workspace,
} from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Delivery Overview's own limits: looser than delivery metrics'. */
const LIMITS: Readonly<Record<string, {range: number; back: number; step: number}>> = {
  MINUTE: {range: 4 * HOUR_MS, back: 48 * HOUR_MS, step: 60_000},
  HOUR: {range: 14 * DAY_MS, back: 30 * DAY_MS, step: HOUR_MS},
  DAY: {range: 30 * DAY_MS, back: 30 * DAY_MS, step: DAY_MS},
};

const invalid = (message: string, field: string): ApiError =>
  apiError(422, 'ValidationFailure', message, field);

/**
 * `metric` is the path's last part; egress metrics need `destinationConfigId` (a destination of
 * `sourceId`). startTime, endTime and granularity are required. Without `groupBy` the dataset is one
 * item whose series has a bucket per step of the window.
 */
export function overviewListing(
  ws: Workspace,
  metric: string,
  egress: boolean,
  query: URLSearchParams,
  now: number,
): Listing | ApiError {
  const sourceId = query.get('sourceId');
  if (!sourceId) return invalid('sourceId is required', 'sourceId');
  const s = ws.indexOf('sources', sourceId);
  if (s === undefined) return invalid('Unknown sourceId', 'sourceId');
  let scope = `${metric}:${sourceId}`;
  if (egress) {
    const destinationId = query.get('destinationConfigId');
    if (!destinationId) return invalid('destinationConfigId is required', 'destinationConfigId');
    const d = ws.indexOf('destinations', destinationId);
    const destination = d === undefined ? undefined : (ws.collections.destinations?.item(d) as JsonObject);
    if (destination?.sourceId !== sourceId) {
      return invalid('The Destination is not connected to the Source', 'destinationConfigId');
    }
    scope += `:${destinationId}`;
  }
  const granularity = query.get('granularity');
  const limits = granularity === null ? undefined : LIMITS[granularity];
  if (!limits) return invalid('granularity is required: DAY, HOUR or MINUTE', 'granularity');
  const start = Date.parse(query.get('startTime') ?? '');
  const end = Date.parse(query.get('endTime') ?? '');
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    return invalid('startTime and endTime are required ISO-8601 times, startTime first', 'startTime');
  }
  if (start < now - limits.back || end - start > limits.range) {
    return invalid(
      `A ${granularity} window may start at most ${limits.back / DAY_MS} days back and span at most ${limits.range / DAY_MS} days`,
      'startTime',
    );
  }
  const first = Math.ceil(start / limits.step) * limits.step;
  const buckets = Math.max(0, Math.ceil((end - first) / limits.step));
  const series = Array.from({length: buckets}, (_, k) => {
    const time = first + k * limits.step;
    const rng = rngFor(ws.seed, `overview:${scope}`, time);
    const count = metric.startsWith('successful') ? int(rng, 0, 40_000) : int(rng, 0, 300);
    const point: JsonObject = {time: new Date(time).toISOString().replace('.000Z', 'Z'), count};
    if (egress) point.retryCount = int(rng, 0, Math.floor(count / 20));
    return point;
  });
  const total = series.reduce((sum, p) => sum + (p.count as number), 0);
  const item: JsonObject = {total, series};
  if (egress) item.totalRetryCount = series.reduce((sum, p) => sum + (p.retryCount as number), 0);
  const dataset: Collection<JsonObject> = {count: 1, item: () => item};
  return {kind: 'list', key: 'dataset', paged: true, collection: dataset, extra: {total}};
}

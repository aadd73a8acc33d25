// GET /destinations/{id}/delivery-metrics: totals over one window, with the contract's window limits.

import {rngFor} from './random.js';
import {type ApiError, apiError, type JsonObject, type Listing, type Workspace} from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Per granularity: how long a window may be, how far back it may start, and the default start. */
const LIMITS: Readonly<Record<string, {range: number; back: number; fallback: number}>> = {
  MINUTE: {range: 4 * HOUR_MS, back: 48 * HOUR_MS, fallback: HOUR_MS},
  HOUR: {range: 7 * DAY_MS, back: 7 * DAY_MS, fallback: 7 * DAY_MS},
  // The DAY default (30 days ago) breaks its own 14-day limit: a request must send startTime.
  DAY: {range: 14 * DAY_MS, back: 14 * DAY_MS, fallback: 30 * DAY_MS},
};

const invalid = (message: string, field: string): ApiError =>
  apiError(422, 'ValidationFailure', message, field);

/** One destination's delivery metrics summary over [startTime, endTime), deterministic per window. */
export function deliveryMetrics(
  ws: Workspace,
  id: string,
  query: URLSearchParams,
  now: number,
): Listing | ApiError {
  const d = ws.indexOf('destinations', id);
  if (d === undefined) return apiError(404, 'NotFound', 'Resource not found');
  const destination = ws.collections.destinations?.item(d) as JsonObject;
  const sourceId = query.get('sourceId');
  if (!sourceId) return invalid('sourceId is required', 'sourceId');
  if (sourceId !== destination.sourceId)
    return invalid('The Source is not linked to the Destination', 'sourceId');
  const granularity = query.get('granularity') ?? 'MINUTE';
  const limits = LIMITS[granularity];
  if (!limits) return invalid('granularity must be DAY, HOUR or MINUTE', 'granularity');
  const end = query.has('endTime') ? Date.parse(query.get('endTime') ?? '') : now;
  const start = query.has('startTime') ? Date.parse(query.get('startTime') ?? '') : now - limits.fallback;
  if (Number.isNaN(start) || Number.isNaN(end) || start >= end) {
    return invalid('startTime and endTime must be ISO-8601 times, startTime before endTime', 'startTime');
  }
  if (start < now - limits.back || end - start > limits.range) {
    return invalid(
      `A ${granularity} window may start at most ${limits.back / DAY_MS} days back and span at most ${limits.range / DAY_MS} days`,
      'startTime',
    );
  }
  return {kind: 'object', key: 'deliveryMetricsSummary', value: summary(ws, d, destination, start, end)};
}

function summary(ws: Workspace, d: number, destination: JsonObject, start: number, end: number): JsonObject {
  const rng = rngFor(ws.seed, `delivery:${d}`, `${start}-${end}`);
  const volume = Math.floor(rng() * 50_000 * ((end - start) / DAY_MS));
  const retried = Math.floor(volume * 0.02 * rng());
  const afterRetry = Math.floor(retried * 0.8);
  const discarded = Math.floor(volume * 0.01 * rng());
  const expired = Math.floor(retried * 0.05);
  const firstAttempt = volume - afterRetry - discarded - expired;
  // Latencies in ms: averages are fractional, as a `number` in the contract may be.
  const average = Math.round(rng() * 200_000) / 100;
  const p95 = Math.round(average * (2 + rng()) * 100) / 100;
  return {
    sourceId: destination.sourceId,
    destinationMetadataId: (destination.metadata as JsonObject).id,
    metrics: [
      {
        metricName: 'successes',
        total: firstAttempt + afterRetry,
        breakdown: [
          {metricName: 'successes_on_first_attempt', value: firstAttempt},
          {metricName: 'successes_after_retry', value: afterRetry},
        ],
      },
      {metricName: 'expired', total: expired, breakdown: []},
      {metricName: 'discarded', total: discarded, breakdown: []},
      {metricName: 'retried', total: retried, breakdown: []},
      {
        metricName: 'time_to_success',
        total: average,
        breakdown: [
          {metricName: 'time_to_success_average', value: average},
          {metricName: 'time_to_success_p95', value: p95},
        ],
      },
    ],
  };
}

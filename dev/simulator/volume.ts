// Events volume: one result item per combination of the groupBy dimensions, one point per time bucket.

import {EVENT_NAMES, EVENT_TYPES} from './names.js';
import {rngFor} from './random.js';
import {type ApiError, apiError, type JsonObject, type Listing, type Workspace} from './types.js';

const DAY_MS = 86_400_000;
const STEP_MS: Record<string, number> = {DAY: DAY_MS, HOUR: 3_600_000, MINUTE: 60_000};
const MAX_BUCKETS = 5000;

interface Dimension {
  name: 'source' | 'eventName' | 'eventType';
  size: number;
  at(index: number): unknown;
}

const fixed = (name: Dimension['name'], values: readonly string[]): Dimension => ({
  name,
  size: values.length,
  at: (index) => values[index],
});

function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .filter(Boolean);
}

function sourceDimension(ws: Workspace, ids: string[]): Dimension {
  const count = ws.collections.sources?.count ?? 0;
  const indices =
    ids.length > 0
      ? ids.map((id) => ws.indexOf('sources', id)).filter((i): i is number => i !== undefined)
      : undefined;
  const toSource = (i: number) => {
    const source = ws.collections.sources?.item(i) as JsonObject;
    const event: JsonObject = {id: source.id, slug: source.slug};
    if (source.name !== undefined) event.name = source.name;
    return event;
  };
  if (!indices) return {name: 'source', size: count, at: toSource};
  return {name: 'source', size: indices.length, at: (k) => toSource(indices[k] as number)};
}

function bucketCount(ws: Workspace, seriesKey: string, time: number, step: number): number {
  const daily =
    5_000 + Math.floor(rngFor(ws.seed, `volume:${seriesKey}`, Math.floor(time / DAY_MS))() * 50_000);
  return Math.floor((daily * step) / DAY_MS / (0.5 + rngFor(ws.seed, `volume:${seriesKey}`, time)()));
}

export function volumeListing(ws: Workspace, query: URLSearchParams, now: number): Listing | ApiError {
  const granularity = query.get('granularity') ?? '';
  const step = STEP_MS[granularity];
  if (step === undefined)
    return apiError(422, 'ValidationFailure', 'granularity must be DAY, HOUR or MINUTE', 'granularity');
  const startText = query.get('startTime');
  const endText = query.get('endTime');
  if (!startText) return apiError(422, 'ValidationFailure', 'startTime is required', 'startTime');
  if (!endText) return apiError(422, 'ValidationFailure', 'endTime is required', 'endTime');
  const start = Date.parse(startText);
  const end = Date.parse(endText);
  if (!Number.isFinite(start)) return apiError(422, 'ValidationFailure', 'Invalid startTime', 'startTime');
  if (!Number.isFinite(end) || end < start)
    return apiError(422, 'ValidationFailure', 'Invalid endTime', 'endTime');
  const first = Math.floor(start / step) * step;
  // Buckets in [startTime, endTime) whose start is not after the clock.
  const buckets = Math.max(0, Math.ceil((Math.min(end, now + 1) - first) / step));
  if (buckets > MAX_BUCKETS)
    return apiError(422, 'ValidationFailure', `At most ${MAX_BUCKETS} buckets per query`, 'granularity');
  const groupBy = listParam(query, 'groupBy');
  const dimensions: Dimension[] = [];
  if (groupBy.includes('source')) dimensions.push(sourceDimension(ws, listParam(query, 'sourceId')));
  if (groupBy.includes('eventName')) dimensions.push(fixed('eventName', EVENT_NAMES));
  if (groupBy.includes('eventType')) dimensions.push(fixed('eventType', EVENT_TYPES));
  const count = dimensions.reduce((total, dimension) => total * dimension.size, 1);
  const item = (i: number): JsonObject => {
    const result: JsonObject = {};
    let rest = i;
    for (let d = dimensions.length - 1; d >= 0; d--) {
      const {name, size, at} = dimensions[d] as Dimension;
      result[name] = at(rest % size);
      rest = Math.floor(rest / size);
    }
    const seriesKey = JSON.stringify(result);
    const series = Array.from({length: buckets}, (_, b) => {
      const time = first + b * step;
      return {
        time: new Date(time).toISOString().replace('.000Z', 'Z'),
        count: bucketCount(ws, seriesKey, time, step),
      };
    });
    return {...result, total: series.reduce((sum, point) => sum + point.count, 0), series};
  };
  const echo: JsonObject = {workspaceId: ws.id, granularity, startTime: startText, endTime: endText};
  if (groupBy.length > 0) echo.groupBy = groupBy;
  if (query.has('sourceId')) echo.sourceId = listParam(query, 'sourceId');
  return {
    kind: 'list',
    key: 'result',
    paged: true,
    extra: {path: '/observability/event_volume/v2.json', query: echo},
    collection: {count, item},
  };
}

// Answers a live API might give where its documents are silent: lists with more or less than their models, a keyless item, fractions.

import {functionById} from './extras.js';
import type {JsonObject, Workspace} from './types.js';

/**
 * `contract` (default): users list with permissions (UserV1 allows them), functions list as
 * ListFunctionItemV1 (no code, settings or deploy state). `slim`: the users list drops permissions
 * too, as the 36.2.0 examples suggest. `full`: the functions list carries the detail's fields.
 */
export type ListFields = 'contract' | 'slim' | 'full';

export interface VariantSwitches {
  listFields: ListFields;
  /** `/functions?resourceType=SOURCE` also lists one function without an id (the contract allows it). */
  keylessFunction: boolean;
  /** Fields the contract types `number` come with a fraction (memberCount, periodStart/End, counts, batchMaxCount). */
  fractional: boolean;
}

export const KEYLESS_FUNCTION: JsonObject = {
  resourceType: 'SOURCE',
  createdAt: '2025-03-01T00:00:00Z',
  displayName: 'Legacy importer',
};

/** The fractions `fractional` adds: .5 to identifiers of time and size, .25 to event counts. */
export const FRACTION = {half: 0.5, quarter: 0.25};

const mapItems = (data: JsonObject, key: string, change: (item: JsonObject) => JsonObject): JsonObject => {
  const value = data[key];
  return Array.isArray(value)
    ? {...data, [key]: value.map((item) => (isItem(item) ? change(item) : item))}
    : isItem(value)
      ? {...data, [key]: change(value)}
      : data;
};

function isItem(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One successful `data` body, bent by the variant switches; never mutates the workspace's items. */
export function vary(
  data: JsonObject,
  key: string,
  path: string,
  query: URLSearchParams,
  ws: Workspace,
  switches: VariantSwitches,
): JsonObject {
  let out = data;
  if (path === '/users' && switches.listFields === 'slim') {
    out = mapItems(out, key, ({permissions: _drop, ...rest}) => rest);
  }
  if (path === '/functions') {
    if (switches.listFields === 'full')
      out = mapItems(out, key, (item) => functionById(ws, item.id as string) ?? item);
    const firstPage = query.get('pagination.cursor') === null;
    if (switches.keylessFunction && firstPage && query.get('resourceType') === 'SOURCE') {
      out = {...out, [key]: [...(out[key] as unknown[]), KEYLESS_FUNCTION]};
    }
  }
  if (switches.fractional) out = fractions(out, key);
  return out;
}

function fractions(data: JsonObject, key: string): JsonObject {
  const plus = (value: unknown, by: number) => (typeof value === 'number' ? value + by : value);
  return mapItems(data, key, (item) => {
    const copy: JsonObject = {...item};
    for (const field of ['memberCount', 'periodStart', 'periodEnd', 'batchMaxCount']) {
      if (field in copy) copy[field] = plus(copy[field], FRACTION.half);
    }
    const series = copy.series;
    if (Array.isArray(series)) {
      copy.series = series.map((point: unknown) =>
        isItem(point) ? {...point, count: plus(point.count, FRACTION.quarter)} : point,
      );
      copy.total = plus(copy.total, FRACTION.quarter * series.length);
    }
    return copy;
  });
}

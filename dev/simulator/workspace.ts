// A deterministic workspace: every collection item is a pure function of (seed, collection, index).

import {auditEvent, firstAfter} from './audit.js';
import {destinationsCatalog, sourcesCatalog, warehousesCatalog} from './catalog.js';
import {destination, label, source, warehouse} from './entities.js';
import {fn, reverseEtlModel, space} from './extras.js';
import {workspaceRegulation} from './governance.js';
import {FUNCTION_TYPES} from './names.js';
import {invite, ROLE_COUNT, role, user, userGroup} from './people.js';
import {trackingPlan, transformation} from './protocols.js';
import {idFor, pick, rngFor} from './random.js';
import {respond} from './routes.js';
import type {Collection, JsonObject, Region, Workspace} from './types.js';

export {usageMonths} from './usage.js';

const HOUR_MS = 3_600_000;
// Items of collections up to this size are kept once generated; audit events never are.
const MEMO_LIMIT = 100_000;
const COMPANIES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark Industries',
  'Wayne Enterprises',
  'Soylent',
];

export interface WorkspaceOptions {
  seed?: number;
  scale?: number;
  /** ISO string or ms; defaults to the clock's now truncated to the hour. */
  anchor?: string | number;
  region?: Region;
  now?: () => number;
}

function memoized<T>(count: number, make: (i: number) => T): Collection<T> {
  const cache: T[] = [];
  return {
    count,
    item: (i) => {
      if (count > MEMO_LIMIT) return make(i);
      cache[i] ??= make(i);
      return cache[i] as T;
    },
  };
}

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const anchorMs =
    options.anchor === undefined
      ? Math.floor(now() / HOUR_MS) * HOUR_MS
      : typeof options.anchor === 'number'
        ? options.anchor
        : Date.parse(options.anchor);
  if (!Number.isFinite(anchorMs)) throw new Error(`Invalid anchor: ${options.anchor}`);
  // Whole seconds keep every generated timestamp in the API's "…:22Z" form.
  const anchor = Math.floor(anchorMs / 1000) * 1000;
  const anchorDate = new Date(anchor);
  const company = pick(rngFor(seed, 'workspace', 0), COMPANIES);
  const region = options.region ?? 'us';
  const name = region === 'eu' ? `${company} Europe` : company;
  const collections: Record<string, Collection<JsonObject | string>> = {};
  const indexes = new Map<string, Map<string, number>>();
  const ws: Workspace = {
    seed,
    scale,
    region,
    id: idFor(seed, 'workspace', 0),
    slug: name.toLowerCase().replace(/ /g, '-'),
    name,
    anchor,
    createdAt: Date.UTC(anchorDate.getUTCFullYear(), anchorDate.getUTCMonth() - 14, 1),
    now,
    collections,
    indexOf: (collection, id) => {
      let index = indexes.get(collection);
      const items = collections[collection];
      if (!items) return undefined;
      if (!index) {
        index = new Map();
        for (let i = 0; i < items.count; i++) index.set((items.item(i) as JsonObject).id as string, i);
        indexes.set(collection, index);
      }
      return index.get(id);
    },
  };
  const add = (key: string, count: number, make: (w: Workspace, i: number) => JsonObject | string) => {
    collections[key] = memoized(count, (i) => make(ws, i));
  };
  add('sources', 12 * scale, source);
  add('destinations', 20 * scale, destination);
  add('warehouses', 2 * scale, warehouse);
  add('sourcesCatalog', sourcesCatalog().length, (_, i) => sourcesCatalog()[i] as JsonObject);
  add('destinationsCatalog', destinationsCatalog().length, (_, i) => destinationsCatalog()[i] as JsonObject);
  add('warehousesCatalog', warehousesCatalog().length, (_, i) => warehousesCatalog()[i] as JsonObject);
  add('trackingPlans', 3 * scale, trackingPlan);
  add('users', 25 * scale, user);
  add('labels', 6 + scale, label);
  add('spaces', scale, space);
  add('reverseEtlModels', 2 * scale, reverseEtlModel);
  add('transformations', 5 * scale, transformation);
  add('userGroups', 4 * scale, userGroup);
  add('roles', ROLE_COUNT, role);
  add('invites', 3 * scale, invite);
  add('regulations', 6 * scale, workspaceRegulation);
  for (const type of FUNCTION_TYPES) add(`functions:${type}`, 2 * scale, (w, i) => fn(w, type, i));
  collections.auditEvents = {
    get count() {
      return firstAfter(ws, now());
    },
    item: (i) => auditEvent(ws, i),
  };
  return ws;
}

/**
 * Every item the API returns for this path and query across all pages, walked through the
 * same code as the HTTP routes (pages of 1000 following `next`), so the two cannot disagree.
 */
export function listAll(
  ws: Workspace,
  apiPath: string,
  query: Record<string, string> = {},
  now = ws.now(),
): unknown[] {
  const items: unknown[] = [];
  let cursor: string | undefined;
  // A listing paged by top-level count/cursor (reverse-ETL syncs) is followed in its own form.
  let topLevel = false;
  do {
    const params = new URLSearchParams({...query, 'pagination.count': '1000'});
    if (cursor !== undefined) params.set(topLevel ? 'cursor' : 'pagination.cursor', cursor);
    if (topLevel) params.set('count', '100');
    const result = respond(ws, apiPath, params, now);
    if ('status' in result) throw new Error(`${apiPath}: ${result.status} ${result.message}`);
    if (result.listing.kind === 'object') return [result.listing.value];
    topLevel = result.listing.topLevel === true;
    items.push(...(result.data[result.listing.key] as unknown[]));
    cursor = (result.data.pagination as JsonObject | undefined)?.next as string | undefined;
  } while (cursor !== undefined);
  return items;
}

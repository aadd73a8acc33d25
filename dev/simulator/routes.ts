// The route table (GET only): path pattern → listing, then one shared step that builds the `data` body.

import {auditListing} from './audit.js';
import {deliveryMetrics} from './delivery.js';
import {CONNECTION_MODULUS} from './entities.js';
import {destinationFilters, functionById, subscriptions} from './extras.js';
import {audiences, computedTraits, schemaSettings, sourceRegulations} from './governance.js';
import type {Stability} from './media.js';
import {FUNCTION_TYPES} from './names.js';
import {overviewListing} from './overview.js';
import {pageData} from './pagination.js';
import {groupUsers} from './people.js';
import {planSources, rules} from './protocols.js';
import {mappingOf, retlSyncs} from './retl-syncs.js';
import {
  type ApiError,
  apiError,
  type Collection,
  isApiError,
  type JsonObject,
  type Listing,
  type Workspace,
} from './types.js';
import {usageListing} from './usage.js';
import {volumeListing} from './volume.js';
import {warehouseSyncs} from './warehouse-syncs.js';

interface Context {
  ws: Workspace;
  id: string;
  /** Every `{id}` of the path in order (`id` is the first). */
  ids: readonly string[];
  query: URLSearchParams;
  now: number;
}

export interface Route {
  pattern: string;
  /** Alpha-only endpoints refuse the v1 and v1beta media types; beta ones refuse v1. */
  stability: Stability;
  resolve(ctx: Context): Listing | ApiError;
}

const notFound = () => apiError(404, 'NotFound', 'Resource not found');
const col = (ws: Workspace, name: string) => ws.collections[name] as Collection<unknown>;
const listOf = (key: string, collection: Collection<unknown>): Listing => ({
  kind: 'list',
  key,
  paged: true,
  collection,
});

/** Items start, start + stride, … below limit: how one-to-many relations stay O(1). */
function progression(source: Collection<unknown>, start: number, stride: number): Collection<unknown> {
  const count = start < source.count ? Math.floor((source.count - 1 - start) / stride) + 1 : 0;
  return {count, item: (k) => source.item(start + k * stride)};
}

const list = (key: string, name: string) => (ctx: Context) => listOf(key, col(ctx.ws, name));

const one = (key: string, name: string) => (ctx: Context) => {
  const index = ctx.ws.indexOf(name, ctx.id);
  return index === undefined
    ? notFound()
    : ({kind: 'object', key, value: col(ctx.ws, name).item(index)} as Listing);
};

const child =
  (parent: string, key: string, make: (ws: Workspace, index: number) => Collection<unknown>) =>
  (ctx: Context) => {
    const index = ctx.ws.indexOf(parent, ctx.id);
    return index === undefined ? notFound() : listOf(key, make(ctx.ws, index));
  };

const planTypes = new WeakMap<Workspace, Map<string, number[]>>();
const TRACKING_PLAN_TYPES = ['ENGAGE', 'LIVE', 'PROPERTY_LIBRARY', 'RULE_LIBRARY', 'TEMPLATE'];

function trackingPlans(ctx: Context): Listing | ApiError {
  const type = ctx.query.get('type');
  const plans = col(ctx.ws, 'trackingPlans');
  if (type === null) return listOf('trackingPlans', plans);
  if (!TRACKING_PLAN_TYPES.includes(type)) return apiError(422, 'ValidationFailure', 'Invalid type', 'type');
  // The per-type index is built once per workspace, not per request.
  let byType = planTypes.get(ctx.ws);
  if (!byType) {
    byType = new Map(TRACKING_PLAN_TYPES.map((t) => [t, [] as number[]]));
    for (let i = 0; i < plans.count; i++) byType.get((plans.item(i) as JsonObject).type as string)?.push(i);
    planTypes.set(ctx.ws, byType);
  }
  const indices = byType.get(type) ?? [];
  return listOf('trackingPlans', {count: indices.length, item: (k) => plans.item(indices[k] as number)});
}

function functions(ctx: Context): Listing | ApiError {
  const type = ctx.query.get('resourceType');
  if (type === null || !FUNCTION_TYPES.includes(type)) {
    return apiError(
      422,
      'ValidationFailure',
      `resourceType must be one of ${FUNCTION_TYPES.join(', ')}`,
      'resourceType',
    );
  }
  return listOf('functions', col(ctx.ws, `functions:${type}`));
}

function functionDetail(ctx: Context): Listing | ApiError {
  const value = functionById(ctx.ws, ctx.id);
  return value === undefined ? notFound() : {kind: 'object', key: 'function', value};
}

/** GET /sources/{sourceId}/settings: one object, `data.settings`. */
function sourceSettings(ctx: Context): Listing | ApiError {
  const index = ctx.ws.indexOf('sources', ctx.id);
  return index === undefined
    ? notFound()
    : {kind: 'object', key: 'settings', value: schemaSettings(ctx.ws, index)};
}

/** The 73.2.0 model of GET /regulations/sources/{sourceId} has no pagination output: one unpaged list. */
function regulationsOfSource(ctx: Context): Listing | ApiError {
  const index = ctx.ws.indexOf('sources', ctx.id);
  if (index === undefined) return notFound();
  return {kind: 'list', key: 'regulations', paged: false, collection: sourceRegulations(ctx.ws, index)};
}

function spaceAudiences(ctx: Context): Listing | ApiError {
  const index = ctx.ws.indexOf('spaces', ctx.id);
  const schedules = (ctx.query.get('include') ?? '').split(',').includes('schedules');
  return index === undefined ? notFound() : listOf('audiences', audiences(ctx.ws, index, schedules));
}

/** A reverse-ETL mapping's runs: the model must exist and the subscription must be its mapping. */
function retlSyncsOf(ctx: Context): Listing | ApiError {
  const [modelId = '', subscriptionId = ''] = ctx.ids;
  const mapping = mappingOf(ctx.ws, subscriptionId);
  if (ctx.ws.indexOf('reverseEtlModels', modelId) === undefined || mapping?.modelId !== modelId)
    return notFound();
  const collection = retlSyncs(ctx.ws, mapping.d, mapping.k, modelId);
  return {kind: 'list', key: 'syncStatuses', paged: true, topLevel: true, collection};
}

const workspace = (ctx: Context): Listing => ({
  kind: 'object',
  key: 'workspace',
  value: {id: ctx.ws.id, slug: ctx.ws.slug, name: ctx.ws.name},
});

const M = CONNECTION_MODULUS;
const overview = (metric: string, egress: boolean) => (ctx: Context) =>
  overviewListing(ctx.ws, metric, egress, ctx.query, ctx.now);

const TABLE: [string, Route['resolve'], (true | 'beta' | 'beta-only')?][] = [
  ['/', workspace],
  ['/sources', list('sources', 'sources')],
  ['/sources/{id}', one('source', 'sources')],
  [
    '/sources/{id}/connected-destinations',
    child('sources', 'destinations', (ws, s) =>
      progression(col(ws, 'destinations'), s, col(ws, 'sources').count),
    ),
  ],
  [
    '/sources/{id}/connected-warehouses',
    child('sources', 'warehouses', (ws, s) => progression(col(ws, 'warehouses'), (M - (s % M)) % M, M)),
  ],
  ['/sources/{id}/settings', sourceSettings],
  ['/destinations', list('destinations', 'destinations')],
  ['/destinations/{id}', one('destination', 'destinations')],
  ['/destinations/{id}/subscriptions', child('destinations', 'subscriptions', subscriptions), true],
  [
    '/destinations/{id}/delivery-metrics',
    (ctx) => deliveryMetrics(ctx.ws, ctx.id, ctx.query, ctx.now),
    'beta',
  ],
  ['/delivery-overview/successful-delivery', overview('successful-delivery', true), 'beta-only'],
  ['/delivery-overview/failed-delivery', overview('failed-delivery', true), 'beta-only'],
  ['/delivery-overview/filtered-at-destination', overview('filtered-at-destination', true), 'beta-only'],
  ['/delivery-overview/successfully-received', overview('successfully-received', false), 'beta-only'],
  ['/delivery-overview/failed-on-ingest', overview('failed-on-ingest', false), 'beta-only'],
  ['/delivery-overview/filtered-at-source', overview('filtered-at-source', false), 'beta-only'],
  ['/destination/{id}/filters', child('destinations', 'filters', destinationFilters)],
  ['/warehouses', list('warehouses', 'warehouses')],
  ['/warehouses/{id}', one('warehouse', 'warehouses')],
  [
    '/warehouses/{id}/connected-sources',
    child('warehouses', 'sources', (ws, w) => progression(col(ws, 'sources'), (M - (w % M)) % M, M)),
  ],
  ['/warehouses/{id}/syncs', child('warehouses', 'reports', warehouseSyncs)],
  ['/catalog/sources', list('sourcesCatalog', 'sourcesCatalog')],
  ['/catalog/destinations', list('destinationsCatalog', 'destinationsCatalog')],
  ['/catalog/warehouses', list('warehousesCatalog', 'warehousesCatalog')],
  ['/tracking-plans', trackingPlans],
  ['/tracking-plans/{id}', one('trackingPlan', 'trackingPlans')],
  ['/tracking-plans/{id}/rules', child('trackingPlans', 'rules', rules)],
  ['/tracking-plans/{id}/sources', child('trackingPlans', 'sources', planSources)],
  ['/users', list('users', 'users')],
  ['/users/{id}', one('user', 'users')],
  ['/groups', list('userGroups', 'userGroups')],
  ['/groups/{id}/users', child('userGroups', 'users', groupUsers)],
  ['/roles', list('roles', 'roles')],
  ['/invites', list('invites', 'invites')],
  ['/labels', (ctx) => ({kind: 'list', key: 'labels', paged: false, collection: col(ctx.ws, 'labels')})],
  ['/audit-events', (ctx) => auditListing(ctx.ws, ctx.query, ctx.now)],
  ['/spaces', list('spaces', 'spaces'), true],
  ['/spaces/{id}/audiences', spaceAudiences, true],
  ['/spaces/{id}/computed-traits', child('spaces', 'computedTraits', computedTraits), true],
  ['/regulations', list('regulations', 'regulations')],
  ['/regulations/sources/{id}', regulationsOfSource],
  ['/reverse-etl-models', list('models', 'reverseEtlModels'), true],
  ['/reverse-etl-models/{id}/subscriptionId/{id}/syncs', retlSyncsOf, true],
  ['/transformations', list('transformations', 'transformations')],
  ['/functions', functions],
  ['/functions/{id}', functionDetail],
  ['/usage/api-calls/daily', (ctx) => usageListing(ctx.ws, 'api', false, ctx.query, ctx.now)],
  ['/usage/mtu/daily', (ctx) => usageListing(ctx.ws, 'mtu', false, ctx.query, ctx.now)],
  ['/usage/api-calls/sources/daily', (ctx) => usageListing(ctx.ws, 'api', true, ctx.query, ctx.now)],
  ['/usage/mtu/sources/daily', (ctx) => usageListing(ctx.ws, 'mtu', true, ctx.query, ctx.now)],
  ['/events/volume', (ctx) => volumeListing(ctx.ws, ctx.query, ctx.now)],
];

const ROUTES = TABLE.map(([pattern, resolve, alpha]) => ({
  pattern,
  resolve,
  stability: (alpha === true ? 'alpha' : (alpha ?? 'stable')) as Stability,
  parts: pattern.split('/'),
}));

export interface RouteMatch {
  route: Route;
  id: string;
  ids: string[];
}

export function matchRoute(path: string): RouteMatch | undefined {
  const parts = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  for (const route of ROUTES) {
    if (route.parts.length !== parts.length) continue;
    const ids: string[] = [];
    const ok = route.parts.every((part, k) => {
      if (part !== '{id}') return part === parts[k];
      const id = decodeURIComponent(parts[k] ?? '');
      ids.push(id);
      return id !== '';
    });
    if (ok) return {route, id: ids[0] ?? '', ids};
  }
  return undefined;
}

export type Response = {listing: Listing; data: JsonObject} | ApiError;

export function respondTo(match: RouteMatch, ws: Workspace, query: URLSearchParams, now: number): Response {
  const listing = match.route.resolve({ws, id: match.id, ids: match.ids, query, now});
  if (isApiError(listing)) return listing;
  if (listing.kind === 'object') return {listing, data: {[listing.key]: listing.value}};
  const data = pageData(listing, query);
  return isApiError(data) ? data : {listing, data};
}

export function respond(ws: Workspace, path: string, query: URLSearchParams, now: number): Response {
  const match = matchRoute(path);
  return match ? respondTo(match, ws, query, now) : notFound();
}

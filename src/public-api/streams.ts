// The stream registry: every stream the tap reads, declared as data (path, envelope, keys, replication).
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {StreamSpec} from '../singer/catalog.js';
import {WORKSPACE_WIDE} from './group-by.js';
import type {MediaVersion} from './http.js';

/** How an incremental stream turns its bookmark into requests (see windows.ts). */
export type WindowKind =
  | 'usage-month'
  | 'audit-window'
  | 'volume-window'
  | 'day-window'
  | 'series-window'
  | 'newest-first';

export interface ParentLink {
  /** The parent stream whose records feed this child. */
  readonly stream: string;
  /** The `{name}` placeholder in the child's path, filled with the parent record's `id`. */
  readonly pathParam: string;
  /** The field the tap adds to each child record with the parent's id (part of the key). */
  readonly field: string;
  /** Query parameters filled from the parent record: parameter → the parent's field (`sourceId`). */
  readonly query?: Readonly<Record<string, string>>;
  /** Further `{name}` placeholders filled from the parent record: placeholder → the parent's field. */
  readonly pathFields?: Readonly<Record<string, string>>;
  /**
   * Only parent records where these fields are non-empty strings feed this child; the others cost
   * no request and no warning (a subscription without `modelId` is not a reverse-ETL mapping).
   */
  readonly when?: readonly string[];
}

export interface StreamDef extends StreamSpec {
  /** Singer stream name; also schemas/<name>.json. */
  readonly name: string;
  /** API path; `{param}` placeholders are filled from the parent record. */
  readonly path: string;
  /** Where the records sit: `data.<recordsKey>` (an array, or one object when `single`). */
  readonly recordsKey: string;
  readonly keyProperties: readonly string[];
  readonly replicationKey?: string;
  readonly window?: WindowKind;
  /**
   * `day-window` (one request per day) and `series-window` (one request for every day, answered as
   * a daily series): how many days back the endpoint still answers (its start may be at most this
   * far behind the clock). Older days cannot be read; a bookmark older than that gets a warning.
   * `newest-first` (a listing without a time filter, newest first): how far back a run reads at
   * most, so that a first sync of a long history stays a few pages.
   */
  readonly lookbackDays?: number;
  /** Media type version; alpha-only (and beta-only) endpoints refuse the stable one. */
  readonly accept?: MediaVersion;
  /** False for endpoints without pagination input or output (`/labels`, `GET /`). */
  readonly paginated?: boolean;
  /**
   * `top-level`: the endpoint pages with plain `count` and `cursor` query parameters instead of
   * `pagination.count` / `pagination.cursor` (the next cursor is still `data.pagination.next`).
   */
  readonly pageQuery?: 'top-level';
  /** The largest page this endpoint takes, whatever `page_size` says. */
  readonly maxPageSize?: number;
  /** `data.<recordsKey>` is one object, not a list. */
  readonly single?: boolean;
  readonly parent?: ParentLink;
  /**
   * Where a child's records can be had without one request per parent (relations.ts), unless the
   * `derive_relations` setting is false. `listing`: the items of that stream's own list, each
   * naming its one parent in `parentField`. `inverseOf`: the same edges read per parent of that
   * child stream (when it is selected too): each item it lists is one of this child's parents,
   * and the parent it was read for is this child's record.
   */
  readonly derive?: {readonly listing: string; readonly parentField: string} | {readonly inverseOf: string};
  /** Constant query parameters every request sends. */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * The dimension the series are grouped by (`groupBy`), sent in the form the API understands
   * (learned at run time, see group-by.ts); each result item carries it as a field of that name.
   * `keyField` is the record field a workspace-wide series (the API ignored every form) is kept
   * under, as WORKSPACE_WIDE.
   */
  readonly groupBy?: {readonly dimension: string; readonly keyField: string};
  /** One full listing per value of this query parameter (e.g. `/functions?resourceType=`). */
  readonly slicedBy?: {readonly param: string; readonly values: readonly string[]};
  /** The plan feature or token scope a 403 most likely means is missing. */
  readonly feature?: string;
  /**
   * A child whose first listing of the run answering 404 means the plan lacks `feature` (one
   * warning, the stream skipped) rather than one parent gone. Only where an alpha endpoint is known
   * to hide itself that way: elsewhere a 404 is a parent deleted mid-run, and the rest still count.
   */
  readonly featureHiddenBy404?: boolean;
  /**
   * The endpoint's own documented limit per minute, on top of the shared pacing: up to that many at
   * once, never more in any minute (allowance.ts), shared by every parent id of the path.
   */
  readonly requestsPerMinute?: number;
  /**
   * The smallest page this endpoint is read with, whatever `page_size` says: where requests are
   * scarce (2 per minute), every one should bring all it can.
   */
  readonly minPageSize?: number;
  /** Fields that Segment sends as bigint strings and the tap emits as integers. */
  readonly integerFields?: readonly string[];
  /**
   * The list gives items without fields only the detail GET returns: an item that lacks any of
   * `fields` is read again from `path` (`{id}` is its id) and the detail's fields win (detail.ts).
   */
  readonly detail?: {readonly path: string; readonly recordsKey: string; readonly fields: readonly string[]};
  /** The contract makes the key optional: an item without an id is skipped with a warning instead of failing. */
  readonly keyless?: 'skip';
  /** Reshapes one API item into zero or more records (before validation), in a fresh array: the sync fills it in place. */
  readonly transform?: (item: JsonValue) => JsonObject[];
}

const USAGE_COUNTS = ['apiCalls', 'anonymous', 'anonymousIdentified', 'identified', 'neverIdentified'];
const FUNCTION_TYPES = [
  'DESTINATION',
  'INSERT_DESTINATION',
  'INSERT_SOURCE',
  'INSERT_TRANSFORMATION',
  'SOURCE',
];
const PROTOCOLS = 'Protocols (Business tier add-on)';

/** A rule's key, or `(<type>)` in lower case when the API sends none or an empty one. */
function ruleKey(rule: JsonObject): JsonValue {
  const key = rule.key;
  if (typeof key === 'string' && key !== '') return key;
  return `(${String(rule.type ?? 'rule').toLowerCase()})`;
}

export const streams: readonly StreamDef[] = [
  {
    name: 'workspace',
    path: '/',
    recordsKey: 'workspace',
    keyProperties: ['id'],
    paginated: false,
    single: true,
  },
  {name: 'sources', path: '/sources', recordsKey: 'sources', keyProperties: ['id']},
  {name: 'destinations', path: '/destinations', recordsKey: 'destinations', keyProperties: ['id']},
  {name: 'warehouses', path: '/warehouses', recordsKey: 'warehouses', keyProperties: ['id']},
  {name: 'catalog_sources', path: '/catalog/sources', recordsKey: 'sourcesCatalog', keyProperties: ['id']},
  {
    name: 'catalog_destinations',
    path: '/catalog/destinations',
    recordsKey: 'destinationsCatalog',
    keyProperties: ['id'],
  },
  {
    name: 'catalog_warehouses',
    path: '/catalog/warehouses',
    recordsKey: 'warehousesCatalog',
    keyProperties: ['id'],
  },
  {
    name: 'tracking_plans',
    path: '/tracking-plans',
    recordsKey: 'trackingPlans',
    keyProperties: ['id'],
    feature: PROTOCOLS,
  },
  {
    name: 'users',
    path: '/users',
    recordsKey: 'users',
    keyProperties: ['id'],
    // UserV1 makes permissions optional, and the 36.2.0 examples show them only on the detail.
    detail: {path: '/users/{id}', recordsKey: 'user', fields: ['permissions']},
  },
  {name: 'groups', path: '/groups', recordsKey: 'userGroups', keyProperties: ['id']},
  {name: 'roles', path: '/roles', recordsKey: 'roles', keyProperties: ['id']},
  {
    name: 'invites',
    path: '/invites',
    recordsKey: 'invites',
    keyProperties: ['email'],
    // The API lists invites as bare email strings.
    transform: (item) => [{email: item}],
  },
  {name: 'labels', path: '/labels', recordsKey: 'labels', keyProperties: ['key', 'value'], paginated: false},
  {
    name: 'audit_events',
    path: '/audit-events',
    recordsKey: 'events',
    keyProperties: ['id'],
    replicationKey: 'timestamp',
    window: 'audit-window',
    feature: 'Audit Trail (Business tier)',
  },
  {
    name: 'spaces',
    path: '/spaces',
    recordsKey: 'spaces',
    keyProperties: ['id'],
    accept: 'v1alpha',
    feature: 'Engage (Spaces)',
  },
  {
    name: 'reverse_etl_models',
    path: '/reverse-etl-models',
    recordsKey: 'models',
    keyProperties: ['id'],
    accept: 'v1alpha',
    feature: 'Reverse ETL',
  },
  {
    name: 'transformations',
    path: '/transformations',
    recordsKey: 'transformations',
    keyProperties: ['id'],
    feature: PROTOCOLS,
  },
  {
    name: 'functions',
    path: '/functions',
    recordsKey: 'functions',
    keyProperties: ['id'],
    slicedBy: {param: 'resourceType', values: FUNCTION_TYPES},
    feature: 'Functions',
    // ListFunctionItemV1 lacks these FunctionV1 fields, and makes every field optional, even id.
    detail: {
      path: '/functions/{id}',
      recordsKey: 'function',
      fields: ['code', 'settings', 'deployedAt', 'isLatestVersion', 'previewWebhookUrl', 'batchMaxCount'],
    },
    keyless: 'skip',
  },
  {
    name: 'regulations',
    path: '/regulations',
    recordsKey: 'regulations',
    keyProperties: ['id'],
  },
  usage('usage_api_calls_daily', '/usage/api-calls/daily', 'dailyWorkspaceAPICallsUsage'),
  usage('usage_mtu_daily', '/usage/mtu/daily', 'dailyWorkspaceMTUUsage'),
  usage('usage_api_calls_per_source_daily', '/usage/api-calls/sources/daily', 'dailyPerSourceAPICallsUsage'),
  usage('usage_mtu_per_source_daily', '/usage/mtu/sources/daily', 'dailyPerSourceMTUUsage'),
  {
    name: 'events_volume_daily',
    path: '/events/volume',
    recordsKey: 'result',
    keyProperties: ['sourceId', 'timestamp'],
    replicationKey: 'timestamp',
    window: 'volume-window',
    query: {granularity: 'DAY'},
    groupBy: {dimension: 'source', keyField: 'sourceId'},
    requestsPerMinute: 60,
    transform: flattenVolumeSeries,
  },
  {
    // The same endpoint and allowance (60/min, keyed by the path), grouped by event name instead.
    name: 'events_volume_by_event_daily',
    path: '/events/volume',
    recordsKey: 'result',
    keyProperties: ['eventName', 'timestamp'],
    replicationKey: 'timestamp',
    window: 'volume-window',
    query: {granularity: 'DAY'},
    groupBy: {dimension: 'eventName', keyField: 'eventName'},
    requestsPerMinute: 60,
    transform: flattenVolumeByEvent,
  },
  {
    ...child(
      'source_connected_destinations',
      'sources',
      '/sources/{sourceId}/connected-destinations',
      'destinations',
      'sourceId',
    ),
    // DestinationV1 has exactly one (required) sourceId: the destinations of a source are the
    // /destinations items that name it, the same DestinationV1 objects.
    derive: {listing: 'destinations', parentField: 'sourceId'},
  },
  {
    ...child(
      'source_connected_warehouses',
      'sources',
      '/sources/{sourceId}/connected-warehouses',
      'warehouses',
      'sourceId',
    ),
    // One relation read from two sides: a workspace has far fewer warehouses than sources.
    derive: {inverseOf: 'warehouse_connected_sources'},
  },
  child(
    'warehouse_connected_sources',
    'warehouses',
    '/warehouses/{warehouseId}/connected-sources',
    'sources',
    'warehouseId',
  ),
  {
    ...child(
      'tracking_plan_rules',
      'tracking_plans',
      '/tracking-plans/{trackingPlanId}/rules',
      'rules',
      'trackingPlanId',
    ),
    keyProperties: ['trackingPlanId', 'type', 'key', 'version'],
    feature: PROTOCOLS,
    requestsPerMinute: 200,
    // A rule's key is optional (COMMON rules never have one), but a key property must be non-null
    // and non-empty: targets that load through CSV (COPY) read "" back as NULL. "(common)" etc.
    // cannot collide with a real event key because `type` is part of the key.
    transform: (item) => (isObject(item) ? [{...item, key: ruleKey(item)}] : []),
  },
  {
    ...child(
      'tracking_plan_sources',
      'tracking_plans',
      '/tracking-plans/{trackingPlanId}/sources',
      'sources',
      'trackingPlanId',
    ),
    feature: PROTOCOLS,
  },
  {
    ...child(
      'destination_subscriptions',
      'destinations',
      '/destinations/{destinationId}/subscriptions',
      'subscriptions',
      'destinationId',
    ),
    accept: 'v1alpha',
    feature: 'Destination Subscriptions (Actions destinations)',
  },
  child(
    'destination_filters',
    'destinations',
    '/destination/{destinationId}/filters',
    'filters',
    'destinationId',
  ),
  child('group_users', 'groups', '/groups/{userGroupId}/users', 'users', 'userGroupId'),
  overview('delivery_overview_successful_delivery', '/delivery-overview/successful-delivery', 'egress'),
  overview('delivery_overview_failed_delivery', '/delivery-overview/failed-delivery', 'egress'),
  overview(
    'delivery_overview_filtered_at_destination',
    '/delivery-overview/filtered-at-destination',
    'egress',
  ),
  overview('delivery_overview_successfully_received', '/delivery-overview/successfully-received', 'ingress'),
  overview('delivery_overview_failed_on_ingest', '/delivery-overview/failed-on-ingest', 'ingress'),
  overview('delivery_overview_filtered_at_source', '/delivery-overview/filtered-at-source', 'ingress'),
  {
    // Totals over the window, not a series: one request per destination and completed UTC day.
    // Without startTime a DAY request defaults to 30 days back, beyond the endpoint's 14.
    name: 'destination_delivery_metrics',
    path: '/destinations/{destinationId}/delivery-metrics',
    recordsKey: 'deliveryMetricsSummary',
    keyProperties: ['destinationId', 'sourceId', 'windowStart'],
    replicationKey: 'windowStart',
    window: 'day-window',
    lookbackDays: 14,
    query: {granularity: 'DAY'},
    accept: 'v1beta',
    paginated: false,
    single: true,
    parent: {
      stream: 'destinations',
      pathParam: 'destinationId',
      field: 'destinationId',
      query: {sourceId: 'sourceId'},
    },
  },
  // The 73.2.0 model has no pagination output here; paging stops at the first page without `next`.
  child('source_regulations', 'sources', '/regulations/sources/{sourceId}', 'regulations', 'sourceId'),
  {
    ...child('source_schema_settings', 'sources', '/sources/{sourceId}/settings', 'settings', 'sourceId'),
    keyProperties: ['sourceId'],
    paginated: false,
    single: true,
  },
  {
    ...child('audiences', 'spaces', '/spaces/{spaceId}/audiences', 'audiences', 'spaceId'),
    query: {include: 'schedules'},
    accept: 'v1alpha',
    feature: 'Audience (Engage)',
    // 73.2.0 states 60 per minute; the 36.2.0 spec said 25. The lower one costs seconds per space.
    requestsPerMinute: 25,
  },
  {
    ...child('computed_traits', 'spaces', '/spaces/{spaceId}/computed-traits', 'computedTraits', 'spaceId'),
    accept: 'v1alpha',
    feature: 'Computed Trait (Engage)',
    requestsPerMinute: 25,
  },
  {
    // SyncV1 has no id: a load is one source's sync that started at one time. The endpoint takes no
    // time filter and lists the latest syncs first: the tap stops at the first page that reaches
    // behind the bookmark. 2 requests per minute, so a workspace of 2 warehouses costs no wait.
    ...child('warehouse_syncs', 'warehouses', '/warehouses/{warehouseId}/syncs', 'reports', 'warehouseId'),
    keyProperties: ['warehouseId', 'sourceId', 'start'],
    replicationKey: 'start',
    window: 'newest-first',
    lookbackDays: 30,
    requestsPerMinute: 2,
    minPageSize: 200,
  },
  {
    // A grandchild: destinations → destination_subscriptions → this. A reverse-ETL mapping is a
    // subscription with a modelId; the model id and the subscription id both fill the path.
    // ReverseETLSyncStatus does not name its subscription: the tap adds subscriptionId, and it is
    // part of the key because the contract does not say syncId is unique beyond its listing.
    // Order and retention of the listing are undocumented: full table, no bookmark to trust.
    name: 'reverse_etl_syncs',
    path: '/reverse-etl-models/{modelId}/subscriptionId/{subscriptionId}/syncs',
    recordsKey: 'syncStatuses',
    keyProperties: ['subscriptionId', 'syncId'],
    accept: 'v1alpha',
    feature: 'Reverse ETL',
    featureHiddenBy404: true,
    pageQuery: 'top-level',
    maxPageSize: 100,
    parent: {
      stream: 'destination_subscriptions',
      pathParam: 'subscriptionId',
      field: 'subscriptionId',
      pathFields: {modelId: 'modelId'},
      when: ['modelId'],
    },
  },
];

/** Daily usage: month-to-date cumulative rows, walked month by month; per-source rows key on sourceId too. */
function usage(name: string, path: string, recordsKey: string): StreamDef {
  return {
    name,
    path,
    recordsKey,
    keyProperties: path.includes('/sources/') ? ['sourceId', 'timestamp'] : ['timestamp'],
    replicationKey: 'timestamp',
    window: 'usage-month',
    integerFields: USAGE_COUNTS,
  };
}

/**
 * Delivery Overview (beta only): one daily series per destination (egress: `destinationConfigId`
 * and `sourceId` from the destination) or per source (ingress), every day since the bookmark in
 * one request, each bucket a record. No `groupBy`: its wire spelling is unverified, and a series
 * without its dimensions would give null key columns.
 */
function overview(name: string, path: string, side: 'egress' | 'ingress'): StreamDef {
  const parent: ParentLink =
    side === 'egress'
      ? {
          stream: 'destinations',
          pathParam: '',
          field: 'destinationId',
          query: {destinationConfigId: 'id', sourceId: 'sourceId'},
        }
      : {stream: 'sources', pathParam: '', field: 'sourceId', query: {sourceId: 'id'}};
  return {
    name,
    path,
    recordsKey: 'dataset',
    keyProperties: side === 'egress' ? ['destinationId', 'sourceId', 'timestamp'] : ['sourceId', 'timestamp'],
    replicationKey: 'timestamp',
    window: 'series-window',
    lookbackDays: 30,
    query: {granularity: 'DAY'},
    accept: 'v1beta',
    parent,
    transform: flattenOverviewSeries,
  };
}

/** A Delivery Overview dataset item: one record per bucket of its series, with the item's dimensions. */
function flattenOverviewSeries(item: JsonValue): JsonObject[] {
  if (!isObject(item) || !Array.isArray(item.series)) return [];
  const dimensions: JsonObject = {};
  for (const field of [
    'sourceId',
    'destinationId',
    'eventName',
    'eventType',
    'appVersion',
    'discardReason',
  ]) {
    if (item[field] !== undefined) dimensions[field] = item[field] as JsonValue;
  }
  return item.series.filter(isObject).map((point) => ({
    ...dimensions,
    timestamp: point.time ?? null,
    count: point.count ?? null,
    retryCount: point.retryCount ?? null,
  }));
}

function child(name: string, parent: string, path: string, recordsKey: string, field: string): StreamDef {
  const pathParam = /\{(\w+)\}/.exec(path)?.[1] ?? field;
  return {name, path, recordsKey, keyProperties: [field, 'id'], parent: {stream: parent, pathParam, field}};
}

/**
 * `/events/volume` answers one series per source; each datapoint becomes a record. A series without
 * a source (the API ignored `groupBy`: the spec's own example is one) is the workspace-wide series,
 * kept under the key WORKSPACE_WIDE rather than a null key.
 */
function flattenVolumeSeries(item: JsonValue): JsonObject[] {
  if (!isObject(item) || !Array.isArray(item.series)) return [];
  const source = isObject(item.source) ? item.source : undefined;
  const sourceId = source ? (source.id ?? null) : WORKSPACE_WIDE;
  const sourceName = source?.name ?? null;
  const sourceSlug = source?.slug ?? null;
  const eventName = item.eventName ?? null;
  const eventType = item.eventType ?? null;
  const total = item.total ?? null;
  // One literal in the schema's order: a spread copy of the series' fields was several times the
  // size, and out of order it was copied again to fit the schema (a page is tens of thousands).
  return item.series.filter(isObject).map((point) => ({
    sourceId,
    timestamp: point.time ?? null,
    sourceName,
    sourceSlug,
    eventName,
    eventType,
    count: point.count ?? null,
    total,
  }));
}

/**
 * `/events/volume?groupBy=eventName`: one series per event name, each datapoint a record. A series
 * without a name (the API ignored `groupBy`) is the workspace-wide one, kept under WORKSPACE_WIDE.
 */
function flattenVolumeByEvent(item: JsonValue): JsonObject[] {
  if (!isObject(item) || !Array.isArray(item.series)) return [];
  const name = typeof item.eventName === 'string' && item.eventName !== '' ? item.eventName : WORKSPACE_WIDE;
  const eventType = item.eventType ?? null;
  const total = item.total ?? null;
  // In the schema's order, as flattenVolumeSeries.
  return item.series.filter(isObject).map((point) => ({
    eventName: name,
    timestamp: point.time ?? null,
    eventType,
    count: point.count ?? null,
    total,
  }));
}

export function streamByName(name: string): StreamDef | undefined {
  return streams.find((s) => s.name === name);
}

/** The registry's StreamDef for a spec of this source; anything else is a programming error. */
export function apiDef(spec: StreamSpec): StreamDef {
  const def = streamByName(spec.name);
  if (!def) throw new Error(`stream ${spec.name} is not a Public API stream`);
  return def;
}

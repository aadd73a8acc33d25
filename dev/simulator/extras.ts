// Item generators for functions, spaces, reverse ETL models, destination filters and subscriptions.

import {destinationsCatalog} from './catalog.js';
import {destinationSourceIndex} from './entities.js';
import {EVENT_NAMES, FUNCTION_PREFIX, FUNCTION_TYPES, SPACE_NAMES} from './names.js';
import {isoSeconds} from './protocols.js';
import {chance, idFor, int, pick, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

export function fn(ws: Workspace, resourceType: string, f: number): JsonObject {
  const rng = rngFor(ws.seed, `function:${resourceType}`, f);
  const userCount = ws.collections.users?.count ?? 1;
  const item: JsonObject = {
    id: `${FUNCTION_PREFIX[resourceType] ?? 'fn_'}${idFor(ws.seed, `function:${resourceType}`, f, 20)}`,
    resourceType,
    createdAt: isoSeconds(ws.createdAt + Math.floor(rng() * (ws.anchor - ws.createdAt))),
    createdBy: idFor(ws.seed, 'user', int(rng, 0, userCount - 1)),
    displayName: `${pick(rng, ['Enrich', 'Filter', 'Forward', 'Ingest', 'Mask'])} ${pick(rng, EVENT_NAMES)} ${f + 1}`,
  };
  if (chance(rng, 0.7)) item.description = 'Custom code maintained by the data team.';
  if (chance(rng, 0.5)) item.logoUrl = `https://cdn.example.com/functions/${f}.svg`;
  if (chance(rng, 0.8)) item.catalogId = idFor(ws.seed, `function-catalog:${resourceType}`, f);
  return item;
}

const SETTINGS: readonly JsonObject[] = [
  {
    name: 'apiKey',
    label: 'API key',
    description: 'Key of the upstream API',
    type: 'STRING',
    required: true,
    sensitive: true,
  },
  {
    name: 'endpoint',
    label: 'Endpoint',
    description: 'Where events go',
    type: 'STRING',
    required: false,
    sensitive: false,
  },
  {
    name: 'dryRun',
    label: 'Dry run',
    description: 'Log instead of sending',
    type: 'BOOLEAN',
    required: false,
    sensitive: false,
  },
];

/** GET /functions/{functionId}: the list item plus what only FunctionV1 has (code, settings, deploy state). */
export function functionDetail(ws: Workspace, resourceType: string, f: number): JsonObject {
  const item = fn(ws, resourceType, f);
  const rng = rngFor(ws.seed, `function-detail:${resourceType}`, f);
  const created = Date.parse(item.createdAt as string);
  const deployed = chance(rng, 0.8) ? created + Math.floor(rng() * (ws.anchor - created)) : undefined;
  return {
    ...item,
    code: `async function onTrack(event, settings) {\n  // ${item.displayName}\n  return event;\n}`,
    settings: SETTINGS.filter(() => chance(rng, 0.6)),
    deployedAt: deployed === undefined ? null : isoSeconds(deployed),
    isLatestVersion: deployed !== undefined && chance(rng, 0.7),
    previewWebhookUrl: resourceType === 'SOURCE' ? `https://fn.segmentapis.com/?b=${item.id}` : '',
    batchMaxCount: resourceType === 'DESTINATION' ? int(rng, 0, 100) : 0,
  };
}

/** The detail of the function with this id, whichever resourceType it has. */
export function functionById(ws: Workspace, id: string): JsonObject | undefined {
  for (const type of FUNCTION_TYPES) {
    const index = ws.indexOf(`functions:${type}`, id);
    if (index !== undefined) return functionDetail(ws, type, index);
  }
  return undefined;
}

export function space(ws: Workspace, s: number): JsonObject {
  const name = `${SPACE_NAMES[s % SPACE_NAMES.length]}${s >= SPACE_NAMES.length ? ` ${s + 1}` : ''}`;
  return {id: `spa_${idFor(ws.seed, 'space', s, 24)}`, slug: name.toLowerCase().replace(/ /g, '-'), name};
}

export function reverseEtlModel(ws: Workspace, m: number): JsonObject {
  const rng = rngFor(ws.seed, 'model', m);
  const table = pick(rng, ['users', 'accounts', 'orders', 'subscriptions']);
  return {
    id: idFor(ws.seed, 'model', m),
    sourceId: idFor(ws.seed, 'source', int(rng, 0, (ws.collections.sources?.count ?? 1) - 1)),
    name: `Active ${table} ${m + 1}`,
    description: chance(rng, 0.3) ? '' : `Rows from analytics.${table} updated in the last day.`,
    enabled: chance(rng, 0.7),
    query: `SELECT id, email, updated_at FROM analytics.${table} WHERE updated_at > current_date - 1`,
    queryIdentifierColumn: 'id',
  };
}

export function destinationFilters(ws: Workspace, d: number): Collection<JsonObject> {
  const count = int(rngFor(ws.seed, 'filter-count', d), 0, 3);
  const destinationId = idFor(ws.seed, 'destination', d);
  const sourceId = idFor(ws.seed, 'source', destinationSourceIndex(ws, d));
  return {
    count,
    item: (k) => {
      const rng = rngFor(ws.seed, `filter:${d}`, k);
      const event = pick(rng, EVENT_NAMES);
      const created = ws.createdAt + Math.floor(rng() * (ws.anchor - ws.createdAt));
      const action = pick(rng, [
        {type: 'DROP'},
        {type: 'SAMPLE', percent: 0.5, path: 'userId'},
        {type: 'DROP_PROPERTIES', fields: {properties: ['email']}},
        {type: 'ALLOW_PROPERTIES', fields: {'': ['event', 'properties']}},
      ]);
      const item: JsonObject = {
        id: idFor(ws.seed, `filter:${d}`, k),
        sourceId,
        destinationId,
        if: `event = "${event}"`,
        actions: [action],
      };
      item.title = `Filter ${event}`;
      if (chance(rng, 0.7)) item.description = `Applies ${action.type} to ${event}.`;
      item.enabled = chance(rng, 0.8);
      item.createdAt = new Date(created).toISOString();
      item.updatedAt = new Date(created + Math.floor(rng() * (ws.anchor - created))).toISOString();
      return item;
    },
  };
}

export function subscriptions(ws: Workspace, d: number): Collection<JsonObject> {
  const count = int(rngFor(ws.seed, 'subscription-count', d), 0, 4);
  const metadata = pick(rngFor(ws.seed, 'destination', d), destinationsCatalog());
  const actions =
    (metadata.actions as JsonObject[]).length > 0
      ? (metadata.actions as JsonObject[])
      : [{id: 'act_default', slug: 'send'}];
  return {
    count,
    item: (k) => {
      const rng = rngFor(ws.seed, `subscription:${d}`, k);
      const action = pick(rng, actions);
      const event = pick(rng, EVENT_NAMES);
      const item: JsonObject = {
        id: idFor(ws.seed, `subscription:${d}`, k),
        name: `Send ${event}`,
        actionId: action.id,
        actionSlug: action.slug,
        destinationId: idFor(ws.seed, 'destination', d),
        enabled: chance(rng, 0.8),
        settings: {event_name: event, properties: {'@path': '$.properties'}},
        trigger: `type = "track" and event = "${event}"`,
      };
      const modelCount = ws.collections.reverseEtlModels?.count ?? 0;
      if (modelCount > 0 && chance(rng, 0.3)) {
        item.modelId = idFor(ws.seed, 'model', int(rng, 0, modelCount - 1));
        item.reverseETLSchedule = pick(rng, [
          {strategy: 'PERIODIC', config: {interval: '15m'}},
          {strategy: 'MANUAL', config: null},
          {strategy: 'CRON', config: {spec: '0 * * * *', timezone: 'UTC'}},
          {strategy: 'SPECIFIC_DAYS', config: {days: [1, 3], hours: [9], timezone: 'Europe/Paris'}},
        ]);
      }
      return item;
    },
  };
}

// The Segment catalog (source, destination and warehouse metadata): fixed size, shared by every workspace.

import {
  DESTINATION_CATEGORIES,
  DESTINATION_NAMES,
  EVENT_NAMES,
  SOURCE_CATEGORIES,
  SOURCE_NAMES,
  WAREHOUSE_NAMES,
} from './names.js';
import {chance, idFor, int, pick, type Rng, rngFor, slugify} from './random.js';
import type {JsonObject} from './types.js';

// The catalog is global in Segment, so both regions see the same ids: seed 0, not the workspace seed.
const CATALOG_SEED = 0;
const STATUSES = ['PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC_BETA', 'PRIVATE_BETA', 'DEPRECATED'];
const OPTION_TYPES = ['string', 'boolean', 'number', 'array', 'select', 'password'];
const FIELD_TYPES = ['STRING', 'BOOLEAN', 'INTEGER', 'NUMBER', 'OBJECT', 'DATETIME', 'PASSWORD', 'TEXT'];

function variantName(names: readonly string[], i: number, suffix: string): string {
  const base = names[i % names.length] as string;
  return i < names.length ? base : `${base} ${suffix}`;
}

function logos(rng: Rng, id: string): JsonObject {
  const result: JsonObject = {default: `https://cdn.filepicker.io/api/file/${id}`};
  if (chance(rng, 0.8))
    result.mark = chance(rng, 0.8) ? `https://cdn.filepicker.io/api/file/${id}-mark` : null;
  if (chance(rng, 0.5)) result.alt = chance(rng, 0.7) ? '' : null;
  return result;
}

function options(rng: Rng, max: number): JsonObject[] {
  const names = ['apiKey', 'region', 'trackAllPages', 'sampleRate', 'allowedEvents', 'secretKey', 'endpoint'];
  return Array.from({length: int(rng, 0, max)}, (_, k) => {
    const option: JsonObject = {
      name: names[k % names.length],
      type: pick(rng, OPTION_TYPES),
      required: chance(rng, 0.3),
    };
    if (chance(rng, 0.8)) option.description = `Configures ${names[k % names.length]} for this integration.`;
    if (chance(rng, 0.5)) option.defaultValue = pick(rng, [null, '', false, 0, 'us', []]);
    if (chance(rng, 0.6))
      option.label = (names[k % names.length] as string).replace(/^./, (c) => c.toUpperCase());
    return option;
  });
}

function sourceMetadata(i: number): JsonObject {
  const rng = rngFor(CATALOG_SEED, 'catalog-source', i);
  const name = variantName(SOURCE_NAMES, i, '(Legacy)');
  const id = idFor(CATALOG_SEED, 'catalog-source', i);
  const category = pick(rng, SOURCE_CATEGORIES);
  const item: JsonObject = {
    id,
    name,
    slug: slugify(name),
    description: `Collect events from ${name} and send them to Segment.`,
    logos: logos(rng, id),
    options: options(rng, 3),
    categories: chance(rng, 0.3) ? [category, pick(rng, SOURCE_CATEGORIES)] : [category],
    isCloudEventSource: ['CRM', 'Payments', 'Helpdesk', 'Email', 'Advertising'].includes(category),
    status: pick(rng, STATUSES),
  };
  if (chance(rng, 0.5)) item.partnerOwned = chance(rng, 0.2);
  return item;
}

function actionField(rng: Rng, actionId: string, k: number): JsonObject {
  const fieldKey = pick(rng, [
    'userId',
    'email',
    'event_name',
    'properties',
    'timestamp',
    'revenue',
    'currency',
  ]);
  const field: JsonObject = {
    id: idFor(CATALOG_SEED, `field:${actionId}`, k),
    sortOrder: k,
    fieldKey,
    label: fieldKey.replace(/_/g, ' '),
    type: pick(rng, FIELD_TYPES),
    description: `The ${fieldKey} to send.`,
    required: chance(rng, 0.4),
    multiple: chance(rng, 0.1),
    dynamic: chance(rng, 0.1),
    allowNull: chance(rng, 0.2),
  };
  if (chance(rng, 0.5)) field.placeholder = `e.g. ${fieldKey}`;
  if (chance(rng, 0.6)) field.defaultValue = chance(rng, 0.3) ? null : {'@path': `$.${fieldKey}`};
  if (chance(rng, 0.3)) field.choices = chance(rng, 0.5) ? null : [{value: 'a', label: 'A'}];
  if (chance(rng, 0.5)) field.hidden = false;
  return field;
}

function actions(rng: Rng, destinationId: string): JsonObject[] {
  return Array.from({length: int(rng, 1, 4)}, (_, k) => {
    const id = idFor(CATALOG_SEED, `action:${destinationId}`, k);
    const event = pick(rng, EVENT_NAMES);
    return {
      id,
      slug: slugify(`send ${event}`).replace(/-/g, '_'),
      name: `Send ${event}`,
      description: `Send a **${event}** event to the destination.`,
      platform: pick(rng, ['CLOUD', 'CLOUD', 'WEB', 'MOBILE']),
      hidden: chance(rng, 0.1),
      defaultTrigger: chance(rng, 0.2) ? null : `type = "track" and event = "${event}"`,
      fields: Array.from({length: int(rng, 2, 4)}, (_, f) => actionField(rng, id, f)),
    };
  });
}

function destinationMetadata(i: number): JsonObject {
  const rng = rngFor(CATALOG_SEED, 'catalog-destination', i);
  const name = variantName(DESTINATION_NAMES, i, '(Actions)');
  const id = idFor(CATALOG_SEED, 'catalog-destination', i);
  const isActions = i >= DESTINATION_NAMES.length;
  const actionList = isActions ? actions(rng, id) : [];
  const item: JsonObject = {
    id,
    name,
    description: `Send your Segment data to ${name}.`,
    slug: slugify(name),
    logos: logos(rng, id),
    options: options(rng, 5),
    status: pick(rng, STATUSES),
    previousNames: chance(rng, 0.3) ? [name.replace(/ \(Actions\)$/, '')] : [],
    categories: [pick(rng, DESTINATION_CATEGORIES)],
    website: `https://www.${slugify(name).split('-')[0]}.com`,
    components: isActions
      ? []
      : [
          {
            type: pick(rng, ['BROWSER', 'SERVER', 'IOS', 'ANDROID']),
            code: `https://github.com/segmentio/${slugify(name)}`,
            owner: 'SEGMENT',
          },
        ],
    supportedFeatures: {
      cloudModeInstances: pick(rng, ['0', '1', 'MULTIPLE', 'NONE', 'SINGLE']),
      replay: chance(rng, 0.3),
    },
    supportedMethods: {
      pageview: chance(rng, 0.7),
      identify: chance(rng, 0.8),
      alias: chance(rng, 0.3),
      track: true,
      group: chance(rng, 0.5),
    },
    supportedPlatforms: {browser: chance(rng, 0.7), server: true, mobile: chance(rng, 0.5), warehouse: false},
    actions: actionList,
    presets: actionList.slice(0, int(rng, 0, 2)).map((action) => ({
      actionId: action.id,
      name: action.name,
      fields: {},
      trigger: action.defaultTrigger ?? 'type = "track"',
    })),
  };
  if (chance(rng, 0.6))
    item.contacts = [
      {name: 'Integrations Team', email: `partners+${i}@segment.com`, role: 'owner', isPrimary: true},
    ];
  if (chance(rng, 0.5)) item.partnerOwned = chance(rng, 0.3);
  if (chance(rng, 0.5)) item.supportedRegions = ['us-west-2', 'eu-west-1'];
  if (chance(rng, 0.3)) item.regionEndpoints = ['US', 'EU'];
  if (chance(rng, 0.4))
    item.multiInstanceSupportedVersion = pick(rng, ['SUPPORTED', 'UNSUPPORTED', 'MIGRATING']);
  return item;
}

function warehouseMetadata(i: number): JsonObject {
  const rng = rngFor(CATALOG_SEED, 'catalog-warehouse', i);
  const name = WAREHOUSE_NAMES[i % WAREHOUSE_NAMES.length] as string;
  const id = idFor(CATALOG_SEED, 'catalog-warehouse', i);
  return {
    id,
    name,
    slug: slugify(name),
    description: `Load your Segment data into ${name}.`,
    logos: logos(rng, id),
    options: options(rng, 4),
  };
}

function memo(count: number, make: (i: number) => JsonObject): () => readonly JsonObject[] {
  let items: JsonObject[] | undefined;
  return () => {
    items ??= Array.from({length: count}, (_, i) => make(i));
    return items;
  };
}

export const sourcesCatalog = memo(60, sourceMetadata);
export const destinationsCatalog = memo(80, destinationMetadata);
export const warehousesCatalog = memo(12, warehouseMetadata);

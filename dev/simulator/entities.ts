// Item generators for the connection collections: sources, destinations, warehouses and labels.

import {destinationsCatalog, sourcesCatalog, warehousesCatalog} from './catalog.js';
import {ENVIRONMENTS, LABEL_KEYS} from './names.js';
import {chance, idFor, int, pick, type Rng, rngFor, sample, slugify} from './random.js';
import type {JsonObject, Workspace} from './types.js';

const LABEL_PAIRS = LABEL_KEYS.flatMap(([key, values]) => values.map((value) => [key, value] as const));

export function label(_ws: Workspace, i: number): JsonObject {
  const [key, value] = LABEL_PAIRS[i % LABEL_PAIRS.length] as readonly [string, string];
  const round = Math.floor(i / LABEL_PAIRS.length);
  const item: JsonObject = {key, value: round === 0 ? value : `${value}-${round + 1}`};
  if (i % 3 !== 2) item.description = `Resources that belong to ${key} ${value}.`;
  return item;
}

function labelsFor(ws: Workspace, rng: Rng): JsonObject[] {
  const count = ws.collections.labels?.count ?? 0;
  const indices = sample(
    rng,
    Array.from({length: Math.min(count, 8)}, (_, k) => k),
    2,
  );
  return indices.map((k) => label(ws, k));
}

// Settings mix harmless keys with secret-looking ones so the tap's redaction can be tested.
function sourceSettings(rng: Rng, i: number): JsonObject {
  const settings: JsonObject = {trackAllPages: chance(rng, 0.5), sampleRate: pick(rng, [0.1, 0.5, 1])};
  if (chance(rng, 0.4)) settings.apiKey = `sk_live_${i}${Math.floor(rng() * 1e9).toString(36)}`;
  if (chance(rng, 0.2)) settings.password = `hunter${int(rng, 10, 99)}!`;
  if (chance(rng, 0.2)) settings.token = `tok_${Math.floor(rng() * 1e12).toString(36)}`;
  if (chance(rng, 0.3)) settings.allowedEvents = ['Order Completed', 'Signed Up'];
  if (chance(rng, 0.3)) settings.advanced = {retries: int(rng, 0, 5), endpoint: null};
  return settings;
}

export function source(ws: Workspace, i: number): JsonObject {
  const rng = rngFor(ws.seed, 'source', i);
  const metadata = pick(rng, sourcesCatalog());
  const name = `${metadata.name} ${pick(rng, ENVIRONMENTS)}`;
  const item: JsonObject = {
    id: idFor(ws.seed, 'source', i),
    slug: `${slugify(name).replace(/-/g, '_')}_${i}`,
  };
  if (chance(rng, 0.9)) item.name = name;
  item.metadata = metadata;
  item.workspaceId = ws.id;
  item.enabled = chance(rng, 0.85);
  item.writeKeys = Array.from({length: int(rng, 1, 2)}, (_, k) => idFor(ws.seed, `write-key:${i}`, k, 32));
  if (chance(rng, 0.85)) item.settings = sourceSettings(rng, i);
  item.labels = labelsFor(ws, rng);
  return item;
}

/** Destination j belongs to source j mod S, so a source's destinations are an arithmetic progression. */
export function destinationSourceIndex(ws: Workspace, j: number): number {
  return j % (ws.collections.sources?.count ?? 1);
}

export function destination(ws: Workspace, j: number): JsonObject {
  const rng = rngFor(ws.seed, 'destination', j);
  const metadata = pick(rng, destinationsCatalog());
  const item: JsonObject = {id: idFor(ws.seed, 'destination', j)};
  if (chance(rng, 0.9)) item.name = `${metadata.name} ${pick(rng, ENVIRONMENTS)}`;
  item.enabled = chance(rng, 0.8);
  item.metadata = metadata;
  item.sourceId = idFor(ws.seed, 'source', destinationSourceIndex(ws, j));
  const settings: JsonObject = {apiKey: `key_${idFor(ws.seed, 'destination-key', j, 16)}`};
  if (chance(rng, 0.4)) settings.secretId = `secret_${idFor(ws.seed, 'destination-secret', j, 12)}`;
  if (chance(rng, 0.5)) settings.region = pick(rng, ['us', 'eu']);
  if (chance(rng, 0.3)) settings.eventMappings = [{from: 'Order Completed', to: 'purchase'}];
  item.settings = settings;
  return item;
}

export function warehouse(ws: Workspace, w: number): JsonObject {
  const rng = rngFor(ws.seed, 'warehouse', w);
  const metadata = pick(rng, warehousesCatalog());
  const settings: JsonObject = {
    name: `${metadata.name} ${pick(rng, ENVIRONMENTS)}`,
    hostname: `${slugify(String(metadata.name))}-${w}.db.example.com`,
    port: pick(rng, [5432, 5439, 443]),
    database: pick(rng, ['analytics', 'segment', 'events']),
    username: `segment_${w}`,
    password: `pw-${idFor(ws.seed, 'warehouse-password', w, 12)}`,
  };
  if (chance(rng, 0.3)) settings.ciphertext = null;
  return {
    id: idFor(ws.seed, 'warehouse', w),
    metadata,
    workspaceId: ws.id,
    enabled: chance(rng, 0.8),
    settings,
  };
}

// A source and a warehouse are connected when (s + w) is a multiple of this; both sides are progressions.
export const CONNECTION_MODULUS = 3;

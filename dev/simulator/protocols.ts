// Item generators for Protocols: tracking plans, their rules and sources, and transformations.

import {destinationsCatalog} from './catalog.js';
import {source} from './entities.js';
import {EVENT_NAMES, PROPERTY_NAMES} from './names.js';
import {chance, idFor, int, pick, type Rng, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

export const RULES_PER_PLAN = 30;
const PLAN_TYPES = ['LIVE', 'LIVE', 'LIVE', 'TEMPLATE', 'PROPERTY_LIBRARY', 'RULE_LIBRARY', 'ENGAGE'];
const RULE_TYPES = ['TRACK', 'TRACK', 'IDENTIFY', 'TRACK', 'PAGE', 'GROUP', 'TRACK', 'SCREEN'];

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time between the workspace's creation and the anchor. */
function pastTime(ws: Workspace, rng: Rng, after = ws.createdAt): number {
  return after + Math.floor(rng() * (ws.anchor - after));
}

export function trackingPlan(ws: Workspace, p: number): JsonObject {
  const rng = rngFor(ws.seed, 'tracking-plan', p);
  const name = `${pick(rng, ['Web', 'Mobile', 'Checkout', 'Marketing', 'Core'])} Tracking Plan ${p + 1}`;
  const item: JsonObject = {
    id: `tp_${idFor(ws.seed, 'tracking-plan', p, 24)}`,
    name,
    slug: name.toLowerCase().replace(/ /g, '-'),
  };
  if (chance(rng, 0.7)) item.description = `Events and properties for the ${name}.`;
  item.type = pick(rng, PLAN_TYPES);
  const created = pastTime(ws, rng);
  item.updatedAt = isoSeconds(pastTime(ws, rng, created));
  item.createdAt = isoSeconds(created);
  return item;
}

function jsonSchema(rng: Rng): JsonObject | null {
  if (chance(rng, 0.1)) return null;
  const props = PROPERTY_NAMES.filter(() => chance(rng, 0.4));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      properties: {
        type: 'object',
        properties: Object.fromEntries(
          props.map((prop) => [prop, {type: prop === 'revenue' ? 'number' : 'string'}]),
        ),
        required: props.slice(0, 1),
      },
    },
  };
}

/** Keys are unique per (type, key, version): COMMON rules have no key and differ by version. */
export function rule(ws: Workspace, p: number, r: number): JsonObject {
  const rng = rngFor(ws.seed, `rule:${p}`, r);
  const type = r < 2 ? 'COMMON' : (RULE_TYPES[r % RULE_TYPES.length] as string);
  const item: JsonObject = {type};
  if (type === 'TRACK') item.key = EVENT_NAMES[r % EVENT_NAMES.length];
  else if (type !== 'COMMON') item.key = `${type.charAt(0)}${type.slice(1).toLowerCase()} Rule ${r}`;
  item.jsonSchema = jsonSchema(rng);
  item.version = r < 2 ? r + 1 : r >= 17 ? 2 : 1;
  const created = pastTime(ws, rng);
  if (chance(rng, 0.9)) item.createdAt = isoSeconds(created);
  if (chance(rng, 0.9)) item.updatedAt = isoSeconds(pastTime(ws, rng, created));
  if (chance(rng, 0.05)) item.deprecatedAt = isoSeconds(pastTime(ws, rng, created));
  return item;
}

export function rules(ws: Workspace, p: number): Collection<JsonObject> {
  return {count: RULES_PER_PLAN, item: (r) => rule(ws, p, r)};
}

export function planSources(ws: Workspace, p: number): Collection<JsonObject> {
  const sourceCount = ws.collections.sources?.count ?? 0;
  const count = Math.min(sourceCount, int(rngFor(ws.seed, 'plan-sources', p), 2, 4));
  return {count, item: (k) => source(ws, (p * 3 + k) % sourceCount)};
}

export function transformation(ws: Workspace, t: number): JsonObject {
  const rng = rngFor(ws.seed, 'transformation', t);
  const event = pick(rng, EVENT_NAMES);
  const sourceCount = ws.collections.sources?.count ?? 1;
  const item: JsonObject = {
    id: idFor(ws.seed, 'transformation', t),
    name: `Rename ${event} ${t + 1}`,
    sourceId: idFor(ws.seed, 'source', int(rng, 0, sourceCount - 1)),
  };
  if (chance(rng, 0.5)) item.destinationMetadataId = pick(rng, destinationsCatalog()).id;
  item.enabled = chance(rng, 0.7);
  item.if = `event = "${event}"`;
  if (chance(rng, 0.3)) item.drop = chance(rng, 0.5);
  if (chance(rng, 0.5)) item.newEventName = `${event} (renamed)`;
  if (chance(rng, 0.5)) item.propertyRenames = [{oldName: 'sku', newName: 'product_sku'}];
  if (chance(rng, 0.3))
    item.propertyValueTransformations = [{propertyPaths: ['properties.currency'], propertyValue: 'USD'}];
  if (chance(rng, 0.2))
    item.fqlDefinedProperties = [{fql: 'lowercase(properties.email)', propertyName: 'email_lower'}];
  if (chance(rng, 0.2)) item.allowProperties = ['order_id', 'revenue'];
  if (chance(rng, 0.2))
    item.hashPropertiesConfiguration = {algorithm: 'SHA256', encoding: 'HEX', paths: ['properties.email']};
  return item;
}

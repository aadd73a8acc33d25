// Item generators for regulations, source schema settings, Engage audiences and computed traits.

import {EVENT_NAMES} from './names.js';
import {isoSeconds} from './protocols.js';
import {chance, idFor, int, pick, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

const DAY_MS = 86_400_000;
/** Segment keeps regulations for 90 days. */
const REGULATION_RETENTION_MS = 90 * DAY_MS;
const REGULATION_TYPES = ['DELETE_ONLY', 'SUPPRESS_ONLY', 'SUPPRESS_WITH_DELETE', 'UNSUPPRESS'];
const REGULATION_STATUSES = [
  'FAILED',
  'FINISHED',
  'INITIALIZED',
  'INVALID',
  'NOT_SUPPORTED',
  'PARTIAL_SUCCESS',
  'RUNNING',
];

function regulation(ws: Workspace, scope: string, k: number): JsonObject {
  const rng = rngFor(ws.seed, `regulation:${scope}`, k);
  const created = ws.anchor - Math.floor(rng() * REGULATION_RETENTION_MS);
  const status = pick(rng, REGULATION_STATUSES);
  const item: JsonObject = {
    id: idFor(ws.seed, `regulation:${scope}`, k, 27),
    subjectType: pick(rng, ['USER_ID', 'OBJECT_ID']),
    subjects: [`user-${int(rng, 1, 99999)}`],
    status,
    regulationType: pick(rng, REGULATION_TYPES),
    createdAt: isoSeconds(created),
  };
  if (['FINISHED', 'FAILED', 'PARTIAL_SUCCESS'].includes(status)) {
    item.finishedAt = isoSeconds(created + Math.floor(rng() * (ws.anchor - created)));
  }
  return item;
}

/** GET /regulations: the workspace-scoped requests of the last 90 days. */
export const workspaceRegulation = (ws: Workspace, k: number): JsonObject => regulation(ws, 'workspace', k);

/** GET /regulations/sources/{sourceId}: the source-scoped requests (0 to 2 per source). */
export function sourceRegulations(ws: Workspace, s: number): Collection<JsonObject> {
  return {
    count: int(rngFor(ws.seed, 'regulation-count', s), 0, 2),
    item: (k) => regulation(ws, `source:${s}`, k),
  };
}

/** GET /sources/{sourceId}/settings: the Protocols schema controls (defaults where Protocols is off). */
export function schemaSettings(ws: Workspace, s: number): JsonObject {
  const rng = rngFor(ws.seed, 'schema-settings', s);
  const protocols = chance(rng, 0.5);
  const allow = (): boolean => !protocols || chance(rng, 0.5);
  const violations = (): string => (protocols ? pick(rng, ['ALLOW', 'BLOCK', 'OMIT_PROPERTIES']) : 'ALLOW');
  const sourceId = idFor(ws.seed, 'source', s);
  const settings: JsonObject = {
    track: {
      allowUnplannedEvents: allow(),
      allowUnplannedEventProperties: allow(),
      allowEventOnViolations: allow(),
      allowPropertiesOnViolations: allow(),
      commonEventOnViolations: violations(),
    },
    identify: {
      allowUnplannedTraits: allow(),
      allowTraitsOnViolations: allow(),
      commonEventOnViolations: violations(),
    },
    group: {
      allowUnplannedTraits: allow(),
      allowTraitsOnViolations: allow(),
      commonEventOnViolations: violations(),
    },
  };
  if (protocols && chance(rng, 0.5)) settings.forwardingViolationsTo = sourceId;
  if (protocols && chance(rng, 0.3)) settings.forwardingBlockedEventsTo = sourceId;
  return settings;
}

function creators(ws: Workspace, rng: () => number): JsonObject {
  const userCount = ws.collections.users?.count ?? 1;
  return {
    createdBy: idFor(ws.seed, 'user', int(rng, 0, userCount - 1)),
    updatedBy: idFor(ws.seed, 'user', int(rng, 0, userCount - 1)),
  };
}

function stamps(ws: Workspace, rng: () => number): JsonObject {
  const created = ws.createdAt + Math.floor(rng() * (ws.anchor - ws.createdAt));
  return {
    createdAt: isoSeconds(created),
    updatedAt: isoSeconds(created + Math.floor(rng() * (ws.anchor - created))),
  };
}

/** GET /spaces/{spaceId}/audiences (?include=schedules adds schedules[]): 3 to 8 per space. */
export function audiences(ws: Workspace, sp: number, withSchedules: boolean): Collection<JsonObject> {
  const spaceId = `spa_${idFor(ws.seed, 'space', sp, 24)}`;
  return {
    count: int(rngFor(ws.seed, 'audience-count', sp), 3, 8),
    item: (k) => {
      const rng = rngFor(ws.seed, `audience:${sp}`, k);
      const event = pick(rng, EVENT_NAMES);
      const days = pick(rng, [7, 14, 30, 90]);
      const item: JsonObject = {
        id: `aud_${idFor(ws.seed, `audience:${sp}`, k, 24)}`,
        spaceId,
        name: `${event} in the last ${days} days`,
        key: `${event.toLowerCase().replace(/ /g, '_')}_${days}d_${k + 1}`,
        enabled: chance(rng, 0.85),
        definition: {query: `event('${event}').within(${days} days).count() >= 1`, targetEntity: 'users'},
        status: pick(rng, ['Computing', 'Disabled', 'Live', 'Live']),
        audienceType: pick(rng, ['USERS', 'USERS', 'ACCOUNTS']),
        computeCadence: {type: pick(rng, ['BATCH', 'REAL_TIME'])},
        size: {count: int(rng, 0, 250_000), type: 'USERS'},
        options: {includeHistoricalData: chance(rng, 0.5), includeAnonymousUsers: chance(rng, 0.3)},
        ...creators(ws, rng),
        ...stamps(ws, rng),
      };
      if (chance(rng, 0.6)) item.description = `Users who did ${event} in the last ${days} days.`;
      if (withSchedules) {
        item.schedules = chance(rng, 0.5)
          ? [
              {
                id: `sch_${idFor(ws.seed, `audience-schedule:${sp}`, k, 20)}`,
                strategy: 'PERIODIC',
                config: {interval: pick(rng, ['1h', '12h', '1d'])},
              },
            ]
          : [];
      }
      return item;
    },
  };
}

/** GET /spaces/{spaceId}/computed-traits: 2 to 6 per space. */
export function computedTraits(ws: Workspace, sp: number): Collection<JsonObject> {
  const spaceId = `spa_${idFor(ws.seed, 'space', sp, 24)}`;
  return {
    count: int(rngFor(ws.seed, 'computed-trait-count', sp), 2, 6),
    item: (k) => {
      const rng = rngFor(ws.seed, `computed-trait:${sp}`, k);
      const event = pick(rng, EVENT_NAMES);
      const type = pick(rng, ['users', 'accounts']);
      const item: JsonObject = {
        id: `ct_${idFor(ws.seed, `computed-trait:${sp}`, k, 24)}`,
        spaceId,
        name: `${event} count ${k + 1}`,
        key: `${event.toLowerCase().replace(/ /g, '_')}_count_${k + 1}`,
        enabled: chance(rng, 0.9),
        definition: {query: `event('${event}').count()`, type},
        status: pick(rng, ['Computing', 'Disabled', 'Live', 'Live']),
        options: {includeHistoricalData: chance(rng, 0.5)},
        ...creators(ws, rng),
        ...stamps(ws, rng),
      };
      if (chance(rng, 0.5)) item.description = `How often a user did ${event}.`;
      return item;
    },
  };
}

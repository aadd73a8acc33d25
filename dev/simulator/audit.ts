// Audit trail: event i is a pure function of i, and every query window is index arithmetic (O(1)).

import {decodeOffset, encodeOffset, fromBase64, toBase64} from './pagination.js';
import {chance, idFor, pick, rngFor} from './random.js';
import {
  type ApiError,
  apiError,
  type Collection,
  type JsonObject,
  type Listing,
  type Workspace,
} from './types.js';

export const AUDIT_SPAN_MS = 90 * 86_400_000;
const EVENTS_PER_SCALE = 1000;
const FIRST_EVENT_NUMBER = 145_876_976;

interface ResourceKind {
  type: string;
  collection?: string;
  verbs: readonly string[];
  nameOf: (item: JsonObject) => unknown;
}

const KINDS: readonly ResourceKind[] = [
  {
    type: 'source',
    collection: 'sources',
    verbs: ['Source Created', 'Source Modified', 'Source Enabled', 'Source Disabled'],
    nameOf: (s) => s.name ?? s.slug,
  },
  {
    type: 'destination',
    collection: 'destinations',
    verbs: ['Destination Created', 'Destination Modified', 'Destination Filter Created'],
    nameOf: (d) => d.name ?? (d.metadata as JsonObject).name,
  },
  {
    type: 'warehouse',
    collection: 'warehouses',
    verbs: ['Warehouse Created', 'Warehouse Settings Modified'],
    nameOf: (w) => (w.settings as JsonObject).name,
  },
  {
    type: 'tracking_plan',
    collection: 'trackingPlans',
    verbs: ['Tracking Plan Created', 'Tracking Plan Modified', 'Violations Detected'],
    nameOf: (p) => p.name,
  },
  {
    type: 'function',
    collection: 'functions:SOURCE',
    verbs: ['Source Function Created', 'Source Function Deleted'],
    nameOf: (f) => f.displayName,
  },
  {type: 'workspace', verbs: ['Access Token Created', 'Workspace Settings Modified'], nameOf: (w) => w.name},
  {
    type: 'user',
    collection: 'users',
    verbs: ['User Invited', 'User Permissions Modified', 'User Removed'],
    nameOf: (u) => u.name,
  },
];

function resources(ws: Workspace, kind: ResourceKind): Collection<JsonObject> {
  if (kind.collection === undefined) return {count: 1, item: () => ({id: ws.id, name: ws.name})};
  return (
    (ws.collections[kind.collection] as Collection<JsonObject> | undefined) ?? {count: 0, item: () => ({})}
  );
}

/** Whole seconds, like the API's "2022-03-04T21:29:22Z"; distinct up to scale 7776 (spacing >= 1 s). */
export function auditTime(ws: Workspace, i: number): number {
  const spacingSeconds = AUDIT_SPAN_MS / 1000 / (EVENTS_PER_SCALE * ws.scale);
  return ws.anchor - AUDIT_SPAN_MS + 1000 * Math.floor(i * spacingSeconds);
}

/** The smallest index whose time is strictly after t (events keep coming after the anchor). */
export function firstAfter(ws: Workspace, t: number): number {
  const spacing = AUDIT_SPAN_MS / (EVENTS_PER_SCALE * ws.scale);
  let i = Math.max(0, Math.ceil((t - (ws.anchor - AUDIT_SPAN_MS) + 1) / spacing));
  while (i > 0 && auditTime(ws, i - 1) > t) i--;
  while (auditTime(ws, i) <= t) i++;
  return i;
}

export function auditEvent(ws: Workspace, i: number): JsonObject {
  const kind = KINDS[i % KINDS.length] as ResourceKind;
  const pool = resources(ws, kind);
  const resource = pool.item(Math.floor(i / KINDS.length) % Math.max(1, pool.count));
  const rng = rngFor(ws.seed, 'audit', i);
  const userCount = ws.collections.users?.count ?? 0;
  const item: JsonObject = {
    id: `events/${FIRST_EVENT_NUMBER + i}`,
    timestamp: new Date(auditTime(ws, i)).toISOString().replace('.000Z', 'Z'),
    type: pick(rng, kind.verbs),
  };
  if (userCount > 0 && chance(rng, 0.7)) {
    const actor = ws.collections.users?.item(Math.floor(rng() * userCount)) as JsonObject;
    item.actor = actor.id;
    if (chance(rng, 0.9)) item.actorEmail = actor.email;
  } else {
    item.actor = `public-api-token/${idFor(ws.seed, 'token', Math.floor(rng() * 4), 8)}`;
  }
  item.resourceId = resource.id;
  item.resourceType = kind.type;
  item.resourceName = kind.nameOf(resource) ?? '';
  return item;
}

const normalizeType = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s_-]/g, '')
    .replace(/s$/, '');

/** Indices matching resourceType/resourceId form the progression base + stride*k. */
function progression(ws: Workspace, query: URLSearchParams): {base: number; stride: number} | undefined {
  const type = query.get('resourceType');
  const id = query.get('resourceId');
  const kinds = KINDS.map((kind, t) => ({kind, t})).filter(
    ({kind}) => !type || normalizeType(kind.type) === normalizeType(type),
  );
  if (!id)
    return kinds.length === KINDS.length
      ? {base: 0, stride: 1}
      : kinds[0] && {base: kinds[0].t, stride: KINDS.length};
  for (const {kind, t} of kinds) {
    const r =
      kind.collection === undefined ? (id === ws.id ? 0 : undefined) : ws.indexOf(kind.collection, id);
    if (r !== undefined)
      return {base: t + KINDS.length * r, stride: KINDS.length * resources(ws, kind).count};
  }
  return undefined;
}

function parseTime(value: string | null | undefined, field: string): number | ApiError | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms)
    ? ms
    : apiError(422, 'ValidationFailure', `Invalid ${field}: expected an ISO-8601 timestamp`, field);
}

interface AuditCursor {
  pageToken: string;
  endTime: string;
}

function readCursor(cursor: string | null): AuditCursor | undefined | ApiError {
  if (cursor === null) return undefined;
  try {
    const parsed = JSON.parse(fromBase64(cursor)) as AuditCursor;
    if (typeof parsed.endTime === 'string' && decodeOffset(parsed.pageToken) !== undefined) return parsed;
  } catch {}
  return apiError(422, 'ValidationFailure', 'Invalid pagination cursor', 'pagination.cursor');
}

/** Newest first; the cursor pins endTime so later pages do not shift while events keep arriving. */
export function auditListing(ws: Workspace, query: URLSearchParams, now: number): Listing | ApiError {
  const cursor = readCursor(query.get('pagination.cursor'));
  if (cursor && 'status' in cursor) return cursor;
  const endText = cursor?.endTime ?? query.get('endTime') ?? new Date(now).toISOString();
  const start = parseTime(query.get('startTime'), 'startTime');
  const end = parseTime(endText, 'endTime');
  if (typeof start === 'object') return start;
  if (typeof end === 'object') return end;
  const lo = start === undefined ? 0 : firstAfter(ws, start);
  const hi = Math.min(firstAfter(ws, (end ?? now) - 1), firstAfter(ws, now));
  const match = progression(ws, query) ?? {base: 0, stride: 1, empty: true};
  const kLo = Math.max(0, Math.ceil((lo - match.base) / match.stride));
  const kHi = Math.max(0, Math.ceil((hi - match.base) / match.stride));
  const count = 'empty' in match ? 0 : Math.max(0, kHi - kLo);
  const encode = (offset: number) => {
    const json = JSON.stringify({pageToken: encodeOffset(offset), endTime: endText});
    // Pad so the base64 always ends in '=', like real cursors; JSON ignores the trailing space.
    return toBase64(json.length % 3 === 0 ? `${json} ` : json);
  };
  return {
    kind: 'list',
    key: 'events',
    paged: true,
    collection: {count, item: (p) => auditEvent(ws, match.base + match.stride * (kHi - 1 - p))},
    codec: {
      encode,
      decode: (text) => {
        const parsed = readCursor(text);
        return parsed && !('status' in parsed) ? decodeOffset(parsed.pageToken) : undefined;
      },
    },
  };
}

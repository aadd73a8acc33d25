// Per-event tables (opt-in, events_track_tables): one stream per track event name, its properties as typed columns.
import type {Config} from '../config/settings.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {StreamSpec} from '../singer/catalog.js';
import {loadSchema} from '../singer/schema-files.js';
import {readLines} from './lines.js';
import {type ArchiveFile, archiveRoot, byLastModified, listFiles, listSources} from './listing.js';
import {routeMessage} from './route.js';
import type {FileStore} from './store.js';
import {columnsOf, EXTRA_COLUMN, REPLICATION_KEY} from './streams.js';

export const TRACK_TABLE_PREFIX = 'event_track_';
/** PostgreSQL cuts identifiers at 63 bytes: the prefix and the slug stay within it. */
const MAX_NAME = 63;

/** `Order Completed` → `event_track_order_completed`; undefined when nothing of the name is left. */
export function trackTableOf(event: string): string | undefined {
  const slug = snake(event);
  return slug === '' ? undefined : `${TRACK_TABLE_PREFIX}${slug}`.slice(0, MAX_NAME).replace(/_+$/, '');
}

export const isTrackTable = (def: StreamSpec): boolean => def.name.startsWith(TRACK_TABLE_PREFIX);

/** The track columns every per-event table keeps (all but `properties`, which become columns). */
const BASE_COLUMNS = columnsOf('track').filter((c) => c !== 'properties');
const RESERVED = new Set(BASE_COLUMNS);

/** A property name → its column: snake_case; one that would shadow a track column gets `property_`. */
export function columnOf(property: string): string {
  const column = snake(property) || 'property';
  const safe = /^\d/.test(column) ? `_${column}` : column;
  return RESERVED.has(safe) ? `property_${safe}` : safe;
}

function snake(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

type Kind = 'boolean' | 'integer' | 'number' | 'string' | 'object';

function kindOf(value: JsonValue): Kind | undefined {
  if (value === null) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (isObject(value)) return 'object';
  // Arrays are stringified, as Segment's warehouses do.
  return 'string';
}

/** Type conflicts widen: integer and number to number, anything else mixed to string. */
export function widen(a: Kind | undefined, b: Kind | undefined): Kind | undefined {
  if (a === undefined || a === b) return b ?? a;
  if (b === undefined) return a;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  return 'string';
}

/** A per-event stream spec from its event name's observed property kinds. */
export function trackTableSpec(name: string, kinds: ReadonlyMap<string, Kind | undefined>): StreamSpec {
  const properties: JsonObject = {};
  // The common columns are event_tracks' own, described the same way.
  const base = loadSchema('event_tracks');
  for (const column of BASE_COLUMNS)
    properties[column] = (base.properties as JsonObject)[column] as JsonValue;
  for (const [column, kind] of [...kinds].sort(([a], [b]) => (a < b ? -1 : 1))) {
    properties[column] =
      kind === 'object'
        ? {type: ['null', 'object'], additionalProperties: true}
        : {type: ['null', kind ?? 'string']};
  }
  return {
    name,
    keyProperties: ['message_id'],
    replicationKey: REPLICATION_KEY,
    schema: {
      type: 'object',
      description: `Track calls of one event name, properties as columns (${name}).`,
      properties,
    },
  };
}

export interface TrackSample {
  readonly files: number;
  readonly lines: number;
  readonly specs: StreamSpec[];
}

/**
 * Samples the newest archive files (at most `maxFiles`, `maxLines` lines in all) for track event
 * names and their property types: the per-event streams --discover offers.
 */
export async function sampleTrackTables(
  store: FileStore,
  config: Config,
  budget: {maxFiles: number; maxLines: number},
): Promise<TrackSample> {
  const root = archiveRoot(config.events_s3_prefix);
  const ignore = () => {};
  const files: ArchiveFile[] = [];
  for (const source of await listSources(store, root, config.events_source_ids, ignore)) {
    for await (const page of listFiles(store, root, source, undefined, ignore)) files.push(...page);
  }
  const newest = files.sort(byLastModified).reverse().slice(0, budget.maxFiles);
  const tables = new Map<string, Map<string, Kind | undefined>>();
  let lines = 0;
  for (const file of newest) {
    const body = await store.open(file.key);
    const read = readLines(body, config.events_max_line_bytes, {oversized: () => {}, plain: () => {}});
    for (let next = await read.next(); !next.done && lines < budget.maxLines; next = await read.next()) {
      for (const text of next.value.lines) {
        if (text === '') continue;
        lines += 1;
        let message: JsonValue;
        try {
          message = JSON.parse(text) as JsonValue;
        } catch {
          continue;
        }
        const at = {sourceId: file.sourceId, key: file.key, line: 0, lastModified: ''};
        const routed = routeMessage(message, at, false);
        if ('problem' in routed || routed.type !== 'track') continue;
        const name = typeof routed.record.event === 'string' ? trackTableOf(routed.record.event) : undefined;
        if (!name) continue;
        const kinds = tables.get(name) ?? new Map<string, Kind | undefined>();
        tables.set(name, kinds);
        const properties = routed.record.properties;
        if (!isObject(properties)) continue;
        for (const [key, value] of Object.entries(properties)) {
          const column = columnOf(key);
          kinds.set(column, widen(kinds.get(column), kindOf(value)));
        }
      }
    }
    body.destroy();
    if (lines >= budget.maxLines) break;
  }
  return {
    files: newest.length,
    lines,
    specs: [...tables]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, kinds]) => trackTableSpec(name, kinds)),
  };
}

/**
 * A track record (event_tracks columns) → the per-event record: the common columns, then each
 * property in its column. A value that does not fit its column's type (or a property with no
 * column: one first seen after discovery) goes to `_sdc_extra.properties`, never failing the run.
 */
export function createTrackTableRecord(schema: JsonObject, log: Logger, stream: string) {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const kinds = new Map<string, string[]>();
  for (const [column, property] of Object.entries(properties)) {
    if (isObject(property)) kinds.set(column, [property.type ?? []].flat().map(String));
  }
  const warned = new Set<string>();
  return (track: JsonObject): JsonObject => {
    const record: JsonObject = {};
    for (const column of BASE_COLUMNS) record[column] = track[column] ?? null;
    for (const column of kinds.keys()) if (!(column in record)) record[column] = null;
    let extra: JsonObject | null = isObject(track[EXTRA_COLUMN]) ? {...track[EXTRA_COLUMN]} : null;
    const props = track.properties;
    if (isObject(props)) {
      for (const [key, value] of Object.entries(props)) {
        const column = columnOf(key);
        const allowed = kinds.get(column);
        const fitted = allowed ? fitProperty(value, allowed) : undefined;
        if (fitted !== undefined) record[column] = fitted;
        else if (value !== null) {
          if (!warned.has(column)) {
            warned.add(column);
            log.warn(
              `events: ${stream}: property "${key}" ${allowed ? `does not fit column ${column} (${allowed.join(', ')})` : 'has no column (new since --discover)'}; kept in _sdc_extra.properties (warned once)`,
            );
          }
          extra ??= {};
          const kept = isObject(extra.properties) ? extra.properties : {};
          extra.properties = {...kept, [key]: value};
        }
      }
    }
    record[EXTRA_COLUMN] = extra;
    return record;
  };
}

function fitProperty(value: JsonValue, allowed: readonly string[]): JsonValue | undefined {
  if (value === null) return null;
  const kind = kindOf(value);
  if (kind === undefined) return null;
  if (Array.isArray(value)) return allowed.includes('string') ? JSON.stringify(value) : undefined;
  if (allowed.includes(kind)) return value;
  if (kind === 'integer' && allowed.includes('number')) return value;
  if (allowed.includes('string')) return typeof value === 'string' ? value : JSON.stringify(value);
  return undefined;
}

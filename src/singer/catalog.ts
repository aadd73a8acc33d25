// Discovery (stream specs + schemas → Singer catalog) and selection (input catalog → streams and fields to sync).
import {InputError} from '../shared/errors.js';
import {isObject, type JsonObject} from '../shared/json.js';
import {REDACTABLE_FIELDS, REDACTED} from '../shared/redaction.js';
import {loadSchema} from './schema-files.js';

/** What the catalog knows of a stream, whatever source reads it; schemas/<name>.json is its schema. */
export interface StreamSpec {
  readonly name: string;
  readonly keyProperties: readonly string[];
  readonly replicationKey?: string;
  /** The stream whose records this one is read under (catalog metadata only). */
  readonly parent?: {readonly stream: string};
  /** A schema found at discovery (per-event tables) instead of schemas/<name>.json. */
  readonly schema?: JsonObject;
}

export interface CatalogEntry {
  tap_stream_id: string;
  stream: string;
  schema: JsonObject;
  key_properties: string[];
  replication_method: 'FULL_TABLE' | 'INCREMENTAL';
  replication_key?: string;
  metadata: {breadcrumb: string[]; metadata: JsonObject}[];
}

export interface Catalog {
  streams: CatalogEntry[];
}

/** A stream chosen for this run, with the top-level fields to emit (schema order). */
export interface Selection {
  readonly def: StreamSpec;
  /** The schema sent downstream: the selected fields only. */
  readonly schema: JsonObject;
  readonly fields: readonly string[];
  /** Every field of the stream: what a record is validated against before the deselected ones go. */
  readonly fullSchema: JsonObject;
}

const REDACTION_NOTE = ` Secret values are replaced with "${REDACTED}" unless the redact_secrets setting is false.`;

export function discover(defs: readonly StreamSpec[]): Catalog {
  return {streams: defs.map(catalogEntry)};
}

function catalogEntry(def: StreamSpec): CatalogEntry {
  const schema = schemaFor(def);
  const automatic = automaticFields(def);
  const method = def.replicationKey ? 'INCREMENTAL' : 'FULL_TABLE';
  const streamMetadata: JsonObject = {
    inclusion: 'available',
    'selected-by-default': true,
    'table-key-properties': [...def.keyProperties],
    'valid-replication-keys': def.replicationKey ? [def.replicationKey] : [],
    'forced-replication-method': method,
    ...(def.replicationKey ? {'replication-key': def.replicationKey} : {}),
    ...(def.parent ? {'parent-tap-stream-id': def.parent.stream} : {}),
  };
  return {
    tap_stream_id: def.name,
    stream: def.name,
    schema,
    key_properties: [...def.keyProperties],
    replication_method: method,
    ...(def.replicationKey ? {replication_key: def.replicationKey} : {}),
    metadata: [
      {breadcrumb: [], metadata: streamMetadata},
      ...propertyNames(schema).map((name) => ({
        breadcrumb: ['properties', name],
        metadata: {inclusion: automatic.has(name) ? 'automatic' : 'available'},
      })),
    ],
  };
}

/** Mutates `schema`: safe only because loadSchema returns a fresh copy on every call. */
function annotateRedactions(schema: JsonObject): JsonObject {
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const field of REDACTABLE_FIELDS) {
    const property = properties[field];
    if (isObject(property)) property.description = `${property.description ?? ''}${REDACTION_NOTE}`.trim();
  }
  return schema;
}

/** Key properties and the replication key: always emitted, whatever the catalog deselects. */
function automaticFields(def: StreamSpec): Set<string> {
  return new Set([...def.keyProperties, ...(def.replicationKey ? [def.replicationKey] : [])]);
}

/** The stream's schema as discovery shows it (with the redaction notes). */
function schemaFor(def: StreamSpec): JsonObject {
  return annotateRedactions(def.schema ? structuredClone(def.schema) : loadSchema(def.name));
}

function propertyNames(schema: JsonObject): string[] {
  return isObject(schema.properties) ? Object.keys(schema.properties) : [];
}

/** Every stream, every field: what a run without --catalog syncs. */
export function selectAll(defs: readonly StreamSpec[]): Selection[] {
  return defs.map((def) => {
    const schema = schemaFor(def);
    return {def, schema, fields: propertyNames(schema), fullSchema: schema};
  });
}

/**
 * Reads an input catalog the way the SDK and singer-python do: stream `selected` in breadcrumb
 * `[]` metadata, Meltano's top-level copy, or legacy `schema.selected`; field deselection
 * honoured except for automatic fields. Streams come back in registry order.
 */
export function selectStreams(input: unknown, file: string, defs: readonly StreamSpec[]): Selection[] {
  if (!isObject(input) || !Array.isArray(input.streams)) {
    throw new InputError(
      `catalog ${file} must be an object with a "streams" array; create one with --discover`,
    );
  }
  const chosen = new Map<string, Selection>();
  input.streams.forEach((entry, index) => {
    const where = `catalog ${file}: streams[${index}]`;
    if (!isObject(entry)) throw new InputError(`${where} must be an object`);
    const id = entry.tap_stream_id ?? entry.stream;
    if (typeof id !== 'string') throw new InputError(`${where} has no tap_stream_id; run --discover again`);
    const metadata = readMetadata(entry, where);
    if (!isStreamSelected(entry, metadata)) return;
    const def = defs.find((d) => d.name === id);
    if (!def) {
      throw new InputError(
        `${where} selects stream "${id}", which tap-segment does not have; run --discover again and reselect`,
      );
    }
    chosen.set(id, selectFields(def, metadata, `${where} (${id})`));
  });
  return defs.filter((d) => chosen.has(d.name)).map((d) => chosen.get(d.name) as Selection);
}

type MetadataMap = Map<string, JsonObject>;

function readMetadata(entry: JsonObject, where: string): MetadataMap {
  const map: MetadataMap = new Map();
  if (entry.metadata === undefined) return map;
  if (!Array.isArray(entry.metadata)) throw new InputError(`${where}.metadata must be an array`);
  for (const item of entry.metadata) {
    if (!isObject(item) || !Array.isArray(item.breadcrumb) || !isObject(item.metadata)) {
      throw new InputError(`${where}.metadata entries need a "breadcrumb" array and a "metadata" object`);
    }
    map.set(item.breadcrumb.join('/'), item.metadata);
  }
  return map;
}

function parseSelectedFlag(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

function isStreamSelected(entry: JsonObject, metadata: MetadataMap): boolean {
  const schema = isObject(entry.schema) ? entry.schema : {};
  return (
    parseSelectedFlag(metadata.get('')?.selected) ??
    parseSelectedFlag(entry.selected) ??
    parseSelectedFlag(schema.selected) ??
    false
  );
}

function selectFields(def: StreamSpec, metadata: MetadataMap, where: string): Selection {
  const schema = schemaFor(def);
  const known = new Set(propertyNames(schema));
  for (const [breadcrumb, meta] of metadata) {
    const field = /^properties\/([^/]+)$/.exec(breadcrumb)?.[1];
    if (field !== undefined && !known.has(field) && parseSelectedFlag(meta.selected) === true) {
      throw new InputError(
        `${where} selects field "${field}", which the stream does not have; run --discover again`,
      );
    }
  }
  const automatic = automaticFields(def);
  const fields = propertyNames(schema).filter((name) => {
    if (automatic.has(name)) return true;
    const meta = metadata.get(`properties/${name}`);
    if (meta?.inclusion === 'unsupported') return false;
    return parseSelectedFlag(meta?.selected) ?? true;
  });
  const properties = schema.properties as JsonObject;
  const kept = Object.fromEntries(fields.map((name) => [name, properties[name] ?? {}]));
  return {def, schema: {...schema, properties: kept}, fields, fullSchema: schema};
}

// Turns raw API items into the records a stream emits: reshape, convert, redact, validate, project.
import type {ErrorObject} from 'ajv';
import {RecordValidationError} from '../shared/errors.js';
import {describe, isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {redactRecord} from './redact.js';
import {allowedTypes, fieldPath, valueAt} from './schema-errors.js';
import {compileValidator, dateTimeFields} from './schemas.js';
import type {StreamDef} from '../public-api/streams.js';
import {toIsoUtc} from '../shared/time.js';

export interface ShaperOptions {
  readonly def: StreamDef;
  /** The stream's full schema (validation) and the fields selected for output, in schema order. */
  readonly schema: JsonObject;
  readonly fields: readonly string[];
  readonly redact: boolean;
  readonly log: Logger;
}

export type RecordShaper = (item: JsonValue, parentId?: string) => JsonObject[];

/**
 * API item → the stream's records before validation: the stream's reshaping, the parent id,
 * bigint strings as integers, date-times in UTC. Shared by the sync and the drift check.
 */
export function createRecordPreparer(def: StreamDef, schema: JsonObject): RecordShaper {
  const dateFields = dateTimeFields(schema);
  const prepare = (raw: JsonObject, parentId?: string): JsonObject => {
    let record: JsonObject = raw;
    if (def.parent && parentId !== undefined) record = {...record, [def.parent.field]: parentId};
    if (def.integerFields) record = toIntegers(record, def.integerFields);
    for (const field of dateFields) {
      const value = record[field];
      // An unparseable value is left alone; validation then names the field.
      if (typeof value === 'string' && !value.endsWith('Z'))
        record = {...record, [field]: toIsoUtc(value) ?? value};
    }
    return record;
  };
  return (item, parentId) => {
    const items = def.transform ? def.transform(item) : [item];
    return items.map((raw) => {
      if (!isObject(raw)) {
        throw new RecordValidationError(
          `stream ${def.name}: the API returned ${describe(raw)} where a record object belongs`,
        );
      }
      return prepare(raw, parentId);
    });
  };
}

/** Built once per stream per run: the validator is compiled here, never per record. */
export function createRecordShaper(options: ShaperOptions): RecordShaper {
  const {def, schema, fields, log} = options;
  const validate = compileValidator(def, schema);
  const prepare = createRecordPreparer(def, schema);
  const warned = new Set<string>();

  const shape = (prepared: JsonObject): JsonObject => {
    let record = prepared;
    if (options.redact) record = redactRecord(record);
    return project(checked(record));
  };
  const project = compileProjection(fields);

  const checked = (record: JsonObject): JsonObject => {
    if (validate(record)) return record;
    const errors = validate.errors ?? [];
    const unknown = errors.filter((e) => e.keyword === 'additionalProperties');
    if (unknown.length === 0) throw invalid(def, record, errors);
    const copy = structuredClone(record);
    for (const error of unknown) dropUnknown(copy, error, def.name, warned, log);
    if (validate(copy)) return copy;
    throw invalid(def, copy, validate.errors ?? []);
  };

  return (item, parentId) => prepare(item, parentId).map(shape);
}

/**
 * Same keys in the same order in every record, null when absent (target-csv builds its header from
 * the first record). Compiled to one object literal per stream: V8 then creates every record with
 * one fixed shape, several times faster than assigning keys in a loop. Field names come from the
 * schema files and are embedded as JSON string literals.
 */
function compileProjection(fields: readonly string[]): (record: JsonObject) => JsonObject {
  const body = fields.map((f) => `${JSON.stringify(f)}: r[${JSON.stringify(f)}] ?? null`).join(',\n');
  const build = new Function('r', `return {${body}};`) as (record: JsonObject) => JsonObject;
  // Most API items already have exactly these keys in this order: reuse them instead of copying.
  const conforms = (record: JsonObject): boolean => {
    let index = 0;
    for (const key in record) {
      if (key !== fields[index] || record[key] === undefined) return false;
      index += 1;
    }
    return index === fields.length;
  };
  return (record) => (conforms(record) ? record : build(record));
}

function toIntegers(record: JsonObject, fields: readonly string[]): JsonObject {
  const out = {...record};
  for (const field of fields) {
    const value = out[field];
    if (typeof value !== 'string') continue;
    // Segment sends bigints as strings; counts stay far below 2^53. Anything else stays a string,
    // and validation then names the field.
    const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(number)) out[field] = number;
  }
  return out;
}

function dropUnknown(
  record: JsonObject,
  error: ErrorObject,
  stream: string,
  warned: Set<string>,
  log: Logger,
): void {
  const field = String(error.params.additionalProperty);
  const target = valueAt(record, error.instancePath);
  if (isObject(target)) delete target[field];
  const path = fieldPath(error.instancePath, field);
  if (!warned.has(path)) {
    warned.add(path);
    log.warn(
      `stream ${stream}: the API sent field "${path}", which the schema does not declare; dropping it (warned once per run)`,
    );
  }
}

function invalid(def: StreamDef, record: JsonObject, errors: ErrorObject[]): RecordValidationError {
  const key = def.keyProperties.map((k) => `${k}=${JSON.stringify(record[k] ?? null)}`).join(', ');
  const details = errors
    .filter((e) => e.keyword !== 'additionalProperties')
    .slice(0, 3)
    .map((e) => {
      if (e.keyword === 'required') {
        const missing = String(e.params.missingProperty);
        return `${missing === def.replicationKey ? 'replication key' : 'key property'} ${missing} is missing`;
      }
      const field = e.instancePath.slice(1).replace(/\//g, '.');
      const rule = e.keyword === 'type' ? `must be ${allowedTypes(e)}` : (e.message ?? 'is invalid');
      return `field ${field} ${rule} (got ${describe(valueAt(record, e.instancePath))})`;
    })
    .join('; ');
  return new RecordValidationError(
    `stream ${def.name}, record ${key}: ${details}. The API response does not match the tap's schema; ` +
      'please open an issue with this line',
  );
}

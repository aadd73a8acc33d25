// Turns a source's prepared records into the records a stream emits: redact, validate, project.
import type {ErrorObject} from 'ajv';
import {RecordValidationError} from '../shared/errors.js';
import {describe, isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {toIsoUtc} from '../shared/time.js';
import type {StreamSpec} from '../singer/catalog.js';
import {redactRecord} from './redact.js';
import {allowedTypes, fieldPath, valueAt} from './schema-errors.js';
import {compileValidator, dateTimeFields} from './schemas.js';

export interface ShaperOptions {
  readonly def: StreamSpec;
  /** The stream's full schema (validation) and the fields selected for output, in schema order. */
  readonly schema: JsonObject;
  readonly fields: readonly string[];
  readonly redact: boolean;
  readonly log: Logger;
  /** The source's own step: one item → the stream's records before validation. */
  readonly prepare: ItemToRecords;
}

/**
 * One item as a source reads it (with its parent's id, for child streams) → zero or more records,
 * in a fresh array that the caller owns: the shaper replaces its records in place.
 */
export type ItemToRecords = (item: JsonValue, parentId?: string) => JsonObject[];
/** The same, validated and projected: what a stream emits. */
export type RecordShaper = ItemToRecords;

/**
 * Date-times in UTC `Z` (an offset is converted, a missing zone means UTC), for every top-level
 * `format: date-time` field of the schema. Sources apply it while preparing their items.
 */
export function createDateNormalizer(schema: JsonObject): (record: JsonObject) => JsonObject {
  const dateFields = dateTimeFields(schema);
  return (prepared) => {
    let record = prepared;
    for (const field of dateFields) {
      const value = record[field];
      // An unparseable value is left alone; validation then names the field.
      if (typeof value === 'string' && !value.endsWith('Z'))
        record = {...record, [field]: toIsoUtc(value) ?? value};
    }
    return record;
  };
}

/** Built once per stream per run: the validator is compiled here, never per record. */
export function createRecordShaper(options: ShaperOptions): RecordShaper {
  const {def, schema, fields, log, prepare} = options;
  const validate = compileValidator(def, schema);
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

  // In place, over the preparer's own array: a second array per item (`.map`) is garbage that
  // every record of a sync would pay for.
  return (item, parentId) => {
    const records = prepare(item, parentId);
    for (let i = 0; i < records.length; i++) records[i] = shape(records[i] as JsonObject);
    return records;
  };
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

function invalid(def: StreamSpec, record: JsonObject, errors: ErrorObject[]): RecordValidationError {
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

// Compiles one strict validator per stream and finds its date-time fields.
import {Ajv, type ValidateFunction} from 'ajv';
import {isObject, type JsonObject} from '../shared/json.js';
import type {StreamSpec} from '../singer/catalog.js';

/** Top-level properties declared `format: date-time`; the tap normalises them to UTC `Z`. */
export function dateTimeFields(schema: JsonObject): string[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties)
    .filter(([, p]) => isObject(p) && p.format === 'date-time')
    .map(([name]) => name);
}

/**
 * RFC 3339 date-time with a zone, as targets and singer-check-tap demand. One regular expression:
 * it runs on every timestamp of every record, so it must be cheap.
 */
const RFC3339_DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):?[0-5]\d)$/;

/** What the validators accept as `format: date-time` (sources use it to decide what to normalise). */
export function isDateTime(value: string): boolean {
  return RFC3339_DATE_TIME.test(value);
}

let ajv: Ajv | undefined;
function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({allErrors: true, strict: false});
    ajv.addFormat('date-time', RFC3339_DATE_TIME);
    ajv.addFormat('date', /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
  }
  return ajv;
}

/**
 * A validator that also reports undeclared fields: every object that declares `properties`
 * and says nothing about extras is closed, so an unknown field shows up as an error the
 * record shaper can turn into a one-time warning. Key properties and the replication key are
 * required: the bookmark is read from the replication key, so a record without it must fail here,
 * naming stream and field, rather than later with a TypeError.
 */
export function compileValidator(def: StreamSpec, schema: JsonObject): ValidateFunction {
  const strict = closeObjects(structuredClone(schema)) as JsonObject;
  const replicationKey = def.replicationKey && !def.keyProperties.includes(def.replicationKey);
  strict.required = [...def.keyProperties, ...(replicationKey ? [def.replicationKey] : [])];
  return sharedAjv().compile(strict);
}

function closeObjects(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  if (isObject(schema.properties)) {
    for (const property of Object.values(schema.properties)) closeObjects(property);
    if (schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
  if (schema.items !== undefined) closeObjects(schema.items);
  return schema;
}

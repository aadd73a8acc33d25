// One strict validator per stream (compiled by `npm run build`, or by ajv for a schema known only at run time) and its date-time fields.
import {createRequire} from 'node:module';
import type {Ajv as AjvClass, ValidateFunction} from 'ajv';
import {isObject, type JsonObject} from '../shared/json.js';
import {loadPrebuilt} from '../shared/prebuilt.js';
import type {StreamSpec} from '../singer/catalog.js';
import {formats} from './formats.js';

/** Top-level properties declared `format: date-time`; the tap normalises them to UTC `Z`. */
export function dateTimeFields(schema: JsonObject): string[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties)
    .filter(([, p]) => isObject(p) && p.format === 'date-time')
    .map(([name]) => name);
}

/** What the validators accept as `format: date-time` (sources use it to decide what to normalise). */
export function isDateTime(value: string): boolean {
  return formats['date-time'].test(value);
}

/** The options of every record validator, at run time and in the ones `npm run build` compiles. */
export const RECORD_VALIDATOR_OPTIONS = {allErrors: true, strict: false} as const;

/** The validators `npm run build` compiled and a run loaded (loadValidators), by stream name. */
const prebuilt = new Map<string, {schema: string; validate: ValidateFunction}>();

/**
 * Loads the build's validators of these streams, before their shapers are made: compiling a
 * schema with ajv costs tens of milliseconds at start-up, loading its compiled code about one.
 * A stream with no compiled validator (a per-event stream) is compiled by ajv when asked for.
 * Returns how many of them have one.
 */
export async function loadValidators(names: readonly string[]): Promise<number> {
  const wanted = [...new Set(names)].filter((name) => !prebuilt.has(name) && /^[a-z0-9_]+$/.test(name));
  const modules = await Promise.all(
    wanted.map((name) => loadPrebuilt<{schema: string; validate: ValidateFunction}>(`validators/${name}`)),
  );
  for (const [i, module] of modules.entries()) if (module) prebuilt.set(wanted[i] as string, module);
  return names.filter((name) => prebuilt.has(name)).length;
}

let ajv: AjvClass | undefined;
function sharedAjv(): AjvClass {
  if (!ajv) {
    // Required only when a schema was not compiled at build time, so that most runs never load ajv's compiler.
    const {Ajv} = createRequire(import.meta.url)('ajv') as {Ajv: typeof AjvClass};
    ajv = new Ajv(RECORD_VALIDATOR_OPTIONS);
    for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
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
  const strict = strictSchema(def, schema);
  // The build's validator only for exactly the schema it was compiled from (a catalog that
  // deselects fields, or a per-event stream, gives another schema).
  const built = prebuilt.get(def.name);
  if (built && built.schema === JSON.stringify(strict)) return built.validate;
  return sharedAjv().compile(strict);
}

/** The schema a stream's validator checks: closed objects, key properties and replication key required. */
export function strictSchema(def: StreamSpec, schema: JsonObject): JsonObject {
  const strict = closeObjects(structuredClone(schema)) as JsonObject;
  const replicationKey = def.replicationKey && !def.keyProperties.includes(def.replicationKey);
  strict.required = [...def.keyProperties, ...(replicationKey ? [def.replicationKey] : [])];
  return strict;
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

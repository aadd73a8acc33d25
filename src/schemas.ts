// Loads schemas/<stream>.json once and compiles one strict validator per stream.
import {readFileSync} from 'node:fs';
import {Ajv, type ValidateFunction} from 'ajv';
import formatsModule from 'ajv-formats';
import {isObject, type JsonObject} from './json.js';
import type {StreamDef} from './streams.js';

const SCHEMA_DIR = new URL('../schemas/', import.meta.url);

export function loadSchema(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`${name}.json`, SCHEMA_DIR), 'utf8')) as JsonObject;
}

/** Top-level properties declared `format: date-time`; the tap normalises them to UTC `Z`. */
export function dateTimeFields(schema: JsonObject): string[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return Object.entries(properties)
    .filter(([, p]) => isObject(p) && p.format === 'date-time')
    .map(([name]) => name);
}

let ajv: Ajv | undefined;
function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({allErrors: true, strict: false});
    // ajv-formats is CommonJS; under NodeNext its default import is the module object.
    const addFormats = formatsModule.default;
    addFormats(ajv, ['date-time', 'date']);
  }
  return ajv;
}

/**
 * A validator that also reports undeclared fields: every object that declares `properties`
 * and says nothing about extras is closed, so an unknown field shows up as an error the
 * record shaper can turn into a one-time warning. Key properties are required.
 */
export function compileValidator(def: StreamDef, schema: JsonObject): ValidateFunction {
  const strict = closeObjects(structuredClone(schema)) as JsonObject;
  strict.required = [...def.keyProperties];
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

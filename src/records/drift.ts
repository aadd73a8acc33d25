// Compares records with their stream's schema and describes the differences by field name and type name only.
import type {ErrorObject} from 'ajv';
import type {JsonObject, JsonValue} from '../shared/json.js';
import type {StreamSpec} from '../singer/catalog.js';
import {allowedTypes, fieldPath, valueAt} from './schema-errors.js';
import {compileValidator} from './schemas.js';

export interface TypeMismatch {
  field: string;
  expected: string;
  actual: string;
}

export interface Drift {
  extra_fields: string[];
  type_mismatches: TypeMismatch[];
  missing_keys: string[];
}

/** Collects drift over many records; never keeps a value, only paths and type names. */
export function createDriftCheck(def: StreamSpec, schema: JsonObject) {
  const validate = compileValidator(def, schema);
  const extra = new Set<string>();
  const mismatches = new Map<string, TypeMismatch>();
  const missing = new Set<string>();

  return {
    check(record: JsonObject): void {
      if (validate(record)) return;
      for (const error of validate.errors ?? []) classify(error, record);
    },
    result(): Drift {
      return {
        extra_fields: [...extra].sort(),
        type_mismatches: [...mismatches.values()],
        missing_keys: [...missing],
      };
    },
  };

  function classify(error: ErrorObject, record: JsonObject): void {
    const path = fieldPath(error.instancePath);
    if (error.keyword === 'additionalProperties') {
      extra.add(fieldPath(error.instancePath, String(error.params.additionalProperty)));
    } else if (error.keyword === 'required') {
      missing.add(String(error.params.missingProperty));
    } else if (error.keyword === 'type' || error.keyword === 'format') {
      const expected = error.keyword === 'type' ? allowedTypes(error) : `string (${error.params.format})`;
      mismatches.set(path, {field: path, expected, actual: typeName(valueAt(record, error.instancePath))});
    }
  }
}

/** The shape of a value, never the value: a string that is not a date-time is still just "string". */
function typeName(value: JsonValue | undefined): string {
  if (value === null) return 'null';
  if (value === undefined) return 'absent';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

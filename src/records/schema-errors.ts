// Reading ajv errors: where in a record they point, and what the schema allows there; shared by validation and drift.
import type {ErrorObject} from 'ajv';
import {isObject, type JsonValue} from '../shared/json.js';

/** The value a JSON pointer (`/permissions/0/type`) points at, or undefined. */
export function valueAt(root: JsonValue, pointer: string): JsonValue | undefined {
  let value: JsonValue | undefined = root;
  for (const segment of pointer.split('/').slice(1)) {
    value = isObject(value) || Array.isArray(value) ? (value as never)[segment] : undefined;
  }
  return value;
}

/** `/permissions/0/resources/1/type` → `permissions[].resources[].type` (one name for every array item). */
export function fieldPath(pointer: string, ...more: string[]): string {
  return [...pointer.split('/').slice(1), ...more]
    .map((s) => (/^\d+$/.test(s) ? '[]' : s))
    .join('.')
    .replace(/\.\[\]/g, '[]');
}

/** A `type` error's allowed types in words: `null or boolean`. */
export function allowedTypes(error: ErrorObject): string {
  return String(error.params.type).split(',').join(' or ');
}

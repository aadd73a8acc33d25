// The JSON Schema of each stream, read from schemas/<stream>.json (file name = stream name, for every source).
import {readFileSync} from 'node:fs';
import type {JsonObject} from '../shared/json.js';
import {packageFile} from '../shared/package-files.js';

const SCHEMA_DIR = packageFile('schemas/');

/** A fresh copy on every call: callers may annotate what they get. */
export function loadSchema(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`${name}.json`, SCHEMA_DIR), 'utf8')) as JsonObject;
}

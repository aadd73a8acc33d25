// One archive line → the stream of its call type and a record of snake_case columns; anything odd is kept or named, never fatal.
import {isDateTime} from '../records/schemas.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import {REDACTED} from '../shared/redaction.js';
import {toIsoUtc} from '../shared/time.js';
import {
  COLUMN_KINDS,
  COMMON_FIELDS,
  columnsOf,
  EXTRA_COLUMN,
  STREAM_OF_TYPE,
  TYPE_FIELDS,
} from './streams.js';

/** Where a line sits in the archive: becomes the _sdc_* columns. */
export interface Position {
  readonly sourceId: string;
  readonly key: string;
  readonly line: number;
  /** ISO-8601 UTC. */
  readonly lastModified: string;
}

export type Routed =
  | {readonly stream: string; readonly type: string; readonly record: JsonObject}
  | {readonly problem: 'no-message-id' | 'no-type' | 'unknown-type' | 'not-object'; readonly type?: string};

const WRITE_KEY = /^write_?key$/i;

/** Per call type: top-level key → column, and the record template in schema order. */
const MAPPINGS = new Map(
  Object.keys(TYPE_FIELDS).map((type) => [
    type,
    {fields: {...COMMON_FIELDS, ...TYPE_FIELDS[type]} as Record<string, string>, columns: columnsOf(type)},
  ]),
);

/**
 * Maps one parsed message. Known keys of the wrong type (an object where a string belongs, a
 * timestamp that is no date) and unknown keys go to `_sdc_extra`, so validation never fails on
 * what Segment or a client sent; `writeKey` values are redacted when `redact` is on.
 */
export function routeMessage(message: JsonValue, at: Position, redact: boolean): Routed {
  if (!isObject(message)) return {problem: 'not-object'};
  const type = message.type;
  if (typeof type !== 'string' || type === '') return {problem: 'no-type'};
  const mapping = MAPPINGS.get(type);
  if (!mapping) return {problem: 'unknown-type', type};
  const id = message.messageId;
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number')
    return {problem: 'no-message-id', type};
  const record: JsonObject = {};
  for (const column of mapping.columns) record[column] = null;
  let extra: JsonObject | null = null;
  for (const key in message) {
    const value = message[key] as JsonValue;
    const column = mapping.fields[key];
    const fitted = column === undefined ? undefined : fitColumn(column, value, redact);
    if (column !== undefined && fitted !== undefined) record[column] = fitted;
    else if (value !== null) {
      extra ??= {};
      extra[key] = redact && WRITE_KEY.test(key) && typeof value === 'string' ? REDACTED : value;
    }
  }
  record.message_id = String(id);
  record._sdc_source_id = at.sourceId;
  record._sdc_s3_key = at.key;
  record._sdc_line = at.line;
  record._sdc_last_modified = at.lastModified;
  record[EXTRA_COLUMN] = extra;
  return {stream: STREAM_OF_TYPE[type] as string, type, record};
}

/** The value as the column's type wants it, or undefined when it does not fit (it then goes to _sdc_extra). */
function fitColumn(column: string, value: JsonValue, redact: boolean): JsonValue | undefined {
  if (value === null) return null;
  switch (COLUMN_KINDS[column]) {
    case 'object':
      if (!isObject(value)) return undefined;
      return redact && column === 'context' ? redactContext(value) : value;
    case 'date-time':
      if (typeof value !== 'string') return undefined;
      if (value.endsWith('Z') && isDateTime(value)) return value;
      return toIsoUtc(value);
    default:
      // version arrives as 2 or "1.1"; ids sometimes as numbers: keep them, as strings.
      if (typeof value === 'string') return value;
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  }
}

function redactContext(context: JsonObject): JsonObject {
  for (const key in context) {
    if (WRITE_KEY.test(key) && typeof context[key] === 'string') return {...context, [key]: REDACTED};
  }
  return context;
}

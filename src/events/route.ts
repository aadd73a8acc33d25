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

type Fit = (value: JsonValue, redact: boolean) => JsonValue | undefined;
type Build = (
  message: JsonObject,
  fit: Record<string, Fit>,
  redact: boolean,
  counts: {known: number},
) => JsonObject;

interface Mapping {
  readonly fields: Readonly<Record<string, string>>;
  readonly build: Build;
}

/**
 * Per call type, a record builder compiled once: one object literal in schema order (one hidden
 * class per stream), each known key read and fitted by name. This is the hot path: it runs on
 * every line of the archive. Keys and columns come from streams.ts and are embedded as JSON literals.
 */
function compile(type: string): Mapping {
  const fields = {...COMMON_FIELDS, ...TYPE_FIELDS[type]} as Record<string, string>;
  const columns = columnsOf(type);
  const literal = columns.map((c) => `${JSON.stringify(c)}: null`).join(', ');
  const reads = Object.entries(fields)
    .map(([key, column]) => {
      const k = JSON.stringify(key);
      return `v = m[${k}]; if (v !== undefined) { known++; if (v !== null) { f = fit.${COLUMN_KINDS[column] === 'date-time' ? 'date' : COLUMN_KINDS[column]}(v, redact); if (f === undefined) (extra ??= {})[${k}] = v; else record[${JSON.stringify(column)}] = f; } }`;
    })
    .join('\n');
  const build = new Function(
    'm',
    'fit',
    'redact',
    'counts',
    `const record = {${literal}}; let v; let f; let known = 0; let extra = null;\n${reads}\n` +
      `record[${JSON.stringify(EXTRA_COLUMN)}] = extra; counts.known = known; return record;`,
  ) as Build;
  return {fields, build};
}

/** The builder's count of known keys, reused: one object for every line. */
const COUNTS = {known: 0};

const MAPPINGS = new Map(Object.keys(TYPE_FIELDS).map((type) => [type, compile(type)]));

const FIT: Record<string, Fit> = {
  object: (value, redact) => (isObject(value) ? (redact ? redactContext(value) : value) : undefined),
  date: (value) => {
    if (typeof value !== 'string') return undefined;
    if (isIsoMillisUtc(value) || (value.endsWith('Z') && isDateTime(value))) return value;
    // In UTC a year-0000 or year-9999 offset can leave the four digits RFC 3339 allows (-000001-…).
    const utc = toIsoUtc(value);
    return utc !== undefined && utc.length === 24 ? utc : undefined;
  },
  // version arrives as 2 or "1.1"; ids sometimes as numbers: keep them, as strings.
  string: (value) =>
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : undefined,
};

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
  const record = mapping.build(message, FIT, redact, COUNTS);
  // Keys the builder did not read: only when the message has more keys than it found. (for-in
  // counts without allocating, unlike Object.keys; this runs on every line.)
  let keys = 0;
  for (const _ in message) keys += 1;
  if (keys !== COUNTS.known) {
    let extra = record[EXTRA_COLUMN] as JsonObject | null;
    for (const key in message) {
      const value = message[key] as JsonValue;
      if (key in mapping.fields || value === null) continue;
      extra ??= {};
      extra[key] = redact && isWriteKey(key) && typeof value === 'string' ? REDACTED : value;
    }
    record[EXTRA_COLUMN] = extra;
  }
  record.message_id = String(id);
  record._sdc_source_id = at.sourceId;
  record._sdc_s3_key = at.key;
  record._sdc_line = at.line;
  record._sdc_last_modified = at.lastModified;
  return {stream: STREAM_OF_TYPE[type] as string, type, record};
}

function redactContext(context: JsonObject): JsonObject {
  for (const key in context) {
    if (isWriteKey(key) && typeof context[key] === 'string') return {...context, [key]: REDACTED};
  }
  return context;
}

/** writeKey, write_key, WRITEKEY…: the length test first, it spares the regex on almost every key. */
function isWriteKey(key: string): boolean {
  return (key.length === 8 || key.length === 9) && WRITE_KEY.test(key);
}

/** Offsets of the digits in `2024-05-06T07:08:09.123Z`. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * True for exactly the form toISOString writes (`YYYY-MM-DDTHH:MM:SS.sssZ`, fields in range), which
 * is what Segment writes: checked by character codes, several times cheaper than the RFC 3339
 * regex that every other form still goes through. Accepts nothing that isDateTime refuses.
 */
export function isIsoMillisUtc(value: string): boolean {
  if (value.length !== 24) return false;
  if (value.charCodeAt(23) !== 90 || value.charCodeAt(10) !== 84 || value.charCodeAt(19) !== 46) return false;
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  for (const i of DIGITS) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const two = (i: number) => (value.charCodeAt(i) - 48) * 10 + value.charCodeAt(i + 1) - 48;
  const month = two(5);
  const day = two(8);
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && two(11) <= 23 && two(14) <= 59 && two(17) <= 60
  );
}

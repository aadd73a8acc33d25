// Cursor pagination shared by every list route: pagination.count / pagination.cursor in, data.pagination out.

import {type ApiError, apiError, type CursorCodec, type JsonObject, type Listing} from './types.js';

export const DEFAULT_COUNT = 200;
export const MAX_COUNT = 1000;

export const toBase64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
export const fromBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

/** base64 of the offset, left-padded with '0' so the cursor always carries '=' (MA==, Mw==, MTA=). */
export function encodeOffset(offset: number): string {
  const digits = String(offset);
  return toBase64(digits.length % 3 === 0 ? `0${digits}` : digits);
}

export function decodeOffset(cursor: unknown): number | undefined {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return undefined;
  const digits = fromBase64(cursor);
  return /^\d{1,15}$/.test(digits) ? Number(digits) : undefined;
}

export const offsetCodec: CursorCodec = {encode: encodeOffset, decode: decodeOffset};

/** The reverse-ETL sync listing's own paging: top-level `count` (1–100, default 10) and `cursor`. */
const TOP_LEVEL = {count: 'count', cursor: 'cursor', fallback: 10, max: 100};
const NESTED = {
  count: 'pagination.count',
  cursor: 'pagination.cursor',
  fallback: DEFAULT_COUNT,
  max: MAX_COUNT,
};

function readCount(query: URLSearchParams, names: typeof NESTED): number | ApiError {
  const text = query.get(names.count);
  if (text === null) return names.fallback;
  const count = Number(text);
  if (/^\d+$/.test(text) && count >= 1 && count <= names.max) return count;
  return apiError(
    422,
    'ValidationFailure',
    `${names.count} must be an integer between 1 and ${names.max}`,
    names.count,
  );
}

/** The `data` object of one page of a list listing. */
export function pageData(
  listing: Extract<Listing, {kind: 'list'}>,
  query: URLSearchParams,
): JsonObject | ApiError {
  const {collection, key} = listing;
  if (!listing.paged) {
    return {[key]: Array.from({length: collection.count}, (_, k) => collection.item(k))};
  }
  const names = listing.topLevel ? TOP_LEVEL : NESTED;
  const size = readCount(query, names);
  if (typeof size !== 'number') return size;
  const codec = listing.codec ?? offsetCodec;
  const cursor = query.get(names.cursor);
  const offset = cursor === null ? 0 : codec.decode(cursor);
  if (offset === undefined || offset > collection.count) {
    return apiError(422, 'ValidationFailure', 'Invalid pagination cursor', names.cursor);
  }
  const end = Math.min(collection.count, offset + size);
  const items: unknown[] = [];
  for (let k = offset; k < end; k++) items.push(collection.item(k));
  const pagination: JsonObject = {current: codec.encode(offset)};
  if (end < collection.count) pagination.next = codec.encode(end);
  if (offset > 0) pagination.previous = codec.encode(Math.max(0, offset - size));
  pagination.totalEntries = collection.count;
  return {...listing.extra, [key]: items, pagination};
}

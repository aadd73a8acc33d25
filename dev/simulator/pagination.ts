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

function readCount(query: URLSearchParams): number | ApiError {
  const text = query.get('pagination.count');
  if (text === null) return DEFAULT_COUNT;
  const count = Number(text);
  if (/^\d+$/.test(text) && count >= 1 && count <= MAX_COUNT) return count;
  return apiError(
    422,
    'ValidationFailure',
    `pagination.count must be an integer between 1 and ${MAX_COUNT}`,
    'pagination.count',
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
  const size = readCount(query);
  if (typeof size !== 'number') return size;
  const codec = listing.codec ?? offsetCodec;
  const cursor = query.get('pagination.cursor');
  const offset = cursor === null ? 0 : codec.decode(cursor);
  if (offset === undefined || offset > collection.count) {
    return apiError(422, 'ValidationFailure', 'Invalid pagination cursor', 'pagination.cursor');
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

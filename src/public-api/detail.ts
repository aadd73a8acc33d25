// List items → full items: the detail GET for an item the list gives without what only the detail holds; keyless items skipped.
import {ForbiddenError, HttpError, ResponseShapeError} from '../shared/errors.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {ApiAccess} from './reader.js';
import type {StreamDef} from './streams.js';

export type ItemsToFull = (items: JsonValue[]) => Promise<JsonValue[]>;

export interface DetailOptions {
  readonly log: Logger;
  readonly strict: boolean;
  /** At most this many detail reads (`--test=streams` reads one); unlimited when absent. */
  readonly maxReads?: number;
}

/**
 * Built once per stream per run. Each item that lacks any of `def.detail.fields` is read again
 * with its detail GET (one request per item, one at a time, under the shared rate limit) and the
 * detail's fields win. An item deleted since it was listed (404) is skipped; a 403 on the detail
 * (unless strict_streams) stops the detail reads of the stream, whose remaining items keep the
 * list's fields. With `def.keyless === 'skip'`, an item without an id is skipped with a warning.
 * Streams without `detail` or `keyless` get the same array back: the reader lets go of each item
 * once it is a record, and a copy would keep the page whole.
 */
export function createDetailReader(def: StreamDef, api: ApiAccess, options: DetailOptions): ItemsToFull {
  const {detail} = def;
  const {log} = options;
  let reads = 0;
  let denied = false;
  let keyless = 0;

  const lacks = (item: JsonObject): boolean =>
    detail !== undefined && !denied && detail.fields.some((field) => !(field in item));

  const full = async (item: JsonObject, id: string): Promise<JsonObject | undefined> => {
    if (!detail || !lacks(item) || reads >= (options.maxReads ?? Number.POSITIVE_INFINITY)) return item;
    reads += 1;
    const path = detail.path.replace('{id}', encodeURIComponent(id));
    try {
      const body = await api.http.getJson(
        path,
        {},
        {stream: def.name, ...(def.accept ? {accept: def.accept} : {})},
      );
      const value = isObject(body.data) ? body.data[detail.recordsKey] : undefined;
      if (!isObject(value)) {
        throw new ResponseShapeError(
          `stream ${def.name}: GET ${path} answered without the data.${detail.recordsKey} object; the API may have changed, please report it`,
        );
      }
      return {...item, ...value};
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) {
        log.warn(`stream ${def.name}: ${id} is gone since it was listed (404 on GET ${path}); skipping it`);
        return undefined;
      }
      if (!(error instanceof ForbiddenError) || options.strict) throw error;
      denied = true;
      log.warn(
        `stream ${def.name}: ${error.message}; the rest of this stream keeps the list's fields only ` +
          `(${detail.fields.join(', ')} stay null). Set strict_streams: true to make this fatal`,
      );
      return item;
    }
  };

  return async (items) => {
    if (!detail && !def.keyless) return items;
    const out: JsonValue[] = [];
    for (const item of items) {
      const id = isObject(item) && typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
      if (!isObject(item) || (id === undefined && !def.keyless)) {
        out.push(item); // validation names what is wrong with it
        continue;
      }
      if (id === undefined) {
        keyless += 1;
        if (keyless === 1) log.warn(keylessWarning(def, item));
        continue;
      }
      const complete = await full(item, id);
      if (complete !== undefined) out.push(complete);
    }
    return out;
  };
}

function keylessWarning(def: StreamDef, item: JsonObject): string {
  const about = ['resourceType', 'displayName']
    .filter((field) => typeof item[field] === 'string')
    .map((field) => `${field} ${JSON.stringify(item[field])}`)
    .join(', ');
  return (
    `stream ${def.name}: the API listed an item without an id${about ? ` (${about})` : ''}; skipping it and any ` +
    'other without one: the id is the key a target upserts on and the address of its detail (warned once per run)'
  );
}

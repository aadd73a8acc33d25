// Cursor pagination over one endpoint (data.pagination.next); knows nothing about retries.
import {PaginationLoopError} from '../shared/errors.js';
import {isObject, type JsonObject} from '../shared/json.js';
import type {GetJson, Query, RequestOptions} from './http.js';
import type {PaginationForm} from './query-form.js';

export interface PageOptions extends RequestOptions {
  readonly pageSize: number;
  /** False for endpoints that take no pagination input (`/labels`, `GET /`). */
  readonly paginated: boolean;
  /** The query form of `pagination.count` / `pagination.cursor` the API takes (one per host). */
  readonly form: PaginationForm;
}

/**
 * Yields each response body. The next request sends the cursor `data.pagination.next` (never
 * `current`, which is the page just read); the last page has no `next`. A cursor the API
 * already handed out means the API is looping, which is an error rather than an endless run.
 */
export async function* pages(
  getJson: GetJson,
  path: string,
  query: Query,
  options: PageOptions,
): AsyncGenerator<JsonObject> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = {count: options.pageSize, ...(cursor ? {cursor} : {})};
    const body = options.paginated
      ? await options.form.get(getJson, path, query, page, options)
      : await getJson(path, query, options);
    yield body;
    if (!options.paginated) return;
    const next = nextCursor(body);
    if (next === undefined) return;
    if (seen.has(next) || next === cursor) {
      throw new PaginationLoopError(
        `stream ${options.stream}: GET ${path} returned pagination cursor "${next}" a second time; ` +
          'the API is looping, so the stream stops here instead of repeating pages. Run again later or report it',
      );
    }
    seen.add(next);
    cursor = next;
  }
}

function nextCursor(body: JsonObject): string | undefined {
  const data = isObject(body.data) ? body.data : undefined;
  const pagination = data && isObject(data.pagination) ? data.pagination : undefined;
  const next = pagination?.next;
  return typeof next === 'string' && next !== '' ? next : undefined;
}

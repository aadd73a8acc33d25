// Reads one stream (or one parent's child list): pages → records → RECORD messages and bookmark events.

import type {Config} from '../config/settings.js';
import type {EngineEvent} from '../engine/context.js';
import {ResponseShapeError} from '../shared/errors.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {iso, parseInstant} from '../shared/time.js';
import {createDetailReader} from './detail.js';
import type {Dialect} from './dialect.js';
import {endpointLimit} from './endpoint-limits.js';
import type {Http, Query} from './http.js';
import {type PageOptions, pages} from './paginate.js';
import {topLevelForm} from './query-form.js';
import {planSlices, type Slice} from './slices.js';
import type {ApiContext, ApiRun} from './source.js';
import type {StreamDef} from './streams.js';

/** A child's day windows, planned once per run (so a stale bookmark is one warning, not one per parent). */
const childWindows = new WeakMap<ApiRun, Slice[]>();

/**
 * Yields one batch per page. For incremental streams it also yields ADVANCE events: after each
 * checkpoint slice (ascending data) and at the end, never past the run's signpost. A child's
 * bookmark is its parent unit's to move, after the last parent (an interrupted run must not
 * skip days for the parents it did not reach): it returns its newest replication value instead.
 */
export async function* readStream(
  run: ApiRun,
  ctx: ApiContext,
  parentId?: string,
  parent?: JsonObject,
  /** Events of other streams drawn from the same items (a child's mirror, relations.ts). */
  alsoFrom?: (items: readonly JsonValue[]) => EngineEvent[],
): AsyncGenerator<EngineEvent[], number> {
  const {def} = run;
  const fromParent = parentQuery(def, parent);
  if (fromParent === undefined) {
    ctx.log.warn(
      `stream ${def.name}: parent ${parentId} has no ${Object.values(def.parent?.query ?? {}).join(', ')}; skipping it`,
    );
    return Number.NEGATIVE_INFINITY;
  }
  const slices = def.parent
    ? childSlices(run, ctx, fromParent)
    : planSlices(def, startFor(def, ctx), ctx.signpost, ctx.log);
  const path = fillPath(def, parentId, parent);
  let newest = Number.NEGATIVE_INFINITY;
  const advance = (): EngineEvent[] =>
    def.replicationKey && !def.parent && newest > Number.NEGATIVE_INFINITY
      ? [
          {
            type: 'ADVANCE',
            stream: def.name,
            key: def.replicationKey,
            value: iso(Math.min(newest, ctx.signpost)),
          },
        ]
      : [];
  const toFull = createDetailReader(def, ctx, {log: ctx.log, strict: ctx.config.strict_streams});
  for (const [index, slice] of slices.entries()) {
    for await (const body of slicePages(def, ctx, path, slice.query)) {
      const whole = await toFull(envelopeItems(body, def, path));
      const recent = slice.since === undefined ? undefined : newestFirstSince(whole, def, slice.since);
      const listed = recent?.items ?? whole;
      const stamp = {...fromParent, ...slice.stamp};
      // The parent's fields fill what the item lacks; a window's bounds are the request's, always.
      const items =
        Object.keys(stamp).length === 0
          ? listed
          : listed.map((item) => (isObject(item) ? {...fromParent, ...item, ...slice.stamp} : item));
      // One listing of the whole stream: how far through its totalEntries (a child's is the parent's to tell).
      if (slices.length === 1 && !def.parent) trackListing(run, body, items.length);
      // A page that fans out (a volume series per source, a record per day) goes out in parts: the
      // records of the next part are only built once the engine takes this one. Items already
      // turned into records are let go, unless a mirror reads the page after its records.
      const batches = recordBatches(run, items, iso(ctx.now()), parentId, {release: !alsoFrom});
      for (let part = batches.next(); ; part = batches.next()) {
        if (part.done) {
          newest = Math.max(newest, part.value);
          break;
        }
        yield part.value;
      }
      const mirrored = alsoFrom ? alsoFrom(items) : [];
      if (mirrored.length > 0) yield mirrored;
      if (recent?.reachedBack) break;
    }
    if (slices.length > 1 && !def.parent) run.progress = {done: index + 1, total: slices.length};
    if (slice.checkpoint) yield advance();
  }
  yield advance();
  return newest;
}

/**
 * A newest-first page: its items at or after `since`, and whether it reaches behind `since` (the
 * following pages are older still). A page that is not in descending order says nothing about the
 * next one: paging then goes on.
 */
function newestFirstSince(
  items: readonly JsonValue[],
  def: StreamDef,
  since: number,
): {items: JsonValue[]; reachedBack: boolean} {
  const key = def.replicationKey as string;
  const times = items.map((item) => (isObject(item) ? parseInstant(String(item[key] ?? '')) : undefined));
  const descending = times.every((t, i) => t !== undefined && (i === 0 || t <= (times[i - 1] as number)));
  return {
    items: items.filter((_, i) => (times[i] ?? Number.POSITIVE_INFINITY) >= since),
    reachedBack: descending && times.length > 0 && (times.at(-1) as number) < since,
  };
}

/** A child's slices: its windows from the bookmark when it has any, else one listing. */
function childSlices(run: ApiRun, ctx: ApiContext, fromParent: Query): Slice[] {
  const {def} = run;
  if (!def.window) return [{query: {...def.query, ...fromParent}, checkpoint: false}];
  let planned = childWindows.get(run);
  if (!planned) {
    // A lapsed bookmark means days lost for good (WARNING); a start_date before the look-back is
    // only what the API keeps, said once at INFO on a first run.
    const bookmarked = ctx.state.bookmarks[def.name]?.replication_key_value !== undefined;
    const log: Logger = bookmarked
      ? ctx.log
      : Object.assign(Object.create(ctx.log), {warn: (m: string) => ctx.log.info(m)});
    planned = planSlices(def, startFor(def, ctx), ctx.signpost, log);
    childWindows.set(run, planned);
  }
  return planned.map((slice) => ({...slice, query: {...slice.query, ...fromParent}}));
}

/**
 * The query parameters a child takes from its parent record (a destination's `sourceId`); {} when
 * it takes none, undefined when the parent lacks one of them.
 */
export function parentQuery(def: StreamDef, parent: JsonObject | undefined): Query | undefined {
  const wanted = def.parent?.query;
  if (!wanted) return {};
  const query: Record<string, string> = {};
  for (const [param, field] of Object.entries(wanted)) {
    const value = parent?.[field];
    if (typeof value !== 'string' || value === '') return undefined;
    query[param] = value;
  }
  return query;
}

/**
 * At most this many records per batch. The engine writes a batch as one chunk, so a page that
 * fans out into tens of thousands of records (events_volume_daily: one series per source, one
 * record per day) would otherwise hold them all, and their output, at once; how many depends on
 * the workspace. A plain page of 1000 goes out in four parts: a part's records and line objects
 * are garbage once written, and the page's items are let go as they are read (release), so a
 * scavenge finds half as much alive as with the page in one batch. 100k audit events, in turn
 * with 1000: 2.2 MB promoted to old space instead of 10-12, one full collection instead of two
 * or three, 20-35 ms less CPU, 78 MB peak RSS instead of 87 (100 and 500: more CPU than 250).
 */
export const MAX_BATCH_RECORDS = 250;

/**
 * One page of API items → RECORD messages in batches of at most `limit`, counted on the run.
 * Returns the newest replication key value of the page (ms), for the bookmark.
 *
 * With `release`, each item is taken out of `items` once its records are built, for a caller
 * that reads the page no further. A page that fans out is worked through over many garbage
 * collections: events_volume_daily's one page of 480 series (43,200 records at scale 40) was
 * otherwise kept whole until its last batch, long enough for V8 to move it all to old space
 * (+18 MB there, the whole-workspace sync's peak).
 */
export function* recordBatches(
  run: ApiRun,
  items: JsonValue[],
  timeExtracted: string,
  parentId?: string,
  {limit = MAX_BATCH_RECORDS, release = false}: {limit?: number; release?: boolean} = {},
): Generator<EngineEvent[], number> {
  const {def} = run;
  const key = def.replicationKey;
  const version = run.version.version;
  let batch: EngineEvent[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  let newestText = '';
  // Indexed loops, not for-of: in a generator, an array iterator and its results per item are
  // garbage that every record of a sync pays for.
  for (let index = 0; index < items.length; index++) {
    const records = run.shape(items[index] as JsonValue, parentId);
    if (release) items[index] = null;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as JsonObject;
      if (key) {
        // Same-length UTC strings order like their instants; parse only when that shortcut cannot tell.
        const text = record[key] as string;
        if (text.length !== newestText.length || text > newestText) {
          const at = Date.parse(text);
          if (at > newest) {
            newest = at;
            newestText = text;
          }
        }
      }
      batch.push({type: 'RECORD', stream: def.name, record: run.output(record), timeExtracted, version});
      if (batch.length >= limit) {
        run.records += batch.length;
        yield batch;
        batch = [];
      }
    }
  }
  run.records += batch.length;
  if (batch.length > 0) yield batch;
  run.pages += 1;
  return newest;
}

/** One page of API items → all of its RECORD messages in one batch (a parent's own page). */
export function pageRecords(
  run: ApiRun,
  items: JsonValue[],
  timeExtracted: string,
  parentId?: string,
): {batch: EngineEvent[]; newest: number} {
  const batches = recordBatches(run, items, timeExtracted, parentId, {limit: Number.POSITIVE_INFINITY});
  const batch: EngineEvent[] = [];
  for (let part = batches.next(); ; part = batches.next()) {
    if (part.done) return {batch, newest: part.value};
    batch.push(...part.value);
  }
}

/** Counts a page's items against the listing's totalEntries, when the API sends it. */
function trackListing(run: ApiRun, body: JsonObject, items: number): void {
  const total = totalEntries(body);
  if (total !== undefined) run.progress = {done: (run.progress?.done ?? 0) + items, total};
}

/** `data.pagination.totalEntries`, which the API sends on paged listings; undefined otherwise. */
export function totalEntries(body: JsonObject): number | undefined {
  const pagination = isObject(body.data) ? body.data.pagination : undefined;
  const total = isObject(pagination) ? pagination.totalEntries : undefined;
  return typeof total === 'number' && total >= 0 ? total : undefined;
}

/** Bookmark or start_date, whichever is later (changing start_date forward skips history). */
function startFor(def: StreamDef, ctx: ApiContext): number | undefined {
  if (!def.replicationKey) return undefined;
  const bookmark = ctx.state.bookmarks[def.name]?.replication_key_value;
  // parseInstant, not Date.parse: a value without a zone is UTC here too, as the config promises.
  const candidates = [bookmark, ctx.config.start_date]
    .map((v) => (v === undefined ? undefined : parseInstant(v)))
    .filter((ms): ms is number => ms !== undefined);
  return candidates.length > 0 ? Math.max(...candidates) : undefined;
}

/** What reading pages needs of a run (ApiContext has it, and so has `--test=streams`). */
export interface ApiAccess {
  readonly http: Http;
  readonly dialect: Dialect;
  readonly config: Pick<Config, 'page_size' | 'endpoint_requests_per_minute'>;
}

/**
 * The response bodies of one listing: paged in the query form the API takes, and for a stream
 * that groups its series (`/events/volume`), in the `groupBy` form the API understands.
 */
export function slicePages(
  def: StreamDef,
  api: ApiAccess,
  path: string,
  query: Query,
): AsyncGenerator<JsonObject> {
  const options = pageOptions(def, api);
  const list = (q: Query) => pages(api.http.getJson, path, q, options);
  if (!def.groupBy) return list(query);
  const {dimension, keyField} = def.groupBy;
  return api.dialect.volumeGroupBy.pages(list, query, dimension, def.recordsKey, {
    stream: def.name,
    keyField,
  });
}

/** How a stream's endpoint is paged and paced: its page size, query form, media type and own limit. */
export function pageOptions(def: StreamDef, api: ApiAccess): PageOptions {
  const perMinute = endpointLimit(def, api.config);
  return {
    stream: def.name,
    pageSize: Math.min(
      Math.max(api.config.page_size, def.minPageSize ?? 0),
      def.maxPageSize ?? Number.POSITIVE_INFINITY,
    ),
    form: def.pageQuery === 'top-level' ? topLevelForm : api.dialect.pagination,
    paginated: def.paginated !== false,
    ...(def.accept ? {accept: def.accept} : {}),
    ...(perMinute ? {requestsPerMinute: perMinute, limitKey: def.path} : {}),
  };
}

export function fillPath(def: StreamDef, parentId?: string, parent?: JsonObject): string {
  if (!def.parent) return def.path;
  if (parentId === undefined) throw new Error(`stream ${def.name} needs a parent id`);
  let path = def.path.replace(`{${def.parent.pathParam}}`, encodeURIComponent(parentId));
  for (const [param, field] of Object.entries(def.parent.pathFields ?? {})) {
    const value = parent?.[field];
    if (typeof value !== 'string' || value === '')
      throw new Error(`stream ${def.name} needs the parent's ${field}`);
    path = path.replace(`{${param}}`, encodeURIComponent(value));
  }
  return path;
}

/** Whether a parent record feeds this child at all (ParentLink.when): the others cost no request. */
export function feedsChild(def: StreamDef, parent: JsonValue): boolean {
  const wanted = def.parent?.when ?? [];
  return wanted.every(
    (field) => isObject(parent) && typeof parent[field] === 'string' && parent[field] !== '',
  );
}

/** The records of one response: `data.<recordsKey>`, checked so a bad page fails with a clear line. */
export function envelopeItems(body: JsonObject, def: StreamDef, path: string): JsonValue[] {
  const where = `stream ${def.name}: GET ${path} answered`;
  if (!isObject(body.data)) {
    throw new ResponseShapeError(
      `${where} without a "data" object (got ${body.data === null ? 'null' : typeof body.data})`,
    );
  }
  const value = body.data[def.recordsKey];
  if (def.single) {
    if (!isObject(value)) throw new ResponseShapeError(`${where} without the data.${def.recordsKey} object`);
    return [value];
  }
  if (!Array.isArray(value)) {
    const keys = Object.keys(body.data).join(', ') || 'none';
    throw new ResponseShapeError(
      `${where} without the data.${def.recordsKey} list (data has: ${keys}); the API may have changed, please report it`,
    );
  }
  return value;
}

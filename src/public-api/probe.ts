// `--test=streams` for the Public API: one page per stream (children: their first parent) → readable?, records seen, drift.
import type {Config} from '../config/settings.js';
import type {StreamCheck} from '../engine/source.js';
import {createDriftCheck} from '../records/drift.js';
import {ForbiddenError, HttpError, TapError} from '../shared/errors.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import {silentLogger} from '../shared/log.js';
import {DAY_MS} from '../shared/time.js';
import type {Selection} from '../singer/catalog.js';
import {createDetailReader} from './detail.js';
import {createRecordPreparer} from './prepare.js';
import {type ApiAccess, envelopeItems, feedsChild, fillPath, parentQuery, slicePages} from './reader.js';
import {planSlices} from './slices.js';
import {apiDef, type StreamDef, streamByName} from './streams.js';

export interface CheckDeps extends ApiAccess {
  config: Config;
  now: number;
}

/** How many grandparents a grandchild's check looks through for a parent that feeds it. */
const GRANDPARENTS = 10;

/** How far back incremental streams look for a first page. */
const LOOKBACK_MS = 30 * DAY_MS;

export async function checkStreams(
  selections: readonly Selection[],
  deps: CheckDeps,
): Promise<StreamCheck[]> {
  const parentPages = new Map<string, Promise<JsonValue[]>>();
  const firstItems = async (def: StreamDef, parent?: JsonObject): Promise<JsonValue[]> => {
    const parentId = parent === undefined ? undefined : String(parent.id);
    const fromParent = parentQuery(def, parent);
    if (fromParent === undefined)
      throw new TapError(`the first ${def.parent?.stream} lacks what ${def.name} needs`);
    const slices = planSlices(def, deps.now - LOOKBACK_MS, deps.now, silentLogger, fromParent);
    // Usage walks months oldest first, day windows days: the newest is the one most likely to have rows.
    const newestFirst = def.window === 'usage-month' || def.window === 'day-window';
    const slice = newestFirst ? slices.at(-1) : slices[0];
    const items = await firstPage(def, deps, fillPath(def, parentId, parent), slice?.query ?? fromParent);
    const stamp = {...fromParent, ...slice?.stamp};
    if (Object.keys(stamp).length === 0) return items;
    return items.map((item) => (isObject(item) ? {...fromParent, ...item, ...slice?.stamp} : item));
  };
  // A parent that is itself a child (a grandchild's): its first page for the first grandparents, up
  // to GRANDPARENTS of them, until one has an item that feeds the grandchild (a RETL mapping is rare).
  const parentItems = async (parent: StreamDef, child: StreamDef): Promise<JsonValue[]> => {
    if (!parent.parent) return firstItems(parent);
    const top = streamByName(parent.parent.stream) as StreamDef;
    if (!parentPages.has(top.name)) parentPages.set(top.name, firstItems(top));
    const tops = ((await parentPages.get(top.name)) ?? []).filter(
      (p): p is JsonObject => isObject(p) && typeof p.id === 'string',
    );
    for (const item of tops.slice(0, GRANDPARENTS)) {
      const items = await firstItems(parent, item);
      if (items.some((i) => feedsChild(child, i))) return items;
    }
    return [];
  };
  const results: StreamCheck[] = [];
  for (const selection of selections) {
    const {schema} = selection;
    const def = apiDef(selection.def);
    const check = createDriftCheck(def, schema);
    const prepare = createRecordPreparer(def, schema);
    const result: StreamCheck = {stream: def.name, readable: 'yes', records_seen: 0, ...check.result()};
    try {
      let parentId: string | undefined;
      let parentItem: JsonObject | undefined;
      if (def.parent) {
        const parent = streamByName(def.parent.stream) as StreamDef;
        // A grandchild's parent listing depends on what feeds it: cached per child, not per parent.
        const cacheKey = parent.parent ? `${parent.name} for ${def.name}` : parent.name;
        if (!parentPages.has(cacheKey)) parentPages.set(cacheKey, parentItems(parent, def));
        const first = (await parentPages.get(cacheKey))?.find(
          (p) => isObject(p) && typeof p.id === 'string' && feedsChild(def, p),
        );
        parentId = isObject(first) ? String(first.id) : undefined;
        parentItem = isObject(first) ? first : undefined;
        if (parentId === undefined) {
          results.push({...result, detail: `no ${parent.name} to read ${def.name} from`});
          continue;
        }
      }
      // One detail read at most: enough to see whether the detail's fields fit the schema.
      const toFull = createDetailReader(def, deps, {log: silentLogger, strict: false, maxReads: 1});
      const items = await toFull(await firstItems(def, parentItem));
      for (const item of items) {
        for (const record of prepare(item, parentId)) {
          result.records_seen += 1;
          check.check(record);
        }
      }
      results.push({...result, ...check.result()});
    } catch (error) {
      results.push({...result, ...unreadable(def, error)});
    }
  }
  return results;
}

async function firstPage(
  def: StreamDef,
  deps: CheckDeps,
  path: string,
  query: Record<string, string>,
): Promise<JsonValue[]> {
  for await (const body of slicePages(def, deps, path, query)) return envelopeItems(body, def, path);
  return [];
}

function unreadable(def: StreamDef, error: unknown): Partial<StreamCheck> {
  if (error instanceof ForbiddenError) {
    return {readable: 'forbidden', needs: def.feature ?? 'a token permission', detail: 'HTTP 403'};
  }
  if (error instanceof HttpError && error.status === 404) {
    // A plan-gated list may answer 404 instead of 403 (a sync skips it the same way).
    return {readable: 'not found', ...(def.feature ? {needs: def.feature} : {}), detail: 'HTTP 404'};
  }
  if (error instanceof TapError) return {readable: 'error', detail: error.message};
  throw error;
}

// `--test=streams`: one page per stream (children: their first parent) → readable?, records seen, schema drift.

import type {Config} from '../config/settings.js';
import type {Http} from '../public-api/http.js';
import {pages} from '../public-api/paginate.js';
import {createRecordPreparer} from '../public-api/prepare.js';
import {envelopeItems, fillPath, pageOptions} from '../public-api/reader.js';
import {planSlices} from '../public-api/slices.js';
import {apiDef} from '../public-api/source.js';
import {type StreamDef, streamByName} from '../public-api/streams.js';
import {createDriftCheck, type Drift} from '../records/drift.js';
import {ForbiddenError, HttpError, TapError} from '../shared/errors.js';
import {isObject, type JsonValue} from '../shared/json.js';
import {silentLogger} from '../shared/log.js';
import {DAY_MS} from '../shared/time.js';
import type {Selection} from '../singer/catalog.js';

export interface StreamCheck extends Drift {
  stream: string;
  readable: 'yes' | 'forbidden' | 'not found' | 'error';
  /** The plan feature a 403 most likely means is missing. */
  needs?: string;
  /** What went wrong, for `error`: the status and the API's message, never a record value. */
  detail?: string;
  records_seen: number;
}

export interface CheckDeps {
  http: Http;
  config: Config;
  now: number;
}

/** How far back incremental streams look for a first page. */
const LOOKBACK_MS = 30 * DAY_MS;

export async function checkStreams(
  selections: readonly Selection[],
  deps: CheckDeps,
): Promise<StreamCheck[]> {
  const parentPages = new Map<string, Promise<JsonValue[]>>();
  const firstItems = (def: StreamDef, parentId?: string): Promise<JsonValue[]> => {
    const slices = planSlices(def, deps.now - LOOKBACK_MS, deps.now, silentLogger);
    // Usage walks months oldest first; the current month is the one most likely to have rows.
    const slice = def.window === 'usage-month' ? slices.at(-1) : slices[0];
    return firstPage(def, deps, fillPath(def, parentId), slice?.query ?? {});
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
      if (def.parent) {
        const parent = streamByName(def.parent.stream) as StreamDef;
        if (!parentPages.has(parent.name)) parentPages.set(parent.name, firstItems(parent));
        const first = (await parentPages.get(parent.name))?.find(
          (p) => isObject(p) && typeof p.id === 'string',
        );
        parentId = isObject(first) ? String(first.id) : undefined;
        if (parentId === undefined) {
          results.push({...result, detail: `no ${parent.name} to read ${def.name} from`});
          continue;
        }
      }
      const items = await firstItems(def, parentId);
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
  for await (const body of pages(deps.http.getJson, path, query, pageOptions(def, deps.config.page_size)))
    return envelopeItems(body, def, path);
  return [];
}

function unreadable(def: StreamDef, error: unknown): Partial<StreamCheck> {
  if (error instanceof ForbiddenError) {
    return {readable: 'forbidden', needs: def.feature ?? 'a token permission', detail: 'HTTP 403'};
  }
  if (error instanceof HttpError && error.status === 404) return {readable: 'not found', detail: 'HTTP 404'};
  if (error instanceof TapError) return {readable: 'error', detail: error.message};
  throw error;
}

/** Exit 0 only when every stream is readable and matches its schema. */
export function allGood(checks: readonly StreamCheck[]): boolean {
  return checks.every(
    (c) =>
      c.readable === 'yes' && c.extra_fields.length + c.type_mismatches.length + c.missing_keys.length === 0,
  );
}

export function renderTable(checks: readonly StreamCheck[]): string {
  const rows = checks.map((c) => {
    const readable = c.readable === 'forbidden' ? `forbidden (needs ${c.needs})` : c.readable;
    const drift = [
      ...c.extra_fields.map((f) => `+${f}`),
      ...c.type_mismatches.map((m) => `${m.field}: ${m.actual}, schema says ${m.expected}`),
      ...c.missing_keys.map((k) => `missing key ${k}`),
    ];
    const seen = c.readable === 'yes' ? String(c.records_seen) : '-';
    return `${c.stream.padEnd(34)} ${readable.padEnd(44)} ${seen.padStart(7)}  ${drift.join('; ') || (c.readable === 'yes' ? 'none' : (c.detail ?? ''))}`;
  });
  const header = `${'stream'.padEnd(34)} ${'readable'.padEnd(44)} ${'records'.padStart(7)}  drift`;
  return [header, ...rows, '', advice(checks), ''].join('\n');
}

function advice(checks: readonly StreamCheck[]): string {
  if (allGood(checks)) return 'Every selected stream is readable and matches its schema.';
  const lines: string[] = [];
  if (checks.some((c) => c.readable === 'forbidden')) {
    lines.push(
      'Forbidden streams: upgrade the plan feature named, or deselect them (a sync skips them with a warning).',
    );
  }
  if (checks.some((c) => c.readable === 'not found' || c.readable === 'error')) {
    lines.push(
      'Streams not found or failing: check region and token scope; deselect them if your workspace lacks them.',
    );
  }
  if (checks.some((c) => c.extra_fields.length + c.type_mismatches.length + c.missing_keys.length > 0)) {
    lines.push(
      'Schema drift: please open an issue with the JSON report attached (tap-segment --test=streams --format json); ' +
        'it holds field and type names only, never values.',
    );
  }
  return lines.join('\n');
}

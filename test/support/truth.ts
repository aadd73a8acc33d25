// What the tap should emit for a simulated workspace: the key set of every stream, from the simulator's own data.

import type {Workspace} from '../../dev/simulator/types.js';
import {listAll, usageMonths} from '../../dev/simulator/workspace.js';
import {type StreamDef, streams} from '../../src/public-api/streams.js';

type Item = Record<string, unknown>;

// The documented semantics (README "Notes on what the API really returns"), stated here on their
// own rather than borrowed from src/public-api/slices.ts, so a wrong constant there fails the e2e tests.
/** audit_events reads startTime = bookmark − 1 s. */
const AUDIT_OVERLAP_MS = 1000;
/** Event volume is read up to one minute behind the run's start. */
const VOLUME_LAG_MS = 60_000;
const DAY_MS = 86_400_000;

export interface TruthWindow {
  /** The run's start_date or bookmark, in ms. */
  start: number;
  /** When the tap run started (its signpost). */
  signpost: number;
  /** Bookmarks of a previous run, per stream. */
  bookmarks?: Record<string, string>;
}

/** Key tuples (JSON) the tap must emit for one stream: no more, no fewer. */
export function expectedKeys(ws: Workspace, def: StreamDef, window: TruthWindow): Set<string> {
  const key = (record: Item) => JSON.stringify(def.keyProperties.map((k) => record[k] ?? null));
  return new Set(expectedRecords(ws, def, window).map(key));
}

function expectedRecords(ws: Workspace, def: StreamDef, window: TruthWindow): Item[] {
  const bookmark = window.bookmarks?.[def.name];
  const start = Math.max(window.start, bookmark ? Date.parse(bookmark) : 0);
  // A newest-first listing is read back to the start, but never beyond its look-back.
  const since = Math.max(start, window.signpost - (def.lookbackDays ?? 0) * DAY_MS);
  if (def.parent) {
    const parent = streams.find((s) => s.name === def.parent?.stream) as StreamDef;
    const when = def.parent.when ?? [];
    const feeding = parentItems(ws, parent).filter((p) =>
      when.every((f) => typeof p[f] === 'string' && p[f] !== ''),
    );
    return feeding.flatMap((p) => {
      let path = def.path.replace(`{${def.parent?.pathParam}}`, String(p.id));
      for (const [param, field] of Object.entries(def.parent?.pathFields ?? {}))
        path = path.replace(`{${param}}`, String(p[field]));
      const fromParent = Object.fromEntries(
        Object.entries(def.parent?.query ?? {}).map(([param, field]) => [param, String(p[field])]),
      );
      const windows =
        def.window === 'day-window'
          ? dayWindows(def, start, window.signpost)
          : def.window === 'series-window'
            ? seriesWindow(def, start, window.signpost)
            : [{}];
      return windows
        .flatMap((w) =>
          reshape(def, listAll(ws, path, {...def.query, ...fromParent, ...w}) as Item[]).map((r) => ({
            ...fromParent,
            ...r,
            ...(def.window === 'day-window' ? {windowStart: w.startTime} : {}),
            [def.parent?.field as string]: p.id,
          })),
        )
        .filter(
          (r) =>
            def.window !== 'newest-first' ||
            Date.parse(String((r as Item)[def.replicationKey as string])) >= since,
        );
    });
  }
  if (def.slicedBy) {
    return def.slicedBy.values.flatMap(
      (v) => listAll(ws, def.path, {[def.slicedBy?.param as string]: v}) as Item[],
    );
  }
  switch (def.window) {
    case 'usage-month': {
      const first = new Date(start).toISOString().slice(0, 8).concat('01');
      return usageMonths(ws)
        .filter((period) => period >= first)
        .flatMap((period) => listAll(ws, def.path, {period}) as Item[]);
    }
    case 'audit-window':
      return listAll(ws, def.path, {
        startTime: new Date(start - AUDIT_OVERLAP_MS).toISOString(),
        endTime: new Date(window.signpost).toISOString(),
      }) as Item[];
    case 'volume-window': {
      const day = Math.floor(start / DAY_MS) * DAY_MS;
      const query = {
        ...def.query,
        ...(def.groupBy ? {groupBy: def.groupBy.dimension} : {}),
        startTime: new Date(day).toISOString(),
        endTime: new Date(window.signpost - VOLUME_LAG_MS).toISOString(),
      };
      return reshape(def, listAll(ws, def.path, query) as Item[]);
    }
    default:
      return reshape(def, listAll(ws, def.path) as Item[]);
  }
}

/** Every item of a parent stream: a top-level listing, or (a grandchild's parent) its listing per grandparent. */
function parentItems(ws: Workspace, parent: StreamDef): Item[] {
  const link = parent.parent;
  if (!link) return listAll(ws, parent.path) as Item[];
  const top = streams.find((s) => s.name === link.stream) as StreamDef;
  return (listAll(ws, top.path) as Item[]).flatMap(
    (g) => listAll(ws, parent.path.replace(`{${link.pathParam}}`, String(g.id))) as Item[],
  );
}

function reshape(def: StreamDef, items: unknown[]): Item[] {
  return def.transform ? items.flatMap((i) => def.transform?.(i as never) ?? []) : (items as Item[]);
}

/**
 * A day-window child's days, stated on their own: each completed UTC day from the start's day, but
 * never one that begins more than `lookbackDays` before the run (the API refuses those).
 */
function dayWindows(def: StreamDef, start: number, signpost: number): Record<string, string>[] {
  const today = Math.floor(signpost / DAY_MS) * DAY_MS;
  const windows: Record<string, string>[] = [];
  for (let day = Math.floor(start / DAY_MS) * DAY_MS; day < today; day += DAY_MS) {
    if (day < signpost - (def.lookbackDays ?? 1) * DAY_MS) continue;
    windows.push({startTime: new Date(day).toISOString(), endTime: new Date(day + DAY_MS).toISOString()});
  }
  return windows;
}

/** A series-window child's one window: its days (as above, `lookbackDays` of them at most) in one request. */
function seriesWindow(def: StreamDef, start: number, signpost: number): Record<string, string>[] {
  const days = dayWindows(def, start, signpost);
  const first = days[0];
  const last = days.at(-1);
  return first && last ? [{startTime: first.startTime as string, endTime: last.endTime as string}] : [];
}

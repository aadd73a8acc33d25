// Item generator for GET /warehouses/{warehouseId}/syncs: each connected source's daily loads, newest first.

import {CONNECTION_MODULUS} from './entities.js';
import {isoSeconds} from './protocols.js';
import {chance, idFor, int, pick, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

const HOUR_MS = 3_600_000;
/** How far back the history goes: longer than the tap's 30-day look-back, so the bound matters. */
const HISTORY_DAYS = 40;
const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'PARTIAL_SUCCESS'];

/** The sources connected to warehouse `w`, as /warehouses/{id}/connected-sources lists them. */
function connectedSources(ws: Workspace, w: number): number[] {
  const count = ws.collections.sources?.count ?? 0;
  const M = CONNECTION_MODULUS;
  const indices: number[] = [];
  for (let s = (M - (w % M)) % M; s < count; s += M) indices.push(s);
  return indices;
}

/**
 * One load per connected source and day, each source at its own hour, for HISTORY_DAYS days before
 * the anchor; item 0 is the newest ("the latest syncs"). SyncV1 has no id.
 */
export function warehouseSyncs(ws: Workspace, w: number): Collection<JsonObject> {
  const sources = connectedSources(ws, w);
  const perDay = sources.length;
  return {
    count: perDay * HISTORY_DAYS,
    item: (k) => {
      const day = Math.floor(k / perDay);
      const slot = k % perDay;
      const s = sources[slot] as number;
      const rng = rngFor(ws.seed, `warehouse-sync:${w}:${s}`, day);
      // Slots descend in time within a day (the hours of slot 0 are the latest): newest first overall.
      const start = ws.anchor - day * 24 * HOUR_MS - (slot * 24 * HOUR_MS) / (perDay + 1) - HOUR_MS;
      const duration = int(rng, 30, 1800);
      const status = pick(rng, STATUSES);
      const notices: JsonObject[] =
        status === 'SUCCESS'
          ? []
          : [
              {
                level: status === 'FAILED' ? 'error' : 'warning',
                message: chance(rng, 0.5) ? 'Permission denied for schema' : 'Column type mismatch, casting',
                createdAt: isoSeconds(start + duration * 1000),
              },
            ];
      return {
        sourceId: idFor(ws.seed, 'source', s),
        start: isoSeconds(start),
        end: isoSeconds(start + duration * 1000),
        status,
        duration,
        humanDuration: `${Math.floor(duration / 60)}m${duration % 60}s`,
        count: status === 'FAILED' ? 0 : int(rng, 0, 250_000),
        notices,
      };
    },
  };
}

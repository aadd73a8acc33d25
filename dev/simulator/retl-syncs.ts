// Item generator for GET /reverse-etl-models/{modelId}/subscriptionId/{subscriptionId}/syncs: one mapping's runs, newest first.

import {subscriptions} from './extras.js';
import {isoSeconds} from './protocols.js';
import {chance, idFor, int, pick, rngFor} from './random.js';
import type {Collection, JsonObject, Workspace} from './types.js';

const HOUR_MS = 3_600_000;
const STATUSES = ['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAIL', 'PARTIAL_SUCCESS'];

/** Where each reverse-ETL mapping (a subscription with a modelId) sits: destination and position. */
const mappings = new WeakMap<Workspace, Map<string, {d: number; k: number; modelId: string}>>();

/** The mapping with this subscription id, built once per workspace; undefined when there is none. */
export function mappingOf(
  ws: Workspace,
  subscriptionId: string,
): {d: number; k: number; modelId: string} | undefined {
  let index = mappings.get(ws);
  if (!index) {
    index = new Map();
    const destinations = ws.collections.destinations?.count ?? 0;
    for (let d = 0; d < destinations; d++) {
      const list = subscriptions(ws, d);
      for (let k = 0; k < list.count; k++) {
        const item = list.item(k);
        if (typeof item.modelId === 'string') index.set(item.id as string, {d, k, modelId: item.modelId});
      }
    }
    mappings.set(ws, index);
  }
  return index.get(subscriptionId);
}

/**
 * The runs of one mapping, hourly before the anchor, item 0 the newest (the newest is still running
 * for some). Up to 150, so some mappings take two pages of 100. Every count is a string, as in
 * ReverseETLSyncStatus.
 */
export function retlSyncs(ws: Workspace, d: number, k: number, modelId: string): Collection<JsonObject> {
  const count = int(rngFor(ws.seed, `retl-sync-count:${d}`, k), 0, 150);
  return {
    count,
    item: (n) => {
      const rng = rngFor(ws.seed, `retl-sync:${d}:${k}`, n);
      const start = ws.anchor - (n + 1) * HOUR_MS;
      const running = n === 0 && chance(rng, 0.3);
      const status = running ? 'IN_PROGRESS' : pick(rng, STATUSES);
      const seconds = int(rng, 5, 900);
      const added = int(rng, 0, 5000);
      const updated = int(rng, 0, 5000);
      const deleted = int(rng, 0, 200);
      const extracted = added + updated + deleted;
      const failed = status === 'SUCCESS' ? 0 : int(rng, 1, Math.max(1, extracted));
      const item: JsonObject = {
        syncId: idFor(ws.seed, `retl-sync:${d}:${k}`, n),
        modelId,
        sourceId: idFor(ws.seed, 'source', int(rng, 0, (ws.collections.sources?.count ?? 1) - 1)),
        syncStatus: status,
        duration: `${seconds}s`,
        startedAt: isoSeconds(start),
        extractPhase: {
          addedCount: String(added),
          updatedCount: String(updated),
          deletedCount: String(deleted),
          extractCount: String(extracted),
          errorCode: '',
          startedAt: isoSeconds(start),
          finishedAt: isoSeconds(start + (seconds * 1000) / 2),
        },
      };
      if (running) return item;
      item.finishedAt = isoSeconds(start + seconds * 1000);
      item.loadPhase = {
        deliverSuccessCount: String(Math.max(0, extracted - failed)),
        deliverFailureCount: String(failed),
        errorCode: '',
        startedAt: isoSeconds(start + (seconds * 1000) / 2),
        finishedAt: isoSeconds(start + seconds * 1000),
      };
      if (status === 'FAIL') {
        item.error = 'Could not connect to the warehouse';
        item.errorCode = 'WAREHOUSE_CONNECTION_FAILED';
      }
      return item;
    },
  };
}

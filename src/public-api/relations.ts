// Child streams read without one request per parent: from another listing, or from the other side of an edge.
//
// Each inference and what the contract says to allow it (CURRENT.md section 4):
// - source_connected_destinations = the /destinations items whose `sourceId` is the source:
//   DestinationV1.sourceId is required and "A destination has exactly one sourceId"; both
//   endpoints answer DestinationV1 objects.
// - source_connected_warehouses = for each warehouse W, and each source S that
//   /warehouses/{W}/connected-sources lists, the record W with sourceId S: both endpoints read
//   the one source↔warehouse relation, and both answer the full objects (WarehouseV1, SourceV1).
// `derive_relations: false` reads each source's own endpoints instead.

import type {EngineEvent} from '../engine/context.js';
import {asStreamFailure, streamsFailed} from '../engine/failures.js';
import {isObject, type JsonValue} from '../shared/json.js';
import type {ApiContext, ApiRun} from './source.js';
import {type StreamDef, streamByName} from './streams.js';

/** A derived child: the unit it is read in, and from what. */
export type Derivation =
  | {readonly kind: 'listing'; readonly unit: string; readonly parentField: string}
  | {readonly kind: 'inverse'; readonly unit: string; readonly host: string};

/** How this stream is read when `selected` streams are, or undefined: one request per parent. */
export function derivationOf(def: StreamDef, selected: ReadonlySet<string>): Derivation | undefined {
  const how = def.derive;
  if (!how) return undefined;
  if ('listing' in how) return {kind: 'listing', unit: how.listing, parentField: how.parentField};
  const host = streamByName(how.inverseOf);
  if (!host?.parent || !selected.has(host.name)) return undefined;
  return {kind: 'inverse', unit: host.parent.stream, host: host.name};
}

/** A derived run in its unit; `failed` once a record of it did not fit. */
export interface DerivedRun {
  readonly run: ApiRun;
  readonly how: Derivation;
}

/** The records of `pairs` (an item and the parent id it belongs to) for one derived run. */
export function derivedRecords(
  derived: DerivedRun,
  pairs: readonly (readonly [JsonValue, string])[],
  timeExtracted: string,
  ctx: ApiContext,
): EngineEvent[] {
  const {run} = derived;
  if (run.failed || pairs.length === 0) return [];
  try {
    const version = run.version.version;
    const batch: EngineEvent[] = [];
    for (const [item, parentId] of pairs) {
      for (const record of run.shape(item, parentId))
        batch.push({
          type: 'RECORD',
          stream: run.def.name,
          record: run.output(record),
          timeExtracted,
          version,
        });
    }
    run.records += batch.length;
    run.pages += 1;
    return batch;
  } catch (error) {
    const failure = asStreamFailure(error, ctx.config);
    if (!failure) throw error;
    return streamsFailed([run], failure, ctx.log);
  }
}

/** One page of a listing → the (item, parent id) pairs of a `listing` derivation. */
export function listingPairs(items: readonly JsonValue[], parentField: string): [JsonValue, string][] {
  const pairs: [JsonValue, string][] = [];
  for (const item of items) {
    const parentId = isObject(item) ? item[parentField] : undefined;
    if (typeof parentId === 'string' && parentId !== '') pairs.push([item, parentId]);
  }
  return pairs;
}

/** One page of an edge listing read for `parent` → the pairs of its `inverse` derivation. */
export function inversePairs(parent: JsonValue, items: readonly JsonValue[]): [JsonValue, string][] {
  const pairs: [JsonValue, string][] = [];
  for (const item of items) {
    const id = isObject(item) ? item.id : undefined;
    if (typeof id === 'string' && id !== '') pairs.push([parent, id]);
  }
  return pairs;
}

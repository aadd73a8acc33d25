// The seam between the engine and a source: what the engine schedules without knowing what a page, a parent or a file is.

import type {Drift} from '../records/drift.js';
import type {ItemToRecords} from '../records/shaper.js';
import type {JsonObject} from '../shared/json.js';
import type {Selection, StreamSpec} from '../singer/catalog.js';
import type {EngineEvent, RunContext, StreamRun} from './context.js';

/** What `--test=streams` reports of one stream: can it be read, and does a first page fit its schema. */
export interface StreamCheck extends Drift {
  stream: string;
  readable: 'yes' | 'forbidden' | 'not found' | 'error';
  /** The plan feature a 403 (or a 404 on a plan-gated list) most likely means is missing. */
  needs?: string;
  /** What went wrong, for `error`: the status and the API's message, never a record value. */
  detail?: string;
  records_seen: number;
}

/** Streams a source reads together (one parent and its children, say); the engine schedules groups. */
export interface StreamGroup {
  /** What `currently_syncing` names while the group runs, and where an interrupted run resumes. */
  readonly name: string;
  /** Its selected streams, in the order their SCHEMA messages go out. */
  readonly runs: readonly StreamRun[];
}

export interface Source {
  /** Every stream this source can read, in catalog order. */
  readonly streams: readonly StreamSpec[];
  /** An item as the source reads it → the stream's records before validation. */
  preparer(spec: StreamSpec, schema: JsonObject): ItemToRecords;
  /** The selected streams of this source, grouped into what is read together. */
  plan(runs: readonly StreamRun[]): StreamGroup[];
  /**
   * Reads one group: yields batches of engine events (RECORDs and bookkeeping facts, never STATE)
   * and returns the streams that emitted every record they hold (ACTIVATE_VERSION may follow).
   */
  read(group: StreamGroup, ctx: RunContext): AsyncGenerator<EngineEvent[], ReadonlySet<string>>;
  /** `--test=streams`: a first look at each selected stream of this source (`now` in ms). */
  probe(selections: readonly Selection[], now: number): Promise<StreamCheck[]>;
  /** What the source learned about its API while reading (a query form, say), one line per fact. */
  learned?(): Record<string, string>;
}

// The seam between the engine and a source: what the engine schedules without knowing what a page, a parent or a file is.

import type {ItemToRecords} from '../records/shaper.js';
import type {JsonObject} from '../shared/json.js';
import type {StreamSpec} from '../singer/catalog.js';
import type {EngineEvent, RunContext, StreamRun} from './context.js';

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
}

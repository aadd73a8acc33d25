// What one run shares between the engine's parts and the sources: config, clock, state, and per-stream helpers.
import type {Config} from '../config/settings.js';
import type {RecordShaper} from '../records/shaper.js';
import type {JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {StreamSpec} from '../singer/catalog.js';
import type {SingerMessage} from '../singer/messages.js';
import type {State} from '../singer/state.js';
import type {Progress} from './progress.js';

export interface RunContext {
  readonly config: Config;
  readonly log: Logger;
  /** The state the run started from (bookmarks are read from it, never written). */
  readonly state: State;
  /** The run's start: no bookmark passes it. */
  readonly signpost: number;
  readonly now: () => number;
  readonly progress?: Progress;
}

/** One selected stream during a run: its compiled helpers and its counters. */
export interface StreamRun {
  readonly def: StreamSpec;
  /** The schema sent downstream: selected fields, flattened when enabled. */
  readonly schema: JsonObject;
  /** Raw API item → validated, projected records. */
  readonly shape: RecordShaper;
  /** Projected record → what goes on the wire (flattened when enabled). */
  readonly output: (record: JsonObject) => JsonObject;
  /** `{version}` on every RECORD when ACTIVATE_VERSION is on for this stream, else `{}`. */
  readonly version: {version?: number};
  records: number;
  pages: number;
  /** Set by the source when it skips the stream or cannot read all of it: why, in a few words. */
  skipped?: string;
  /**
   * How far the source is through the stream in its own units (items of a listing's totalEntries,
   * parents of a parent list, months of a usage walk), when it can tell; for the time-left estimate.
   */
  progress?: {done: number; total: number};
  /** Set once the stream stopped on a failure of its own (see failures.ts). */
  failed: boolean;
  /** That failure in a few words, for the summary (`a record does not fit its schema`). */
  failure?: string;
}

/** The engine's own events: Singer messages plus the bookkeeping that becomes STATE. */
export type EngineEvent =
  | SingerMessage
  | {type: 'ADVANCE'; stream: string; key: string; value: string}
  /**
   * A source-owned bookmark: replaces the stream's whole bookmark with `value` (which must keep
   * `replication_key`/`replication_key_value` if it has them). Consecutive BOOKMARKs become one STATE.
   */
  | {type: 'BOOKMARK'; stream: string; value: JsonObject}
  | {type: 'PARENT_DONE'; stream: string; parentId: string | undefined}
  | {type: 'UNIT'; name: string; active: boolean}
  /** The stream stopped early: no more of its bookkeeping reaches STATE, and no ACTIVATE_VERSION. */
  | {type: 'FAILED'; stream: string; reason: string};

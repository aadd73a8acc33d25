// Singer state: parse an input state file, read and advance bookmarks (never backwards), pure functions.
import {InputError} from '../shared/errors.js';
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import {parseInstant} from '../shared/time.js';

export interface Bookmark {
  /** Incremental streams: the replication key and the highest value fully emitted. */
  replication_key?: string;
  replication_key_value?: string;
  /** Child streams of an interrupted run: the parent whose children were all emitted last. */
  last_completed_parent?: string;
  [extra: string]: JsonValue | undefined;
}

export interface State {
  bookmarks: Record<string, Bookmark>;
  currently_syncing: string | null;
}

export const emptyState = (): State => ({bookmarks: {}, currently_syncing: null});

/**
 * Accepts the tap's own layout, the classic singer-io layout `{"stream": {"timestamp": "…"}}`,
 * and a whole STATE message line; anything else names the file and the key at fault.
 */
export function parseState(raw: unknown, file: string): State {
  let value = raw;
  if (isObject(value) && value.type === 'STATE' && 'value' in value) value = value.value;
  if (!isObject(value)) throw new InputError(`state ${file} must hold a JSON object`);
  const bookmarks = value.bookmarks ?? {};
  if (!isObject(bookmarks)) {
    throw new InputError(
      `state ${file}: "bookmarks" must be an object of stream name → bookmark; delete the file to start over`,
    );
  }
  const state = emptyState();
  for (const [stream, bookmark] of Object.entries(bookmarks)) {
    state.bookmarks[stream] = parseBookmark(bookmark, `state ${file}: bookmarks.${stream}`);
  }
  const syncing = value.currently_syncing ?? null;
  if (syncing !== null && typeof syncing !== 'string') {
    throw new InputError(`state ${file}: "currently_syncing" must be a stream name or null`);
  }
  state.currently_syncing = syncing;
  return state;
}

function parseBookmark(bookmark: JsonValue, where: string): Bookmark {
  if (!isObject(bookmark))
    throw new InputError(
      `${where} must be an object, e.g. {"replication_key_value": "2024-01-01T00:00:00Z"}`,
    );
  const out: Bookmark = {...bookmark} as Bookmark;
  if (out.replication_key_value === undefined) {
    // Classic layout: the only date-valued entry is the bookmark. A source's own entries (objects,
    // like an archive's file history, and replication_key itself) are kept, never taken for it.
    const legacy = Object.entries(bookmark).find(
      ([k, v]) => k !== 'last_completed_parent' && k !== 'replication_key' && typeof v === 'string',
    );
    if (legacy && typeof legacy[1] === 'string') {
      out.replication_key = legacy[0];
      out.replication_key_value = legacy[1];
    }
  }
  const value = out.replication_key_value;
  if (value !== undefined && (typeof value !== 'string' || parseInstant(value) === undefined)) {
    throw new InputError(
      `${where}.replication_key_value must be an ISO-8601 date-time, got ${JSON.stringify(value)}`,
    );
  }
  if (out.last_completed_parent !== undefined && typeof out.last_completed_parent !== 'string') {
    throw new InputError(`${where}.last_completed_parent must be a string`);
  }
  return out;
}

export function getBookmark(state: State, stream: string): string | undefined {
  return state.bookmarks[stream]?.replication_key_value;
}

/** Moves a stream's bookmark forward; a value at or behind the current one changes nothing. */
export function advanceBookmark(state: State, stream: string, key: string, value: string): State {
  const current = getBookmark(state, stream);
  if (current !== undefined && (parseInstant(current) ?? 0) >= (parseInstant(value) ?? 0)) return state;
  const bookmark = {...state.bookmarks[stream], replication_key: key, replication_key_value: value};
  return {...state, bookmarks: {...state.bookmarks, [stream]: bookmark}};
}

/** A source-owned bookmark replaces the stream's whole entry (the source merged what it keeps). */
export function replaceBookmark(state: State, stream: string, value: JsonObject): State {
  return {...state, bookmarks: {...state.bookmarks, [stream]: value as Bookmark}};
}

/** Records (or clears, with undefined) the last parent whose children a child stream finished. */
export function setParentProgress(state: State, stream: string, parentId: string | undefined): State {
  const {last_completed_parent: _drop, ...rest} = state.bookmarks[stream] ?? {};
  const bookmark: Bookmark = parentId === undefined ? rest : {...rest, last_completed_parent: parentId};
  const bookmarks = {...state.bookmarks};
  if (Object.keys(bookmark).length === 0) delete bookmarks[stream];
  else bookmarks[stream] = bookmark;
  return {...state, bookmarks};
}

export function setCurrentlySyncing(state: State, stream: string | null): State {
  return state.currently_syncing === stream ? state : {...state, currently_syncing: stream};
}

export function stateValue(state: State): JsonObject {
  return {bookmarks: state.bookmarks as JsonObject, currently_syncing: state.currently_syncing};
}

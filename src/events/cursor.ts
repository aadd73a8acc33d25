// A stream's place in the archive: the newest LastModified read and the (key, ETag) pairs read inside the look-back window.
import {isObject, type JsonObject} from '../shared/json.js';
import {iso, parseInstant} from '../shared/time.js';
import type {StoredObject} from './store.js';
import {REPLICATION_KEY} from './streams.js';

export interface ReadFile {
  readonly etag: string;
  /** ISO-8601 UTC. */
  readonly last_modified: string;
}

/** The bookmark an event stream keeps in STATE (a BOOKMARK event carries it whole). */
export interface ArchiveBookmark {
  readonly replication_key: string;
  /** The newest LastModified of a file read; absent before the first file. */
  readonly replication_key_value?: string;
  /** Files read whose LastModified is inside the look-back window of the value. */
  readonly files: Readonly<Record<string, ReadFile>>;
}

/** Reads a bookmark from STATE, tolerating any shape: what cannot be used is ignored, never fatal. */
export function readBookmark(raw: JsonObject | undefined): ArchiveBookmark {
  const files: Record<string, ReadFile> = {};
  if (raw && isObject(raw.files)) {
    for (const [key, entry] of Object.entries(raw.files)) {
      if (isObject(entry) && typeof entry.etag === 'string' && typeof entry.last_modified === 'string') {
        files[key] = {etag: entry.etag, last_modified: entry.last_modified};
      }
    }
  }
  const value = raw?.replication_key_value;
  return {
    replication_key: REPLICATION_KEY,
    ...(typeof value === 'string' && parseInstant(value) !== undefined ? {replication_key_value: value} : {}),
    files,
  };
}

/**
 * Should this stream read the file? Not if it is older than the window below the bookmark, nor
 * if this very (key, ETag) was read. `>=`, never `>`: LastModified has whole seconds, and two
 * files of one second are both read. A re-written key (new ETag) is read again.
 */
export function needsFile(bookmark: ArchiveBookmark, file: StoredObject, lookbackMs: number): boolean {
  if (bookmark.replication_key_value !== undefined) {
    const floor = (parseInstant(bookmark.replication_key_value) as number) - lookbackMs;
    if (file.lastModified < floor) return false;
  }
  return bookmark.files[file.key]?.etag !== file.etag;
}

/** The bookmark after reading `read`: the value moves forward only, and entries below the window go. */
export function markRead(
  bookmark: ArchiveBookmark,
  read: readonly StoredObject[],
  lookbackMs: number,
): ArchiveBookmark {
  if (read.length === 0) return bookmark;
  const current = bookmark.replication_key_value;
  let valueMs = current === undefined ? Number.NEGATIVE_INFINITY : (parseInstant(current) as number);
  for (const file of read) valueMs = Math.max(valueMs, file.lastModified);
  const floor = valueMs - lookbackMs;
  const files: Record<string, ReadFile> = {};
  for (const [key, entry] of Object.entries(bookmark.files)) {
    if ((parseInstant(entry.last_modified) ?? 0) >= floor) files[key] = entry;
  }
  for (const file of read) {
    if (file.lastModified >= floor)
      files[file.key] = {etag: file.etag, last_modified: iso(file.lastModified)};
  }
  return {replication_key: REPLICATION_KEY, replication_key_value: iso(valueMs), files};
}

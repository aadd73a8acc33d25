// The archive's layout: <prefix>segment-logs/<source-id>/<day-ms>/<file>; sources, day folders, files, shards.
import {DAY_MS} from '../shared/time.js';
import type {Shard} from './settings.js';
import type {FileStore, StoredObject} from './store.js';

export interface ArchiveFile extends StoredObject {
  readonly sourceId: string;
  /** The received day (UTC midnight, ms) the folder names. */
  readonly day: number;
}

/** Told of every key that is not an archive file (Segment's dummy-object.txt, say), with why. */
export type OnSkip = (key: string, why: string) => void;

/** `path/prefix` → `path/prefix/segment-logs/`; an empty prefix is the bucket root. */
export function archiveRoot(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? 'segment-logs/' : `${trimmed}/segment-logs/`;
}

/** The configured source ids, or every source folder under the root (S3's delimiter listing). */
export async function listSources(
  store: FileStore,
  root: string,
  configured: string | undefined,
  onSkip: OnSkip,
): Promise<string[]> {
  if (configured !== undefined && configured.trim() !== '') {
    return configured
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
  const sources: string[] = [];
  for await (const page of store.list(root, {delimiter: '/'})) {
    for (const prefix of page.prefixes) sources.push(prefix.slice(root.length, -1));
    for (const object of page.objects) onSkip(object.key, 'not inside a source folder');
  }
  return sources;
}

const DAY_FILE = /^(\d{13})\/([^/]+)$/;

/**
 * Every archive file of one source from `startDay` on (whole days: the folder is the received
 * day). Keys that do not fit the layout are skipped with one line each. Replays can write into old
 * day folders, so every day from the start is listed on every run; listing is cheap.
 */
export async function* listFiles(
  store: FileStore,
  root: string,
  sourceId: string,
  startDay: number | undefined,
  onSkip: OnSkip,
): AsyncGenerator<ArchiveFile[]> {
  const base = `${root}${sourceId}/`;
  // Day folders are 13 digits until the year 2286, so key order is day order: start after the day before.
  const startAfter = startDay === undefined ? undefined : `${base}${String(startDay - 1).padStart(13, '0')}~`;
  for await (const page of store.list(base, startAfter ? {startAfter} : {})) {
    const files: ArchiveFile[] = [];
    for (const object of page.objects) {
      const match = DAY_FILE.exec(object.key.slice(base.length));
      if (!match) {
        onSkip(object.key, 'not an archive file (segment-logs/<source>/<day-ms>/<file>)');
        continue;
      }
      const day = Number(match[1]);
      if (day % DAY_MS !== 0) {
        onSkip(object.key, 'its day folder is not a UTC midnight in epoch milliseconds');
        continue;
      }
      if (startDay !== undefined && day < startDay) continue;
      files.push({...object, sourceId, day});
    }
    if (files.length > 0) yield files;
  }
}

/** FNV-1a over the key: the same file lands in the same shard on every machine and every run. */
export function shardOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

export function inShard(key: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardOf(key, shard.count) === shard.index;
}

/** Read order: oldest LastModified first, then key; a cursor then only ever moves forward. */
export function byLastModified(a: StoredObject, b: StoredObject): number {
  return a.lastModified - b.lastModified || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

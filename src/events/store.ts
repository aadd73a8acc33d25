// Where the archive lives: a FileStore lists keys and opens bodies; the local-directory store has S3's layout and listing rules.
import {createReadStream} from 'node:fs';
import {readdir, stat} from 'node:fs/promises';
import {join, sep} from 'node:path';
import type {Readable} from 'node:stream';
import {TapError} from '../shared/errors.js';

export interface StoredObject {
  readonly key: string;
  readonly etag: string;
  /** Whole-second precision on S3. */
  readonly lastModified: number;
  readonly size: number;
}

export interface ListPage {
  readonly objects: readonly StoredObject[];
  /** With a delimiter: the "folders" (prefix + name + delimiter), as S3's CommonPrefixes. */
  readonly prefixes: readonly string[];
}

export interface ListOptions {
  readonly delimiter?: string;
  /** Keys at or before this one are skipped (S3 StartAfter). */
  readonly startAfter?: string;
}

export interface FileStore {
  /** Where the archive is, for messages: s3://bucket/prefix or a directory. */
  readonly where: string;
  /** Every key under `prefix`, in key order, page by page. */
  list(prefix: string, options?: ListOptions): AsyncGenerator<ListPage>;
  /** The object's raw body (never decompressed by the store). */
  open(key: string, signal?: AbortSignal): Promise<Readable>;
}

/** A store failure the user can act on (bucket, permission, region); names what to fix. */
export class StoreError extends TapError {
  override name = 'StoreError';
}

/**
 * A directory holding `segment-logs/…` (an `aws s3 sync` copy, a webhook receiver's output).
 * Keys are paths relative to it with `/`; the ETag is size and mtime, so a re-written file is read again.
 */
export function createLocalStore(dir: string): FileStore {
  return {
    where: dir,
    async *list(prefix, options = {}) {
      try {
        await stat(dir);
      } catch (error) {
        throw new StoreError(
          `events_local_dir ${dir} cannot be read (${(error as NodeJS.ErrnoException).code}); point it at the directory that holds segment-logs/`,
        );
      }
      const objects: StoredObject[] = [];
      // Walk only the folder the prefix names (its part up to the last '/').
      for await (const object of walk(dir, prefix.slice(0, Math.max(0, prefix.lastIndexOf('/'))))) {
        if (!object.key.startsWith(prefix)) continue;
        if (options.startAfter !== undefined && object.key <= options.startAfter) continue;
        objects.push(object);
      }
      objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      yield options.delimiter
        ? splitByDelimiter(objects, prefix, options.delimiter)
        : {objects, prefixes: []};
    },
    async open(key) {
      try {
        await stat(join(dir, key));
      } catch (error) {
        throw new StoreError(`cannot read ${join(dir, key)}: ${(error as NodeJS.ErrnoException).code}`);
      }
      return createReadStream(join(dir, key));
    },
  };
}

/** S3's delimiter rule: a key with the delimiter after the prefix rolls up into one common prefix. */
export function splitByDelimiter(
  objects: readonly StoredObject[],
  prefix: string,
  delimiter: string,
): ListPage {
  const prefixes = new Set<string>();
  const direct: StoredObject[] = [];
  for (const object of objects) {
    const at = object.key.indexOf(delimiter, prefix.length);
    if (at === -1) direct.push(object);
    else prefixes.add(object.key.slice(0, at + delimiter.length));
  }
  return {objects: direct, prefixes: [...prefixes]};
}

async function* walk(root: string, relative: string): AsyncGenerator<StoredObject> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(root, relative), {withFileTypes: true});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (relative === '' || code !== 'ENOENT') {
      throw new StoreError(
        `events_local_dir ${root} cannot be read (${code}); point it at the directory that holds segment-logs/`,
      );
    }
    return;
  }
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(root, path);
    else if (entry.isFile()) {
      const info = await stat(join(root, ...path.split('/')));
      yield {
        key: path.split(sep).join('/'),
        etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
        lastModified: Math.floor(info.mtimeMs / 1000) * 1000,
        size: info.size,
      };
    }
  }
}

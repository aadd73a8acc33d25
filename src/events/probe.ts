// `--test` and `--test=streams` for the archive: can it be listed and read, what it holds, and do the newest messages fit.
import type {Config} from '../config/settings.js';
import type {StreamCheck} from '../engine/source.js';
import {createDriftCheck} from '../records/drift.js';
import {TapError} from '../shared/errors.js';
import type {JsonValue} from '../shared/json.js';
import {iso} from '../shared/time.js';
import type {Selection} from '../singer/catalog.js';
import {readLines} from './lines.js';
import {type ArchiveFile, archiveRoot, listFiles, listSources} from './listing.js';
import {routeMessage} from './route.js';
import type {FileStore} from './store.js';
import {USERS_STREAM} from './streams.js';
import {createUserMerger} from './users.js';

/** Lines of the newest file the probe reads at most. */
const PROBE_LINES = 5000;

export interface ArchiveSummary {
  readonly where: string;
  readonly sources: {id: string; files: number; firstDay?: string; lastDay?: string}[];
  readonly newest?: ArchiveFile;
}

/** Lists the whole archive (from the start day): sources, day range, file count, the newest file. */
export async function summarizeArchive(
  store: FileStore,
  config: Config,
  startDay?: number,
): Promise<ArchiveSummary> {
  const root = archiveRoot(config.events_s3_prefix);
  const ignore = () => {};
  const ids = await listSources(store, root, config.events_source_ids, ignore);
  const sources: ArchiveSummary['sources'] = [];
  let newest: ArchiveFile | undefined;
  for (const id of ids) {
    let files = 0;
    let first: number | undefined;
    let last: number | undefined;
    for await (const page of listFiles(store, root, id, startDay, ignore)) {
      for (const file of page) {
        files += 1;
        first = first === undefined ? file.day : Math.min(first, file.day);
        last = last === undefined ? file.day : Math.max(last, file.day);
        if (!newest || file.lastModified > newest.lastModified) newest = file;
      }
    }
    sources.push({
      id,
      files,
      ...(first !== undefined ? {firstDay: iso(first).slice(0, 10)} : {}),
      ...(last !== undefined ? {lastDay: iso(last).slice(0, 10)} : {}),
    });
  }
  return {where: store.where, sources, ...(newest ? {newest} : {})};
}

/** One line for `--test`: what the archive holds, or a TapError saying what to fix. */
export async function archiveConnectionTest(store: FileStore, config: Config): Promise<string> {
  const summary = await summarizeArchive(store, config);
  if (summary.sources.length === 0) {
    throw new TapError(
      `events: ${summary.where} holds no source folders under ${archiveRoot(config.events_s3_prefix)}; ` +
        "check events_s3_prefix, or wait: Segment's S3 destination writes its first files about an hour after it is enabled",
    );
  }
  let lines = 0;
  if (summary.newest) {
    const body = await store.open(summary.newest.key);
    const read = readLines(body, config.events_max_line_bytes, {oversized: () => {}, plain: () => {}});
    for (let next = await read.next(); !next.done && lines < PROBE_LINES; next = await read.next()) {
      lines += next.value.lines.length;
    }
    body.destroy();
  }
  const list = summary.sources
    .map((s) => `${s.id} (${s.files} files${s.firstDay ? `, ${s.firstDay}..${s.lastDay}` : ''})`)
    .join(', ');
  return (
    `events OK: ${summary.where} lists ${summary.sources.length} sources: ${list}` +
    (summary.newest
      ? `; read the newest file ${summary.newest.key} (${iso(summary.newest.lastModified)}): ${lines} lines`
      : '')
  );
}

/** `--test=streams`: the newest file's first lines, routed and compared with each selected schema. */
export async function probeArchive(
  store: FileStore,
  config: Config,
  selections: readonly Selection[],
  _now: number,
): Promise<StreamCheck[]> {
  if (selections.length === 0) return [];
  const checks = new Map(
    selections.map((s) => [
      s.def.name,
      {
        drift: createDriftCheck(s.def, s.schema),
        check: {stream: s.def.name, readable: 'yes', records_seen: 0} as StreamCheck,
      },
    ]),
  );
  try {
    const summary = await summarizeArchive(store, config);
    const users = createUserMerger();
    if (summary.newest) {
      const file = summary.newest;
      const body = await store.open(file.key);
      const read = readLines(body, config.events_max_line_bytes, {oversized: () => {}, plain: () => {}});
      let seen = 0;
      for (let next = await read.next(); !next.done && seen < PROBE_LINES; next = await read.next()) {
        next.value.lines.forEach((text, i) => {
          seen += 1;
          let message: JsonValue;
          try {
            message = JSON.parse(text) as JsonValue;
          } catch {
            return;
          }
          const at = {
            sourceId: file.sourceId,
            key: file.key,
            line: next.value.first + i,
            lastModified: iso(file.lastModified),
          };
          const routed = routeMessage(message, at, config.redact_secrets);
          if ('problem' in routed) return;
          if (routed.type === 'identify') users.add(routed.record);
          const entry = checks.get(routed.stream);
          if (!entry) return;
          entry.check.records_seen += 1;
          entry.drift.check(routed.record);
        });
      }
      body.destroy();
    }
    const usersEntry = checks.get(USERS_STREAM);
    if (usersEntry) {
      for (const row of users.rows()) {
        usersEntry.check.records_seen += 1;
        usersEntry.drift.check(row);
      }
    }
    const detail = summary.newest ? `newest file ${summary.newest.key}` : 'the archive has no files yet';
    return selections.map((s) => {
      const entry = checks.get(s.def.name) as {
        drift: ReturnType<typeof createDriftCheck>;
        check: StreamCheck;
      };
      return {...entry.check, ...entry.drift.result(), detail};
    });
  } catch (error) {
    if (!(error instanceof TapError)) throw error;
    return selections.map((s) => ({
      stream: s.def.name,
      readable: 'error' as const,
      records_seen: 0,
      extra_fields: [],
      type_mismatches: [],
      missing_keys: [],
      detail: error.message,
    }));
  }
}

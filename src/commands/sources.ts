// The sources this tap reads, composed in one place: every stream the catalog offers, and the sources a run needs.
import type {Config} from '../config/settings.js';
import type {Source} from '../engine/source.js';
import {eventsConfigured} from '../events/settings.js';
import {streams as eventStreams, REPLICATION_KEY} from '../events/streams.js';
import {isTrackTable, TRACK_TABLE_PREFIX} from '../events/track-tables.js';
import type {Http} from '../public-api/http.js';
import {streams as publicApiStreams} from '../public-api/streams.js';
import {InputError} from '../shared/errors.js';
import {isObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {Selection, StreamSpec} from '../singer/catalog.js';

export const ALL_STREAMS: readonly StreamSpec[] = [...publicApiStreams, ...eventStreams];

export const isEventStream = (def: StreamSpec): boolean => eventStreams.includes(def) || isTrackTable(def);

/**
 * The per-event streams an input catalog holds (events_track_tables): found by --discover, so
 * their schemas live in the catalog, not in schemas/.
 */
export function trackTablesIn(catalog: unknown): StreamSpec[] {
  if (!isObject(catalog) || !Array.isArray(catalog.streams)) return [];
  return catalog.streams.flatMap((entry) => {
    if (!isObject(entry) || !isObject(entry.schema)) return [];
    const name = entry.tap_stream_id ?? entry.stream;
    if (typeof name !== 'string' || !name.startsWith(TRACK_TABLE_PREFIX)) return [];
    const {selected: _selected, ...schema} = entry.schema;
    return [{name, keyProperties: ['message_id'], replicationKey: REPLICATION_KEY, schema}];
  });
}

/**
 * Without a catalog: every stream of each configured source (the Public API when api_token is
 * set or nothing else is, the archive when events_s3_bucket or events_local_dir is).
 */
export function defaultStreams(config: Config): (def: StreamSpec) => boolean {
  const events = eventsConfigured(config);
  const api = Boolean(config.api_token) || !events;
  return (def) => (isEventStream(def) ? events : api);
}

/**
 * One source per kind of selected stream, created only when selected: a run of event streams
 * needs no api_token, a run of API streams no bucket. What is missing is named with the fix.
 * Each source's code is imported only then: a Public API run loads nothing of the archive reader.
 */
export async function createSources(
  config: Config,
  selections: readonly Selection[],
  log: Logger,
  signal?: AbortSignal,
): Promise<{sources: Source[]; http?: Http}> {
  const sources: Source[] = [];
  const events = selections.filter((s) => isEventStream(s.def));
  let http: Http | undefined;
  if (events.length < selections.length) {
    const [{httpFor}, {createPublicApiSource}] = await Promise.all([
      import('../public-api/client.js'),
      import('../public-api/source.js'),
    ]);
    http = httpFor(config, log, signal);
    sources.push(createPublicApiSource(http, config));
  }
  if (events.length > 0) {
    if (!eventsConfigured(config)) {
      throw new InputError(
        `config: ${events.map((s) => s.def.name).join(', ')} read Segment's S3 archive; set events_s3_bucket ` +
          '(or events_local_dir), or deselect them',
      );
    }
    const [{openArchive}, {createEventSource}] = await Promise.all([
      import('../events/open.js'),
      import('../events/source.js'),
    ]);
    const tables = events.filter((s) => isTrackTable(s.def)).map((s) => s.def);
    sources.push(createEventSource(openArchive(config), config, signal, tables));
  }
  return http ? {sources, http} : {sources};
}

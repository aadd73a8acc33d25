// `--discover`: the catalog of every stream, plus the per-event streams the archive's newest files show (events_track_tables).
import {type Config, SETTINGS} from '../config/settings.js';
import {loadConfig} from '../config/sources.js';
import {openArchive} from '../events/open.js';
import {eventsConfigured} from '../events/settings.js';
import {sampleTrackTables} from '../events/track-tables.js';
import type {Logger} from '../shared/log.js';
import {type Catalog, discover} from '../singer/catalog.js';
import {ALL_STREAMS} from './sources.js';

/**
 * Offline and without a config it lists the fixed streams: Meltano discovers before every run, and
 * that must not need a token, the network or a valid config. With events_track_tables on, it samples
 * the archive within a budget; if that fails the fixed catalog is still printed, with a warning.
 */
export async function discoverCatalog(configFiles: readonly string[], log: Logger): Promise<Catalog> {
  let config: Config | undefined;
  try {
    config = configFiles.length > 0 ? loadConfig(configFiles, process.env) : undefined;
  } catch {
    config = undefined;
  }
  if (!config?.events_track_tables || !eventsConfigured(config)) return discover(ALL_STREAMS);
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const value = config[key as keyof Config];
    if (setting.secret && typeof value === 'string') log.addSecret(value);
  }
  try {
    const sample = await sampleTrackTables(openArchive(config), config, {
      maxFiles: config.events_discovery_files,
      maxLines: config.events_discovery_lines,
    });
    log.info(
      `events: sampled ${sample.lines} lines of the ${sample.files} newest archive files: ${sample.specs.length} track events (${sample.specs.map((s) => s.name).join(', ') || 'none'})`,
    );
    return discover([...ALL_STREAMS, ...sample.specs]);
  } catch (error) {
    log.warn(`events: per-event streams not discovered: ${(error as Error).message}`);
    return discover(ALL_STREAMS);
  }
}

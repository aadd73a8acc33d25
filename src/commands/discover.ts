// `--discover`: the catalog of every stream, plus the per-event streams the archive's newest files show (events_track_tables).
import type {Config} from '../config/settings.js';
import {eventsConfigured} from '../events/settings.js';
import type {Logger} from '../shared/log.js';
import {loadPrebuilt} from '../shared/prebuilt.js';
import type {Catalog} from '../singer/catalog.js';

/**
 * Offline and without a config it lists the fixed streams: Meltano discovers before every run, and
 * that must not need a token, the network or a valid config. With events_track_tables on, it samples
 * the archive within a budget; if that fails the fixed catalog is still printed, with a warning.
 * The fixed catalog's text was rendered by `npm run build`, so the common case loads no stream code.
 */
export async function discoverText(configFiles: readonly string[], log: Logger): Promise<string> {
  let config: Config | undefined;
  try {
    // Imported only with a config: the settings and their validator are most of what discovery loads.
    if (configFiles.length > 0)
      config = (await import('../config/sources.js')).loadConfig(configFiles, process.env);
  } catch {
    config = undefined;
  }
  if (!config?.events_track_tables || !eventsConfigured(config)) {
    const built = await loadPrebuilt<{text: string}>('catalog');
    if (built) return built.text;
  }
  return render(await discoverCatalog(config, log));
}

function render(catalog: Catalog): string {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

async function discoverCatalog(config: Config | undefined, log: Logger): Promise<Catalog> {
  const [{SETTINGS}, {openArchive}, {sampleTrackTables}, {discover}, {ALL_STREAMS}] = await Promise.all([
    import('../config/settings.js'),
    import('../events/open.js'),
    import('../events/track-tables.js'),
    import('../singer/catalog.js'),
    import('./sources.js'),
  ]);
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

#!/usr/bin/env node
// The command line: argv → discover, about, test or sync; the only top-level catch and the only exit.
// Each mode imports only what it needs (--discover and --about start in about the time of node itself).
import {type Flags, parseFlags} from './commands/args.js';
import type {Config} from './config/settings.js';
import {InterruptedError, PipeClosedError, TapError, UsageError} from './shared/errors.js';
import {createLogger, type LogFormat, type Logger, type LogLevel, toLogLevel} from './shared/log.js';
import {loadPrebuilt} from './shared/prebuilt.js';
import {DESCRIPTION, NAME, VERSION} from './shared/version.js';

const help = `
  Usage
    $ tap-segment --config config.json [--catalog catalog.json] [--state state.json] > output.jsonl
    $ tap-segment --config config.json --discover > catalog.json

  Modes
    --discover            Print the catalog of every stream (offline; no token needed)
    --about               Print name, version, capabilities and settings (--format json|markdown)
    --test                Make one authenticated request (GET /) and report whether the token works;
                          with events_s3_bucket or events_local_dir: list the archive and read its newest file
    --test=streams        Read one page of every stream (or the --catalog's; event streams: the newest
                          archive file): readable? schema drift?
                          A table on stderr; --format json adds a JSON report on stdout. Exit 1 on a problem
    --version             Print the version

  Options
    --config FILE         Config JSON; repeat to merge files (later wins); ENV reads TAP_SEGMENT_* variables
    --catalog FILE        Catalog with "selected" streams (alias --properties); without it every stream syncs
    --state FILE          State from the previous run (the last STATE line the target printed)
    --format FORMAT       Output format for --about: text (default), json or markdown
    --log-level LEVEL     debug, info (default), warn or error; also TAP_SEGMENT_LOG_LEVEL
    --log-format FORMAT   text (default) or json, one object per stderr line

  stdout carries Singer messages only; logs go to stderr. Exit 0 on success, 1 on failure, 2 on a usage mistake.
`;

// The pinned AWS SDK warns, over nine stderr lines, that *later* SDK versions will need Node 22:
// it breaks one-line (and JSON) logs and concerns no version this tap ships with.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Module-level so that even the last-resort handler below scrubs the token.
let log: Logger = createLogger(stderrLog());

function stderrLog() {
  return {
    write: (line: string) => process.stderr.write(line),
    pid: process.pid,
    tty: Boolean(process.stderr.isTTY),
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  // As npm bins do: `ps` shows the tap's name rather than `node`.
  process.title = NAME;
  const flags = parseFlags(argv);
  // --help only alone, as it always was: with other flags it is ignored.
  if (flags.help && argv.length === 1) return print(`\n  ${DESCRIPTION}\n${help}\n`);
  const logOptions = {...stderrLog(), level: logLevel(flags.logLevel), format: logFormat(flags.logFormat)};
  log = createLogger(logOptions);
  try {
    if (flags.mistake) throw flags.mistake;
    if (flags.version) return print(`${NAME} v${VERSION}\n`);
    if (flags.about) return print(await about(flags.format));
    const sources = flags.config;
    if (flags.discover) {
      // Meltano runs discovery before every run; it must not need a token, the network, or a valid config.
      const {discoverText} = await import('./commands/discover.js');
      return print(await discoverText(sources, log));
    }
    if (sources.length === 0) throw new UsageError('--config is required to sync or test');
    // Loaded together (a sync's first request waits for all three); a failed config still reads as one line.
    const [{loadConfig}, {SETTINGS}, syncCommand] = await Promise.all([
      import('./config/sources.js'),
      import('./config/settings.js'),
      flags.test === undefined ? import('./commands/sync.js') : undefined,
    ]);
    const config = loadConfig(sources, process.env);
    if (config.metrics_log_level !== undefined)
      log = createLogger({...logOptions, metricsLevel: metricsLevel(config.metrics_log_level)});
    // Every secret setting (api token, AWS keys, session token, external id) is scrubbed from every line.
    for (const [key, setting] of Object.entries(SETTINGS)) {
      const value = config[key as keyof Config];
      if (setting.secret && typeof value === 'string') log.addSecret(value);
    }
    // No sync command was loaded exactly when --test was given.
    if (syncCommand === undefined) return await test(flags.test ?? '', config, flags);
    await syncCommand.runSync(config, {catalog: flags.catalog, state: flags.state}, log, process.stdout);
    return 0;
  } catch (error) {
    return report(error, log);
  }
}

async function test(kind: string, config: Config, flags: Pick<Flags, 'catalog' | 'format'>): Promise<number> {
  if (kind === '' || kind === 'connection') {
    const {connectionTest} = await import('./commands/test-connection.js');
    for (const line of (await connectionTest(config, log)).split('\n')) log.info(line);
    return 0;
  }
  if (kind !== 'streams')
    throw new UsageError(`--test takes no value, "connection" or "streams", got "${kind}"`);
  if (flags.format !== undefined && flags.format !== 'json' && flags.format !== 'text') {
    throw new UsageError(`--format must be text or json with --test=streams, got "${flags.format}"`);
  }
  const [
    {loadSelections},
    {allGood, learnedBy, renderTable, testStreams},
    {createSources},
    {loadValidators},
  ] = await Promise.all([
    import('./commands/sync.js'),
    import('./commands/test-streams.js'),
    import('./commands/sources.js'),
    import('./records/schemas.js'),
  ]);
  const selections = loadSelections({catalog: flags.catalog}, config);
  await loadValidators(selections.map((s) => s.def.name));
  const {sources} = await createSources(config, selections, log);
  const checks = await testStreams(sources, selections, Date.now());
  const api = learnedBy(sources);
  process.stderr.write(log.scrub(renderTable(checks, api)));
  if (flags.format === 'json')
    print(`${JSON.stringify({streams: checks, api, ok: allGood(checks)}, null, 2)}\n`);
  return allGood(checks) ? 0 : 1;
}

async function about(format: string | undefined): Promise<string> {
  if (format !== undefined && !['text', 'json', 'markdown'].includes(format))
    throw new UsageError(`--format must be text, json or markdown, got "${format}"`);
  const kind = (format ?? 'text') as 'text' | 'json' | 'markdown';
  // Computed by `npm run build`: --about then loads neither the settings nor the stream registry.
  const built = await loadPrebuilt<Record<typeof kind, string>>('about');
  if (built) return built[kind];
  const {aboutJson, aboutMarkdown, aboutText} = await import('./commands/about.js');
  if (kind === 'json') return `${JSON.stringify(aboutJson(), null, 2)}\n`;
  return kind === 'markdown' ? aboutMarkdown() : aboutText();
}

function logLevel(flag: string | undefined): LogLevel {
  const value = (flag ?? process.env.TAP_SEGMENT_LOG_LEVEL ?? process.env.LOGLEVEL ?? 'info').toLowerCase();
  const level = toLogLevel(value);
  if (level === undefined) {
    process.stderr.write(`CRITICAL --log-level must be one of debug, info, warn, error (got "${value}")\n`);
    process.exit(2);
  }
  return level;
}

/** The config validated the name already; `none` silences METRIC lines altogether. */
function metricsLevel(name: string): LogLevel | 'none' {
  return name === 'none' ? 'none' : (toLogLevel(name) ?? 'info');
}

function logFormat(flag: string | undefined): LogFormat {
  // Meltano sets SINGER_SDK_LOG_CONFIG for plugins with the structured-logging capability: answer in JSON.
  const value =
    flag ?? (process.env.TAP_SEGMENT_LOG_FORMAT || (process.env.SINGER_SDK_LOG_CONFIG ? 'json' : 'text'));
  if (value !== 'text' && value !== 'json') {
    process.stderr.write(`CRITICAL --log-format must be text or json (got "${value}")\n`);
    process.exit(2);
  }
  return value;
}

function print(text: string): number {
  process.stdout.write(text);
  return 0;
}

function report(error: unknown, log: Logger): number {
  if (error instanceof InterruptedError) {
    log.warn(error.message);
    return error.exitCode;
  }
  if (error instanceof PipeClosedError) {
    log.error(error.message);
    return error.exitCode;
  }
  if (error instanceof TapError) {
    log.critical(error.exitCode === 2 ? `${error.message}. Run tap-segment --help for usage` : error.message);
    return error.exitCode;
  }
  // A bug, not a user mistake: keep the stack, scrubbed, on one line.
  const e = error as Error;
  log.critical(`unexpected error: ${e?.stack ?? String(error)}`);
  return 1;
}

process.on('unhandledRejection', (reason) => {
  log.critical(`unhandled rejection: ${String((reason as Error)?.message ?? reason)}`);
  process.exit(1);
});

const code = await main();
// Exit only once stdout has flushed: the last STATE must reach the target.
process.stdout.write('', () => process.exit(code));

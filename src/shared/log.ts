// Leveled logger to stderr (text or JSON lines) that scrubs every registered secret from every line.
import {REDACTED} from './redaction.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'critical';
export type LogFormat = 'text' | 'json';

const ORDER: Record<LogLevel, number> = {debug: 10, info: 20, warn: 30, error: 40, critical: 50};
const LABEL: Record<LogLevel, string> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  critical: 'CRITICAL',
};
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

/** A level name as users write it (`WARNING`, `warn`, `Info`), or undefined if it is none. */
export function toLogLevel(name: string): LogLevel | undefined {
  const lower = name.toLowerCase();
  const level = lower === 'warning' ? 'warn' : lower;
  return LOG_LEVELS.includes(level as LogLevel) ? (level as LogLevel) : undefined;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  critical(message: string): void;
  /**
   * A line a log file wants and a person at a terminal does not, because the status line and the
   * summary table say the same: info in logs, debug on a terminal.
   */
  progress(message: string): void;
  /**
   * A Singer metric line (`INFO METRIC: {...}`). METRIC lines are for machines: at info in a pipe
   * or a JSON log, at debug on a terminal (the status line and summary carry the numbers there).
   * Their threshold is `metricsLevel`, else the log level.
   */
  metric(point: MetricPoint): void;
  /** Whether a metric line would be printed; callers skip measuring otherwise. */
  metricsEnabled(): boolean;
  enabled(level: LogLevel): boolean;
  /** A person reads these lines at a terminal: stderr is a TTY and the format is text. */
  readonly interactive: boolean;
  /** A live status line on a terminal (redrawn in place, kept below log lines); '' clears it. */
  status(line: string): void;
  /** Every later line has this string replaced; used for the API token. */
  addSecret(secret: string): void;
  scrub(text: string): string;
}

export interface MetricPoint {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, string | number>;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Lines reach a terminal (the CLI passes stderr.isTTY). */
  tty?: boolean;
  /** Threshold of METRIC lines (the Meltano SDK's `metrics_log_level`); 'none' drops them. */
  metricsLevel?: LogLevel | 'none';
  /** Where lines go: the CLI passes stderr; tests keep them. */
  write: (line: string) => void;
  /** The process id JSON lines carry (Meltano's structured-log shape). */
  pid?: number;
  now?: () => number;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const format = options.format ?? 'text';
  const interactive = Boolean(options.tty) && format === 'text';
  const metricsThreshold =
    options.metricsLevel === 'none'
      ? Number.POSITIVE_INFINITY
      : ORDER[options.metricsLevel ?? options.level ?? 'info'];
  const metricsShown = ORDER[interactive ? 'debug' : 'info'] >= metricsThreshold;
  const {write} = options;
  const now = options.now ?? Date.now;
  const secrets = new Set<string>();
  let statusLine = '';

  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  };
  const emit = (level: LogLevel, message: string): void => {
    if (ORDER[level] >= threshold) print(level, message);
  };
  const print = (level: LogLevel, message: string, metric?: MetricPoint): void => {
    // One line per message: a newline inside would look like a second log record to Meltano.
    const text = scrub(message).replace(/\r?\n/g, ' | ');
    const line =
      format === 'json'
        ? JSON.stringify({
            level: level === 'warn' ? 'warning' : level,
            pid: options.pid ?? null,
            logger_name: metric ? 'tap-segment.metrics' : 'tap-segment',
            ts: now() / 1000,
            thread_name: null,
            app_name: 'tap-segment',
            stream_name: streamName(metric),
            message: metric ? 'METRIC' : text,
            ...(metric ? {metric_info: metric} : {}),
            extra: {},
          })
        : `${LABEL[level]} ${text}`;
    // A terminal status line is cleared, the log line printed, and the status drawn again below it.
    write(statusLine ? `\r\x1b[K${line}\n${statusLine}` : `${line}\n`);
  };

  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    critical: (m) => emit('critical', m),
    progress: (m) => emit(interactive ? 'debug' : 'info', m),
    // Labelled INFO whatever routed it: `INFO METRIC: {...}` is the Singer wire shape of a metric.
    metric: (point) => {
      if (metricsShown) print('info', `METRIC: ${JSON.stringify(point)}`, point);
    },
    metricsEnabled: () => metricsShown,
    enabled: (level) => ORDER[level] >= threshold,
    interactive,
    status: (line) => {
      statusLine = scrub(line);
      write(`\r\x1b[K${statusLine}`);
    },
    addSecret: (secret) => {
      // Short strings would scrub ordinary words; a real token is long.
      if (secret.length >= 8) secrets.add(secret);
    },
    scrub,
  };
}

/** The stream a metric is about: every caller tags it `endpoint`; the run-wide `all` names none. */
function streamName(metric: MetricPoint | undefined): string | null {
  const endpoint = metric?.tags.endpoint;
  return endpoint === undefined || endpoint === 'all' ? null : String(endpoint);
}

/** A logger that drops everything; for tests and library use. */
export const silentLogger: Logger = createLogger({level: 'critical', write: () => {}});

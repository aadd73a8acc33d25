// The config file: its JSON Schema (also the --about settings), loading, validation and defaults.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import type {Ajv as AjvClass, ErrorObject, ValidateFunction} from 'ajv';
import {EVENTS_SETTINGS, type EventsConfig, eventsConfigProblems} from '../events/settings.js';
import {resolveHost} from '../public-api/region.js';
import {InputError, UsageError} from '../shared/errors.js';
import {describe, type JsonObject} from '../shared/json.js';
import {loadPrebuilt} from '../shared/prebuilt.js';
import {parseInstant} from '../shared/time.js';

/** The Public API's settings, the engine's, and the event archive's (events_*). */
export interface Config extends EventsConfig {
  api_token?: string;
  region: string;
  start_date?: string;
  base_url?: string;
  page_size: number;
  user_agent?: string;
  request_timeout: number;
  requests_per_minute: number;
  endpoint_requests_per_minute?: string;
  max_retries: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
  max_parallel_streams: number;
  strict_streams: boolean;
  derive_relations: boolean;
  redact_secrets: boolean;
  flattening_enabled: boolean;
  flattening_max_depth: number;
  emit_activate_version: boolean;
  metrics_log_level?: string;
}

export type Setting = {
  type: 'string' | 'integer' | 'boolean';
  title: string;
  description: string;
  default?: string | number | boolean;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  format?: string;
  secret?: boolean;
  writeOnly?: boolean;
};

/** Every setting, in the order README, --about and meltano.yml list them. */
export const SETTINGS: Record<keyof Config, Setting> = {
  api_token: {
    type: 'string',
    title: 'API Token',
    description:
      'Segment Public API token (Workspace Owner or Member); required for the Public API streams, not for event_*; never logged or echoed.',
    secret: true,
    writeOnly: true,
  },
  region: {
    type: 'string',
    title: 'Region',
    description:
      'Workspace region: us (api.segmentapis.com) or eu (eu1.api.segmentapis.com); api and eu1 are aliases.',
    enum: ['us', 'eu', 'api', 'eu1'],
    default: 'us',
  },
  start_date: {
    type: 'string',
    title: 'Start Date',
    description:
      'ISO-8601 date or date-time where incremental streams (usage, audit events, event volume) start without a bookmark.',
    format: 'date-time',
  },
  base_url: {
    type: 'string',
    title: 'Base URL',
    description: 'Overrides the regional API host, for proxies and testing; https, or http on loopback only.',
  },
  page_size: {
    type: 'integer',
    title: 'Page Size',
    description:
      'Records per request (pagination.count); larger pages mean fewer requests. An API that refuses more than ' +
      '200 (before 2024-03) gets 200, said once.',
    default: 1000,
    minimum: 1,
    maximum: 1000,
  },
  user_agent: {
    type: 'string',
    title: 'User Agent',
    description: 'User-Agent header; defaults to tap-segment/<version>.',
  },
  request_timeout: {
    type: 'integer',
    title: 'Request Timeout',
    description: 'Seconds before a request (headers and body) is abandoned and retried.',
    default: 300,
    minimum: 1,
    maximum: 3600,
  },
  requests_per_minute: {
    type: 'integer',
    title: 'Requests Per Minute',
    description: 'Request budget shared by every stream of the run.',
    default: 200,
    minimum: 1,
    maximum: 100000,
  },
  endpoint_requests_per_minute: {
    type: 'string',
    title: 'Endpoint Requests Per Minute',
    description:
      "Comma-separated stream=limit pairs replacing an endpoint's documented per-minute limit (e.g. warehouse_syncs=10,audiences=60), for when Segment changes a limit; streams reading one endpoint share its limit.",
  },
  max_retries: {
    type: 'integer',
    title: 'Max Retries',
    description: 'Retries of one request after 429, 5xx, timeouts, resets and truncated bodies.',
    default: 8,
    minimum: 0,
    maximum: 50,
  },
  backoff_base_ms: {
    type: 'integer',
    title: 'Backoff Base',
    description: 'First retry wait ceiling in milliseconds; doubles per attempt, with full jitter.',
    default: 1000,
    minimum: 0,
    maximum: 60000,
  },
  backoff_max_ms: {
    type: 'integer',
    title: 'Backoff Max',
    description:
      'Longest computed backoff wait in milliseconds; a wait the server directs (429 headers) is honoured even when longer.',
    default: 60000,
    minimum: 0,
    maximum: 600000,
  },
  max_parallel_streams: {
    type: 'integer',
    title: 'Max Parallel Streams',
    description: 'Streams read at the same time, under the one shared rate limit.',
    default: 4,
    minimum: 1,
    maximum: 32,
  },
  strict_streams: {
    type: 'boolean',
    title: 'Strict Streams',
    description:
      'Fail fast: a forbidden stream (403, or 404 on a plan-gated list) and the first stream that fails ' +
      '(a record that does not fit, a 4xx, a repeated cursor) stop the whole run, instead of a skip with a ' +
      'warning and a failure that costs only that stream.',
    default: false,
  },
  derive_relations: {
    type: 'boolean',
    title: 'Derive Relations',
    description:
      'Read source_connected_destinations from /destinations (each names its sourceId) and ' +
      "source_connected_warehouses from the warehouses' connected-sources lists (when that stream is selected too), " +
      "instead of two requests per source; false reads each source's own endpoints.",
    default: true,
  },
  redact_secrets: {
    type: 'boolean',
    title: 'Redact Secrets',
    description: 'Replace write keys and secret-looking settings values in records with a marker.',
    default: true,
  },
  flattening_enabled: {
    type: 'boolean',
    title: 'Flattening Enabled',
    description: 'Flatten nested objects into parent__child columns for flat targets.',
    default: false,
  },
  flattening_max_depth: {
    type: 'integer',
    title: 'Flattening Max Depth',
    description: 'Levels to flatten; deeper values become JSON strings.',
    default: 1,
    minimum: 1,
    maximum: 10,
  },
  emit_activate_version: {
    type: 'boolean',
    title: 'Emit Activate Version',
    description: 'Send ACTIVATE_VERSION after full-table streams so targets can drop deleted rows.',
    default: false,
  },
  metrics_log_level: {
    type: 'string',
    title: 'Metrics Log Level',
    description:
      'Threshold of the Singer METRIC lines on stderr, as in the Meltano SDK: debug or info prints them, warning, error or none silences them; unset, the log level decides. At a terminal they count as debug (the status line and summary show the numbers).',
    enum: ['debug', 'info', 'warning', 'warn', 'error', 'none'],
  },
  ...EVENTS_SETTINGS,
};

export const CONFIG_SCHEMA = {
  type: 'object',
  properties: Object.fromEntries(Object.entries(SETTINGS).map(([key, s]) => [key, {...s}])),
  required: [] as string[],
} as const;

/** The options of the config validator, at run time and in the one `npm run build` compiles. */
export const CONFIG_VALIDATOR_OPTIONS = {allErrors: true, useDefaults: true, strict: false} as const;

/** What the config is validated against: ajv does not know the annotation keywords, so they are stripped. */
export function configValidationSchema(): JsonObject {
  return {
    ...CONFIG_SCHEMA,
    properties: Object.fromEntries(
      Object.entries(SETTINGS).map(([key, {secret: _s, writeOnly: _w, format: _f, ...rest}]) => [key, rest]),
    ),
  } as JsonObject;
}

// The validator `npm run build` compiled, with the schema it was compiled from: no ajv compile at start-up.
const prebuilt = await loadPrebuilt<{schema: string; validate: ValidateFunction}>('config-validator');
let validator: ValidateFunction | undefined;

/** Compiled on first use, unless the build's validator is for this very schema. */
function validateSchema(): ValidateFunction {
  if (validator) return validator;
  const schema = configValidationSchema();
  if (prebuilt && prebuilt.schema === JSON.stringify(schema)) validator = prebuilt.validate;
  else {
    const {Ajv} = createRequire(import.meta.url)('ajv') as {Ajv: typeof AjvClass};
    validator = new Ajv(CONFIG_VALIDATOR_OPTIONS).compile(schema);
  }
  return validator;
}

/** Reads one JSON file that must hold an object; every failure names the file and how to fix it. */
export function readJsonObject(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot be read (${code})`;
    // A path that cannot be read is a command-line mistake (exit 2), not a bad file.
    throw new UsageError(`${what} file ${path} ${reason}; pass the path of a readable JSON file`);
  }
  if (text.trim() === '') throw new InputError(`${what} file ${path} is empty; it must hold a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${what} file ${path} is not valid JSON (${(error as Error).message}); fix the syntax`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${what} file ${path} must hold a JSON object, not ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Validates raw config (already merged from files and env) and applies defaults. */
export function parseConfig(raw: Record<string, unknown>, source: string): Config {
  // Meltano drops nulls; so do we, so that a null means "use the default".
  const data = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
  if (typeof data.region === 'string') data.region = data.region.toLowerCase();
  // Meltano SDK users write Python level names: INFO, WARNING.
  if (typeof data.metrics_log_level === 'string')
    data.metrics_log_level = data.metrics_log_level.toLowerCase();
  const problems: string[] = [];
  const validate = validateSchema();
  if (!validate(data)) problems.push(...(validate.errors ?? []).map((e) => explain(e, data)));
  if (problems.length === 0) problems.push(...semanticProblems(data as unknown as Config));
  if (problems.length > 0) {
    throw new InputError(`config ${source} is invalid: ${problems.join('; ')}`);
  }
  return data as unknown as Config;
}

function semanticProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.api_token !== undefined && config.api_token.trim().length < 8) {
    problems.push('api_token is too short to be a Segment Public API token; copy the whole token');
  }
  problems.push(...eventsConfigProblems(config));
  for (const key of ['start_date', 'events_start_date'] as const)
    problems.push(...instantProblems(key, config[key]));
  if (config.base_url !== undefined) {
    try {
      resolveHost(config.region, config.base_url);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (config.backoff_max_ms < config.backoff_base_ms) {
    problems.push('backoff_max_ms must be at least backoff_base_ms');
  }
  return problems;
}

function instantProblems(key: string, value: string | undefined): string[] {
  if (value === undefined) return [];
  const parsed = parseInstant(value);
  if (parsed === undefined)
    return [`${key} "${value}" is not an ISO-8601 date or date-time (e.g. 2024-01-01)`];
  if (parsed > Date.now()) return [`${key} "${value}" is in the future; use a past date`];
  return [];
}

function explain(error: ErrorObject, data: Record<string, unknown>): string {
  const key = error.instancePath.replace(/^\//, '') || String(error.params.missingProperty ?? '');
  const setting = SETTINGS[key as keyof Config];
  const shown = setting?.secret ? '' : ` (got ${JSON.stringify(data[key])})`;
  switch (error.keyword) {
    case 'type':
      return `${key} must be ${error.params.type === 'integer' ? 'a whole number' : `a ${error.params.type}`}${shown}`;
    case 'enum':
      return `${key} must be one of ${(error.params.allowedValues as string[]).join(', ')}${shown}`;
    case 'minimum':
    case 'maximum':
      return `${key} must be ${error.keyword === 'minimum' ? '>=' : '<='} ${error.params.limit}${shown}`;
    default:
      return `${key} ${error.message ?? 'is invalid'}`;
  }
}

// Test support: config, fixtures, nock scopes and an in-process sync that collects every message.
import {readFileSync} from 'node:fs';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import nock from 'nock';
import singer from 'singer-node';
import {type Config, parseConfig} from '../src/config/settings.js';
import {sync} from '../src/engine/sync.js';
import {httpOptionsFrom} from '../src/public-api/client.js';
import {createHttp, type HttpOptions} from '../src/public-api/http.js';
import {createPublicApiSource} from '../src/public-api/source.js';
import {streams} from '../src/public-api/streams.js';
import type {JsonObject, JsonValue} from '../src/shared/json.js';
import {createLogger, type Logger} from '../src/shared/log.js';
import {type Selection, selectAll} from '../src/singer/catalog.js';
import {type SingerMessage, serialize} from '../src/singer/messages.js';
import {emptyState, type State} from '../src/singer/state.js';

/** A full garbage collection now, from inside the test process (the flag exposes gc() to new contexts only). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export const API = 'https://api.segmentapis.com';
export const TOKEN = 'sgp_TEST_TOKEN_5f1a9c0d7e3b42';

export function testConfig(overrides: Record<string, unknown> = {}): Config {
  return parseConfig(
    {
      api_token: TOKEN,
      start_date: '2026-01-01T00:00:00Z',
      backoff_base_ms: 1,
      backoff_max_ms: 5,
      requests_per_minute: 100000,
      // The nock tests were written against 200 per page (the default until issue 17).
      page_size: 200,
      ...overrides,
    },
    'test',
  );
}

export function fixture(name: string): JsonObject {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as JsonObject;
}

/** A logger that keeps its lines for assertions. */
export function memoryLogger(level: 'debug' | 'info' | 'warn' = 'debug'): Logger & {lines: string[]} {
  const lines: string[] = [];
  const log = createLogger({level, write: (line) => lines.push(line.trimEnd())});
  log.addSecret(TOKEN);
  return Object.assign(log, {lines});
}

export interface RunResult {
  messages: SingerMessage[];
  lines: string[];
  log: string[];
  /** With `keepFailure`: what the sync threw after its last message (StreamsFailedError, say). */
  error?: Error;
}

export function selections(...names: string[]): Selection[] {
  return selectAll(streams).filter((s) => names.includes(s.def.name));
}

/** Runs the engine in-process over real HTTP (nock intercepts it) and parses every line with singer-node. */
export async function runSync(options: {
  selections: Selection[];
  config?: Config;
  state?: State;
  now?: number;
  log?: Logger & {lines: string[]};
  /** Return what the sync threw as `error`, with every message before it, instead of rejecting. */
  keepFailure?: boolean;
  /** HTTP options the config cannot set (a shorter "minute" for the per-endpoint limits). */
  http?: Partial<HttpOptions>;
}): Promise<RunResult> {
  const config = options.config ?? testConfig();
  const log = options.log ?? memoryLogger();
  const http = createHttp({
    ...httpOptionsFrom(config, log),
    userAgent: 'tap-segment/test',
    timeoutMs: 2000,
    ...options.http,
  });
  const messages: SingerMessage[] = [];
  const lines: string[] = [];
  const now = options.now;
  try {
    for await (const batch of sync({
      selections: options.selections,
      state: options.state ?? emptyState(),
      config,
      sources: [createPublicApiSource(http, config)],
      log,
      ...(now ? {now: () => now} : {}),
    })) {
      for (const message of batch) {
        messages.push(message);
        const line = serialize(message);
        if (message.type !== 'ACTIVATE_VERSION') singer.parse_message(line);
        lines.push(line);
      }
    }
  } catch (error) {
    if (!options.keepFailure) throw error;
    return {messages, lines, log: log.lines, error: error as Error};
  }
  return {messages, lines, log: log.lines};
}

export function records(result: RunResult, stream?: string): JsonObject[] {
  return result.messages
    .filter(
      (m): m is Extract<SingerMessage, {type: 'RECORD'}> =>
        m.type === 'RECORD' && (!stream || m.stream === stream),
    )
    .map((m) => m.record);
}

export function states(result: RunResult): JsonObject[] {
  return result.messages.filter((m) => m.type === 'STATE').map((m) => (m as {value: JsonObject}).value);
}

/** Singer ordering rules: SCHEMA before a stream's RECORDs, and the last message is a STATE. */
export function checkOrdering(messages: SingerMessage[]): void {
  const schemas = new Set<string>();
  for (const m of messages) {
    if (m.type === 'SCHEMA') schemas.add(m.stream);
    if (m.type === 'RECORD' && !schemas.has(m.stream))
      throw new Error(`RECORD of ${m.stream} before its SCHEMA`);
  }
  if (messages.at(-1)?.type !== 'STATE') throw new Error('the last message is not a STATE');
}

/** Mocks a list endpoint: page 1 (no cursor) then page 2 (cursor Mg==), both with pagination.count. */
export function nockPages(
  path: string,
  name: string,
  count = 200,
  extra: Record<string, string> = {},
): nock.Scope {
  return nock(API)
    .get(path)
    .query({...extra, 'pagination.count': String(count)})
    .reply(200, fixture(`${name}.page1`))
    .get(path)
    .query({
      ...extra,
      'pagination.count': String(count),
      'pagination.cursor': cursorOf(fixture(`${name}.page1`)),
    })
    .reply(200, fixture(`${name}.page2`));
}

function cursorOf(page: JsonObject): string {
  return ((page.data as JsonObject).pagination as JsonObject).next as string;
}

export function schemaOf(result: RunResult, stream: string): Extract<SingerMessage, {type: 'SCHEMA'}> {
  const found = result.messages.find((m) => m.type === 'SCHEMA' && m.stream === stream);
  if (found?.type !== 'SCHEMA') throw new Error(`no SCHEMA for ${stream}`);
  return found;
}

/**
 * Mocks the detail GET of every item of the stream's fixture pages that lacks a detail field: the
 * item with the fields of `<stream>.detail.json` added (the fixture holds one detail, its id aside).
 */
export function nockDetails(name: string): nock.Scope {
  const def = streams.find((s) => s.name === name);
  const detail = def?.detail;
  if (!detail) throw new Error(`stream ${name} reads no detail`);
  const extra = (fixture(`${name}.detail`).data as JsonObject)[detail.recordsKey] as JsonObject;
  const scope = nock(API);
  for (const n of [1, 2]) {
    const data = fixture(`${name}.page${n}`).data as JsonObject;
    for (const item of data[def.recordsKey] as JsonObject[]) {
      if (detail.fields.every((field) => field in item)) continue;
      const id = item.id as string;
      scope
        .get(detail.path.replace('{id}', encodeURIComponent(id)))
        .reply(200, {data: {[detail.recordsKey]: {...extra, ...item, ...pick(extra, detail.fields)}}});
    }
  }
  return scope;
}

function pick(object: JsonObject, fields: readonly string[]): JsonObject {
  return Object.fromEntries(fields.filter((f) => f in object).map((f) => [f, object[f] as JsonValue]));
}

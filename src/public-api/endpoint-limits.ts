// The endpoint_requests_per_minute setting: `stream=limit` pairs that replace an endpoint's documented per-minute limit.
import type {Config} from '../config/settings.js';
import {InputError} from '../shared/errors.js';
import {type StreamDef, streams} from './streams.js';

type LimitConfig = Pick<Config, 'endpoint_requests_per_minute'>;
const parsed = new WeakMap<LimitConfig, ReadonlyMap<string, number>>();

/**
 * Segment changes its per-endpoint limits (the tap holds Engage to the older contract's 25/min; the
 * 73.2.0 notes say 60) faster than a release ships: the setting lets a user follow the API, or slow one endpoint down. A limit
 * belongs to the endpoint, so streams reading one endpoint share it; keyed here by path template.
 */
export function parseEndpointLimits(
  text: string | undefined,
  defs: readonly StreamDef[],
): ReadonlyMap<string, number> {
  const limits = new Map<string, number>();
  const named = new Map<string, string>();
  for (const pair of (text ?? '').split(',').map((p) => p.trim())) {
    if (pair === '') continue;
    const match = /^([a-z0-9_]+)\s*=\s*(\d+)$/.exec(pair);
    const where = `endpoint_requests_per_minute "${pair}"`;
    if (!match) throw new InputError(`${where} is not stream=limit; write e.g. warehouse_syncs=10`);
    const [, name, value] = match as unknown as [string, string, string];
    const def = defs.find((d) => d.name === name);
    if (!def) throw new InputError(`${where} names no Public API stream; use a stream name from --discover`);
    const limit = Number(value);
    if (limit < 1 || limit > 100_000)
      throw new InputError(`${where}: the limit must be 1 to 100000 per minute`);
    const other = named.get(def.path);
    if (other !== undefined && limits.get(def.path) !== limit) {
      throw new InputError(
        `${where}: ${other} reads the same endpoint (${def.path}) with another limit; give both one`,
      );
    }
    limits.set(def.path, limit);
    named.set(def.path, name);
  }
  return limits;
}

/** The setting read once per config (a mistake throws, naming the pair), by endpoint path template. */
export function endpointLimits(config: LimitConfig): ReadonlyMap<string, number> {
  let limits = parsed.get(config);
  if (!limits) {
    limits = parseEndpointLimits(config.endpoint_requests_per_minute, streams);
    parsed.set(config, limits);
  }
  return limits;
}

/** The per-minute limit a stream's endpoint is held to this run: the setting's, else the documented one. */
export function endpointLimit(def: StreamDef, config: LimitConfig): number | undefined {
  return endpointLimits(config).get(def.path) ?? def.requestsPerMinute;
}

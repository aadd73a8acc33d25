// Where config comes from: one or more --config files merged left to right, and `--config ENV` (TAP_SEGMENT_*).
import {existsSync, readFileSync} from 'node:fs';
import {parseEnv} from 'node:util';
import {InputError} from '../shared/errors.js';
import {type Config, parseConfig, readJsonObject, SETTINGS} from './settings.js';

const ENV_PREFIX = 'TAP_SEGMENT_';

export function envName(setting: string): string {
  return `${ENV_PREFIX}${setting.toUpperCase()}`;
}

/** Settings found in the environment, converted to their types as Meltano SDK taps do. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const raw = env[envName(key)];
    if (raw === undefined || raw === '') continue;
    out[key] = convert(raw, setting.type);
  }
  return out;
}

function convert(raw: string, type: 'string' | 'integer' | 'boolean'): unknown {
  if (type === 'integer') return /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') {
    const lower = raw.trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    // Left as a string so validation names the setting and the bad value.
    return raw;
  }
  return raw;
}

/** The environment, plus a `.env` file in the working directory as Meltano SDK taps read it (real variables win). */
export function environmentWithDotEnv(env: NodeJS.ProcessEnv, dotEnvPath = '.env'): NodeJS.ProcessEnv {
  if (!existsSync(dotEnvPath)) return env;
  try {
    return {...parseEnv(readFileSync(dotEnvPath, 'utf8')), ...env};
  } catch (error) {
    throw new InputError(`${dotEnvPath} cannot be read (${(error as Error).message}); fix it or remove it`);
  }
}

/** Merges every source (later wins, the environment over files when ENV is named) and validates once. */
export function loadConfig(sources: readonly string[], env: NodeJS.ProcessEnv): Config {
  let merged: Record<string, unknown> = {};
  for (const source of sources) {
    merged = {
      ...merged,
      ...(source === 'ENV' ? configFromEnv(environmentWithDotEnv(env)) : readJsonObject(source, 'config')),
    };
  }
  return parseConfig(merged, sources.join(' + ') || '(none)');
}

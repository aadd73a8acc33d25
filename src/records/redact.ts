// Replaces credentials of other systems (write keys, secret-looking settings) inside records with a marker.
import {isObject, type JsonObject, type JsonValue} from '../shared/json.js';
import {REDACTED} from '../shared/redaction.js';

// Compared against the key lower-cased with separators removed: apiKey, api_key and API-KEY all match.
const SECRET_KEY =
  /(password|passwd|pwd|secret|token|apikey|accesskey|privatekey|signingkey|credential|certificate|passphrase|connectionstring|key)$/;
const SECRET_ANYWHERE = /(password|secret|credential|privatekey|token)/;

export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY.test(normalized) || SECRET_ANYWHERE.test(normalized);
}

/**
 * Top-level `writeKeys` entries and every secret-looking value under `settings` (at any depth)
 * become the marker; the keys stay, so users still see which settings exist. null, booleans and
 * empty strings stay as they are: they reveal nothing and show that a secret is unset.
 */
export function redactRecord(record: JsonObject): JsonObject {
  if (!('writeKeys' in record) && !('settings' in record)) return record;
  const out = {...record};
  if (Array.isArray(out.writeKeys)) out.writeKeys = out.writeKeys.map((k) => (k === null ? null : REDACTED));
  if (isObject(out.settings)) out.settings = redactSettings(out.settings);
  return out;
}

function redactSettings(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redactSettings);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretKey(key) && hasContent(inner) ? REDACTED : redactSettings(inner);
  }
  return out;
}

function hasContent(value: JsonValue): boolean {
  return value !== null && typeof value !== 'boolean' && value !== '';
}

// Runtime switches that bend responses: forbidden and missing paths, repeated cursors, extra and mistyped fields.

import type {DialectSwitches} from './dialect.js';
import type {FaultConfig, RateLimit} from './faults.js';
import type {JsonObject} from './types.js';
import type {VariantSwitches} from './variants.js';

export interface Switches extends DialectSwitches, VariantSwitches {
  rateLimit: RateLimit;
  endpointLimits: Record<string, RateLimit>;
  faults: FaultConfig | undefined;
  slowMs: number;
  latencyMs: number;
  /** Path prefixes answered with 403. */
  forbidden: string[];
  /** Path prefixes answered with 404. */
  notFound: string[];
  /** Path prefixes whose pages return next == the cursor they were given. */
  repeatCursor: string[];
  /** Path prefixes whose items gain an undeclared "zzExtraField". */
  extraFields: string[];
  /** Path prefixes whose items get one field of the wrong type ("enabled" first). */
  wrongTypes: string[];
}

export type SwitchInput = Partial<
  Omit<Switches, 'forbidden' | 'notFound' | 'repeatCursor' | 'extraFields' | 'wrongTypes'>
> & {
  forbidden?: string | string[];
  notFound?: string | string[];
  repeatCursor?: string | string[];
  extraFields?: string | string[];
  wrongTypes?: string | string[];
};

// Effectively unlimited, but every response still carries meaningful X-RateLimit-* headers.
export const DEFAULT_RATE_LIMIT: RateLimit = {limit: 1_000_000, windowMs: 60_000};

export const DEFAULT_SWITCHES: Switches = {
  rateLimit: DEFAULT_RATE_LIMIT,
  endpointLimits: {},
  faults: undefined,
  slowMs: 2000,
  latencyMs: 0,
  forbidden: [],
  notFound: [],
  repeatCursor: [],
  extraFields: [],
  wrongTypes: [],
  paginationForm: 'dot',
  formRejection: 422,
  groupByForm: 'comma',
  listFields: 'contract',
  keylessFunction: false,
  fractional: false,
};

const prefixes = (value: string | string[] | undefined) =>
  (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((p) =>
    p.startsWith('/') ? p : `/${p}`,
  );

export function mergeSwitches(base: Switches, input: SwitchInput): Switches {
  const next: Switches = {...base};
  const scalars = [
    'rateLimit',
    'endpointLimits',
    'faults',
    'slowMs',
    'latencyMs',
    'paginationForm',
    'formRejection',
    'groupByForm',
    'listFields',
    'keylessFunction',
    'fractional',
  ] as const;
  for (const key of scalars) {
    // Undefined means "unchanged", except for faults, where it switches injection off.
    if (key in input && (input[key] !== undefined || key === 'faults'))
      (next as unknown as JsonObject)[key] = input[key];
  }
  for (const key of ['forbidden', 'notFound', 'repeatCursor', 'extraFields', 'wrongTypes'] as const) {
    if (input[key] !== undefined) next[key] = prefixes(input[key]);
  }
  return next;
}

export const matches = (list: readonly string[], path: string) =>
  list.some((prefix) => path.startsWith(prefix));

function mistype(item: JsonObject): JsonObject {
  const copy = {...item};
  const entries = Object.entries(copy);
  const flag = 'enabled' in copy ? 'enabled' : entries.find(([, v]) => typeof v === 'boolean')?.[0];
  if (flag !== undefined) {
    copy[flag] = String(copy[flag]);
    return copy;
  }
  const text =
    entries.find(([, v]) => typeof v === 'string' && /^\d+$/.test(v)) ??
    entries.find(([k, v]) => typeof v === 'string' && k !== 'id');
  if (text) copy[text[0]] = Number.isNaN(Number(text[1])) ? 12345 : Number(text[1]);
  return copy;
}

/** Applies the item-level switches to a successful `data` body; returns a new body, never mutates items. */
export function bend(
  data: JsonObject,
  key: string,
  path: string,
  cursor: string | null,
  switches: Switches,
): JsonObject {
  const extra = matches(switches.extraFields, path);
  const wrong = matches(switches.wrongTypes, path);
  let result = data;
  if (extra || wrong) {
    const change = (item: unknown) => {
      if (typeof item !== 'object' || item === null) return item;
      let out = item as JsonObject;
      if (extra) out = {...out, zzExtraField: 'not in the schema'};
      if (wrong) out = mistype(out);
      return out;
    };
    const value = data[key];
    result = {...data, [key]: Array.isArray(value) ? value.map(change) : change(value)};
  }
  if (cursor !== null && matches(switches.repeatCursor, path) && typeof result.pagination === 'object') {
    result = {...result, pagination: {...(result.pagination as JsonObject), next: cursor}};
  }
  return result;
}

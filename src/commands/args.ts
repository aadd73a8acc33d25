// The command line's flags, read with node:util parseArgs; every mistake is one UsageError line.
import {parseArgs} from 'node:util';
import {UsageError} from '../shared/errors.js';

export interface Flags {
  config: string[];
  catalog?: string;
  state?: string;
  discover: boolean;
  about: boolean;
  format?: string;
  /** '' for a bare --test (the connection test). */
  test?: string;
  version: boolean;
  help: boolean;
  logLevel?: string;
  logFormat?: string;
  /** The first mistake, thrown once the logger knows --log-format (so even it is a JSON line when asked). */
  mistake?: UsageError;
}

type Kind = 'string' | 'multiple' | 'optional' | 'boolean';

/** Flag → its kind and the Flags key it sets; --properties is the Singer spec's old name for --catalog. */
const FLAGS: Record<string, {kind: Kind; key: keyof Flags}> = {
  config: {kind: 'multiple', key: 'config'},
  catalog: {kind: 'string', key: 'catalog'},
  properties: {kind: 'string', key: 'catalog'},
  state: {kind: 'string', key: 'state'},
  discover: {kind: 'boolean', key: 'discover'},
  about: {kind: 'boolean', key: 'about'},
  format: {kind: 'string', key: 'format'},
  test: {kind: 'optional', key: 'test'},
  version: {kind: 'boolean', key: 'version'},
  help: {kind: 'boolean', key: 'help'},
  'log-level': {kind: 'string', key: 'logLevel'},
  'log-format': {kind: 'string', key: 'logFormat'},
};

/**
 * parseArgs splits the tokens (`--a=b`, `-xy`, `--`); the values are taken here, as the CLI always
 * took them: a value is the next argument unless that is a flag, `--test` may stand alone, a
 * boolean takes `--no-` and a following `true`/`false`. Unknown flags are not parseArgs errors
 * but our own line, so that every mistake reads alike.
 */
export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = {config: [], discover: false, about: false, version: false, help: false};
  try {
    readTokens(argv, flags);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    flags.mistake = error;
  }
  return flags;
}

function readTokens(argv: readonly string[], flags: Flags): void {
  const {tokens} = parseArgs({args: [...argv], strict: false, allowPositionals: true, tokens: true});
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined || token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}"`);
    const negated = token.name.startsWith('no-') && FLAGS[token.name.slice(3)]?.kind === 'boolean';
    const name = negated ? token.name.slice(3) : token.name;
    const flag = token.rawName.startsWith('--') ? FLAGS[name] : undefined;
    if (!flag) throw new UsageError(`unknown option ${token.rawName}`);
    const next = tokens[i + 1];
    // The next argument, when it is a value of its own (not a flag, not after `--`).
    const following = !token.inlineValue && next?.kind === 'positional' && next.index === token.index + 1;
    if (flag.kind === 'boolean') {
      let value: string | undefined = token.value;
      if (value === undefined && following && /^(true|false)$/.test(next.value)) {
        value = next.value;
        i++;
      }
      if (value !== undefined && !/^(true|false)$/.test(value))
        throw new UsageError(`--${name} takes no value (or true/false), got "${value}"`);
      (flags[flag.key] as boolean) = negated ? value === 'false' : value !== 'false';
      continue;
    }
    let value = token.value;
    if (value === undefined && following) {
      value = next.value;
      i++;
    }
    if (flag.kind === 'optional') {
      flags.test = value ?? '';
      continue;
    }
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    if (flag.kind === 'multiple') {
      flags.config.push(value);
      continue;
    }
    if (seen.has(flag.key)) throw new UsageError(`--${name} can be given only once`);
    seen.add(flag.key);
    (flags[flag.key] as string) = value;
  }
}

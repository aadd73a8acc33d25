// `--test=streams`: every source's probe of its selected streams, as a table (stderr) and a verdict.
import type {Source, StreamCheck} from '../engine/source.js';
import type {Selection} from '../singer/catalog.js';

/** Each source probes its own selected streams; the checks come back in selection order. */
export async function testStreams(
  sources: readonly Source[],
  selections: readonly Selection[],
  now: number,
): Promise<StreamCheck[]> {
  const checks = new Map<string, StreamCheck>();
  for (const source of sources) {
    const mine = selections.filter((s) => source.streams.includes(s.def));
    for (const check of await source.probe(mine, now)) checks.set(check.stream, check);
  }
  return selections.flatMap((s) => checks.get(s.def.name) ?? []);
}

/** What the sources learned about their APIs while probing (the pagination form, say). */
export function learnedBy(sources: readonly Source[]): Record<string, string> {
  return Object.assign({}, ...sources.map((source) => source.learned?.() ?? {}));
}

/** Exit 0 only when every stream is readable and matches its schema. */
export function allGood(checks: readonly StreamCheck[]): boolean {
  return checks.every(
    (c) =>
      c.readable === 'yes' && c.extra_fields.length + c.type_mismatches.length + c.missing_keys.length === 0,
  );
}

export function renderTable(checks: readonly StreamCheck[], learned: Record<string, string> = {}): string {
  const rows = checks.map((c) => {
    const readable = c.needs ? `${c.readable} (needs ${c.needs})` : c.readable;
    const drift = [
      ...c.extra_fields.map((f) => `+${f}`),
      ...c.type_mismatches.map((m) => `${m.field}: ${m.actual}, schema says ${m.expected}`),
      ...c.missing_keys.map((k) => `missing key ${k}`),
    ];
    const seen = c.readable === 'yes' ? String(c.records_seen) : '-';
    return `${c.stream.padEnd(34)} ${readable.padEnd(44)} ${seen.padStart(7)}  ${drift.join('; ') || (c.readable === 'yes' ? 'none' : (c.detail ?? ''))}`;
  });
  const header = `${'stream'.padEnd(34)} ${'readable'.padEnd(44)} ${'records'.padStart(7)}  drift`;
  const api = Object.entries(learned).map(([what, value]) => `${`${what}:`.padEnd(22)} ${value}`);
  const facts = api.length > 0 ? ['', 'What the API accepted:', ...api] : [];
  return [header, ...rows, ...facts, '', advice(checks), ''].join('\n');
}

function advice(checks: readonly StreamCheck[]): string {
  if (allGood(checks)) return 'Every selected stream is readable and matches its schema.';
  const lines: string[] = [];
  if (checks.some((c) => c.readable === 'forbidden')) {
    lines.push(
      'Forbidden streams: upgrade the plan feature named, or deselect them (a sync skips them with a warning).',
    );
  }
  if (checks.some((c) => c.readable === 'not found' || c.readable === 'error')) {
    lines.push(
      'Streams not found or failing: check region and token scope; deselect them if your workspace lacks them.',
    );
  }
  if (checks.some((c) => c.extra_fields.length + c.type_mismatches.length + c.missing_keys.length > 0)) {
    lines.push(
      'Schema drift: please open an issue with the JSON report attached (tap-segment --test=streams --format json); ' +
        'it holds field and type names only, never values.',
    );
  }
  return lines.join('\n');
}

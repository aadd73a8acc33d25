// Bad input in the archive: one clear line per problem (a few per file, then a summary) and a counter per kind.
import type {Logger} from '../shared/log.js';

export const PROBLEM_KINDS = [
  'bad_json',
  'not_object',
  'no_message_id',
  'no_type',
  'unknown_type',
  'oversized_line',
  'invalid_record',
  'truncated_body',
  'plain_body',
  'failed_body',
  'skipped_key',
] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** Lines named per file before the rest are only counted. */
const NAMED_PER_FILE = 5;

export function createProblems(log: Logger) {
  const counts = new Map<ProblemKind, number>(PROBLEM_KINDS.map((k) => [k, 0]));
  const unknownTypes = new Set<string>();
  let namedInFile = 0;
  let quietInFile = 0;
  return {
    counts,
    /** A new file starts: its first few problems are named. */
    startFile(): void {
      namedInFile = 0;
      quietInFile = 0;
    },
    report(kind: ProblemKind, where: string, what: string): void {
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      if (namedInFile < NAMED_PER_FILE) {
        namedInFile += 1;
        log.warn(`events: ${where}: ${what}`);
      } else quietInFile += 1;
    },
    /** An unknown call type is named once per run, then only counted. */
    unknownType(type: string, where: string): void {
      counts.set('unknown_type', (counts.get('unknown_type') ?? 0) + 1);
      if (unknownTypes.has(type)) return;
      unknownTypes.add(type);
      log.warn(
        `events: ${where}: call type "${type.slice(0, 40)}" has no stream; skipping every "${type.slice(0, 40)}" line (counted, named once)`,
      );
    },
    /** A run-level note that is not about one line (an empty source folder, say). */
    warn(message: string): void {
      log.warn(message);
    },
    /** Not an archive file: normal (Segment's own dummy-object.txt), so info, not a warning. */
    skippedKey(key: string, why: string): void {
      counts.set('skipped_key', (counts.get('skipped_key') ?? 0) + 1);
      log.info(`events: skipping ${key}: ${why}`);
    },
    endFile(key: string): void {
      if (quietInFile > 0) log.warn(`events: ${key}: ${quietInFile} more bad lines (counted in the metrics)`);
    },
    /** One counter per kind with a non-zero count, tagged endpoint=events. */
    emitMetrics(): void {
      for (const [kind, value] of counts) {
        if (value > 0)
          log.metric({type: 'counter', metric: `events_${kind}`, value, tags: {endpoint: 'events'}});
      }
    },
  };
}

export type Problems = ReturnType<typeof createProblems>;

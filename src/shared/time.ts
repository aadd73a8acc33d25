// Abortable sleep and the few date helpers the tap needs (UTC only): the one instant parser lives here.

/** Waits ms milliseconds; rejects with the signal's reason as soon as the run is aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, {once: true});
  });
}

export const DAY_MS = 86_400_000;

/** Midnight UTC of the instant's day. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The first day of the instant's UTC month, as `YYYY-MM-01`. */
function monthStart(ms: number): string {
  return new Date(ms).toISOString().slice(0, 8).concat('01');
}

/** Every `YYYY-MM-01` from the month of `from` to the month of `to`, inclusive. */
export function monthsBetween(from: number, to: number): string[] {
  const months: string[] = [];
  const cursor = new Date(Date.parse(`${monthStart(from)}T00:00:00Z`));
  while (cursor.getTime() <= to) {
    months.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Parses an ISO-8601 date or date-time; a value without a zone is UTC, whatever the machine's zone.
 * Undefined when unparseable. The one parser for config and state instants (start_date, bookmarks).
 */
export function parseInstant(value: string): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = match;
  const normalizedZone = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${normalizedZone}`);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-31 over to March; refuse it instead.
  if (new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d))).getUTCDate() !== Number(d)) return undefined;
  return ms;
}

/** An ISO-8601 date or date-time as UTC `…Z` text (no zone = UTC); undefined when unparseable. */
export function toIsoUtc(value: string): string | undefined {
  const ms = parseInstant(value);
  return ms === undefined ? undefined : iso(ms);
}

// Abortable sleep and the few date helpers the engine needs (UTC only).

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
export function monthStart(ms: number): string {
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

// Turns a stream's bookmark (or start_date) into the query slices of one run: months, time windows, listings.

import type {JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import {DAY_MS, iso, monthsBetween, startOfUtcDay} from '../shared/time.js';
import type {Query} from './http.js';
import type {StreamDef} from './streams.js';

export interface Slice {
  readonly query: Query;
  /** The API returns this slice's records in ascending replication order: STATE may follow it. */
  readonly checkpoint: boolean;
  /** Fields every record of this slice carries (a day window's bounds: the response does not say). */
  readonly stamp?: JsonObject;
  /**
   * A newest-first listing without a time filter: records whose replication value is older than
   * this (ms) are dropped, and paging stops after the first page that reaches behind it.
   */
  readonly since?: number;
}

const AUDIT_RETENTION_MS = 90 * DAY_MS;
/** The events volume docs ask for queries one minute behind the clock. */
const VOLUME_LAG_MS = 60_000;

/**
 * `start` is the bookmark (or start_date) in ms; `signpost` the run's start. Usage: every month
 * from the start's month through the current one, the start's month re-read because its rows are
 * month-to-date cumulative. Audit events: one window (startTime, signpost], its order undocumented,
 * so the bookmark only moves when the window is done. Event volume: whole days from the start's day.
 * Day windows: one slice per completed UTC day from the start's day (re-read) through yesterday,
 * never further back than the endpoint's look-back; a series window: those days in one slice.
 * Newest first: one listing, read back to the start but never beyond the look-back.
 * `extra` is added to every query (parent fields).
 */
export function planSlices(
  def: StreamDef,
  start: number | undefined,
  signpost: number,
  log: Logger,
  extra: Query = {},
): Slice[] {
  const base = {...def.query, ...extra};
  if (def.slicedBy) {
    const {param, values} = def.slicedBy;
    return values.map((value) => ({query: {...base, [param]: value}, checkpoint: false}));
  }
  switch (def.window) {
    case undefined:
      return [{query: base, checkpoint: false}];
    case 'usage-month':
      return monthsBetween(start ?? signpost, signpost).map((period) => ({
        query: {...base, period},
        checkpoint: true,
      }));
    case 'audit-window': {
      if (start !== undefined && start < signpost - AUDIT_RETENTION_MS) {
        log.warn(
          `stream ${def.name}: start ${iso(start)} is older than the 90 days the Audit Trail keeps; ` +
            `events before ${iso(signpost - AUDIT_RETENTION_MS)} are no longer available`,
        );
      }
      // One second of overlap: the boundary event is sent again rather than risked (at-least-once).
      const from: Query = start === undefined ? {} : {startTime: iso(start - 1000)};
      return [{query: {...base, ...from, endTime: iso(signpost)}, checkpoint: false}];
    }
    case 'day-window':
      return dayWindows(def, start, signpost, log).map((day) => {
        const window = {startTime: iso(day), endTime: iso(day + DAY_MS)};
        const stamp = {windowStart: window.startTime, windowEnd: window.endTime};
        return {query: {...base, ...window}, checkpoint: true, stamp: {...stamp, granularity: 'DAY'}};
      });
    case 'series-window': {
      // Every completed day in one request; the answer is a daily series.
      const days = dayWindows(def, start, signpost, log);
      const first = days[0];
      if (first === undefined) return [];
      const window = {startTime: iso(first), endTime: iso(startOfUtcDay(signpost))};
      return [{query: {...base, ...window}, checkpoint: true}];
    }
    case 'newest-first': {
      const oldest = signpost - (def.lookbackDays ?? 1) * DAY_MS;
      if (start !== undefined && start < oldest) {
        log.warn(
          `stream ${def.name}: start ${iso(start)} is older than the ${def.lookbackDays} days a run reads back; ` +
            `records before ${iso(oldest)} are not read`,
        );
      }
      return [{query: base, checkpoint: false, since: Math.max(start ?? oldest, oldest)}];
    }
    case 'volume-window': {
      const from = startOfUtcDay(start ?? signpost);
      const to = Math.floor((signpost - VOLUME_LAG_MS) / 60_000) * 60_000;
      if (from >= to) return [];
      return [{query: {...base, startTime: iso(from), endTime: iso(to)}, checkpoint: false}];
    }
  }
}

/**
 * The first instant of each completed UTC day to read. The endpoint answers a start at most
 * `lookbackDays` behind the clock, so the oldest whole day it can give is today − (lookbackDays − 1).
 */
export function dayWindows(
  def: StreamDef,
  start: number | undefined,
  signpost: number,
  log: Logger,
): number[] {
  const today = startOfUtcDay(signpost);
  const lookback = def.lookbackDays ?? 1;
  const oldest = today - (lookback - 1) * DAY_MS;
  const first = start === undefined ? oldest : startOfUtcDay(start);
  if (first < oldest) {
    log.warn(
      `stream ${def.name}: start ${iso(start ?? first)} is older than the ${lookback} days the API keeps; ` +
        `days before ${iso(oldest)} can no longer be read`,
    );
  }
  const days: number[] = [];
  for (let day = Math.max(first, oldest); day < today; day += DAY_MS) days.push(day);
  return days;
}

// What the live API turns out to accept, learned during a run and kept for the rest of it (one per host).
import type {Logger} from '../shared/log.js';
import {createGroupByForm, type GroupByForm} from './group-by.js';
import {createPaginationForm, type PaginationForm} from './query-form.js';

export interface Dialect {
  readonly pagination: PaginationForm;
  /** The `groupBy` form of `/events/volume`. */
  readonly volumeGroupBy: GroupByForm;
  /** For `--test=streams`: what was learned, one line each. */
  learned(): Record<string, string>;
}

export function createDialect(log: Logger): Dialect {
  const pagination = createPaginationForm(log);
  const volumeGroupBy = createGroupByForm(log, 'events_volume_daily');
  return {
    pagination,
    volumeGroupBy,
    learned: () => ({pagination: pagination.describe(), events_volume_groupBy: volumeGroupBy.describe()}),
  };
}

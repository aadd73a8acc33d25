// Which query forms the simulated API understands: pagination dot or bracket, and one of the groupBy forms.

import {type ApiError, apiError} from './types.js';

/** `dot`: `pagination.count` (Segment's prose); `bracket`: `pagination[count]` only (a validating deepObject server). */
export type PaginationForm = 'dot' | 'bracket';

/**
 * The one `groupBy` form the API understands; any other is ignored (series come back without the
 * dimension). `none` ignores every form: the workspace-wide series only.
 */
export type GroupByForm = 'comma' | 'indexed' | 'brackets' | 'dotted' | 'json' | 'none';
export const GROUP_BY_FORMS: readonly GroupByForm[] = [
  'comma',
  'indexed',
  'brackets',
  'dotted',
  'json',
  'none',
];

export interface DialectSwitches {
  paginationForm: PaginationForm;
  /** What a rejected query form gets: 422 with the validator's message, or a bare 400 "Validation failure". */
  formRejection: 400 | 422;
  groupByForm: GroupByForm;
}

const DOT = ['pagination.count', 'pagination.cursor'];
const BRACKET = ['pagination[count]', 'pagination[cursor]'];

/**
 * The query as the routes read it (dot pagination, `groupBy` as a comma list), or the error a
 * server that does not take the form answers. Returns a new object; the request's is untouched.
 */
export function understand(query: URLSearchParams, switches: DialectSwitches): URLSearchParams | ApiError {
  const out = new URLSearchParams(query);
  if (switches.paginationForm === 'bracket') {
    if (DOT.some((name) => out.has(name))) {
      return switches.formRejection === 400
        ? apiError(400, 'ValidationFailure', 'Validation failure')
        : apiError(422, 'ValidationFailure', "pagination must have required property 'count'", 'pagination');
    }
    BRACKET.forEach((name, k) => {
      const value = out.get(name);
      out.delete(name);
      if (value !== null) out.set(DOT[k] as string, value);
    });
  }
  if (switches.groupByForm !== 'comma') {
    const dimensions = groupByOf(query, switches.groupByForm);
    for (const name of [...out.keys()]) if (name.startsWith('groupBy')) out.delete(name);
    if (dimensions.length > 0) out.set('groupBy', dimensions.join(','));
  }
  return out;
}

function groupByOf(query: URLSearchParams, form: GroupByForm): string[] {
  const keyed = (pattern: RegExp) =>
    [...query.entries()].filter(([name]) => pattern.test(name)).map(([, value]) => value);
  switch (form) {
    case 'indexed':
      return keyed(/^groupBy\[\d+\]$/);
    case 'brackets':
      return query.getAll('groupBy[]');
    case 'dotted':
      return keyed(/^groupBy\.\d+$/);
    case 'json':
      return query.getAll('groupBy').flatMap((value) => {
        try {
          const parsed = JSON.parse(value) as unknown;
          return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
        } catch {
          return [];
        }
      });
    default:
      return [];
  }
}

// Which `groupBy` form /events/volume understands: tried in turn until the series carry their dimension, learned once per run.
import {HttpError} from '../shared/errors.js';
import {isObject, type JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {Query} from './http.js';

/** The key a series without a source is kept under (README: Streams). Never a real source id. */
export const WORKSPACE_WIDE = '(workspace)';

interface Form {
  params(dimension: string): Query;
}

/**
 * The spec calls `groupBy` a comma-delimited list; the SDKs send `groupBy=["source"]`,
 * `groupBy.0=source` or `groupBy[0]=source`. An API that does not understand the form it gets
 * ignores it and answers workspace-wide series, which is how a form is told to have failed.
 */
const FORMS: readonly Form[] = [
  {params: (d) => ({groupBy: d})},
  {params: (d) => ({'groupBy[0]': d})},
  {params: (d) => ({'groupBy[]': d})},
  {params: (d) => ({'groupBy.0': d})},
  {params: (d) => ({groupBy: JSON.stringify([d])})},
];

const shown = (form: Form, dimension: string): string =>
  Object.entries(form.params(dimension))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

export interface GroupByForm {
  /**
   * The bodies of one listing grouped by `dimension`: the first page in each form until its
   * series carry the dimension (then that form for the rest of the run); if none does, the first
   * form's pages, whose series the stream keeps under WORKSPACE_WIDE. `list(query)` pages through
   * one query. A 400 or 422 to a form counts as not understood.
   */
  pages(
    list: (query: Query) => AsyncGenerator<JsonObject>,
    query: Query,
    dimension: string,
    recordsKey: string,
  ): AsyncGenerator<JsonObject>;
  describe(): string;
}

type Verdict = 'grouped' | 'ignored' | 'empty';

export function createGroupByForm(log: Logger, stream: string): GroupByForm {
  let decided: Form | 'none' | undefined;
  let dimensionSeen = 'source';

  const verdict = (body: JsonObject, dimension: string, recordsKey: string): Verdict => {
    const items = isObject(body.data) ? body.data[recordsKey] : undefined;
    if (!Array.isArray(items) || items.length === 0) return 'empty';
    return items.some((item) => isObject(item) && item[dimension] !== undefined && item[dimension] !== null)
      ? 'grouped'
      : 'ignored';
  };

  return {
    async *pages(list, query, dimension, recordsKey) {
      const first = FORMS[0] as Form;
      dimensionSeen = dimension;
      if (decided !== undefined) {
        yield* list({...query, ...(decided === 'none' ? first : decided).params(dimension)});
        return;
      }
      let fallback: {body: JsonObject; rest: AsyncGenerator<JsonObject>} | undefined;
      try {
        for (const form of FORMS) {
          const rest = list({...query, ...form.params(dimension)});
          let head: IteratorResult<JsonObject>;
          try {
            head = await rest.next();
          } catch (error) {
            if (
              form !== first &&
              error instanceof HttpError &&
              (error.status === 400 || error.status === 422)
            )
              continue;
            throw error;
          }
          if (head.done) return;
          const seen = verdict(head.value, dimension, recordsKey);
          if (seen === 'ignored') {
            if (fallback === undefined) fallback = {body: head.value, rest};
            else await rest.return(undefined);
            continue;
          }
          if (seen === 'grouped') {
            decided = form;
            log.info(`stream ${stream}: the API groups by ${dimension} with ${shown(form, dimension)}`);
          }
          yield head.value;
          yield* rest;
          return;
        }
        decided = 'none';
        log.warn(
          `stream ${stream}: the API ignored every groupBy form the tap knows ` +
            `(${FORMS.map((f) => shown(f, dimension)).join(', ')}): its series carry no ${dimension}, ` +
            `so the workspace-wide series is kept under sourceId "${WORKSPACE_WIDE}"`,
        );
        if (fallback === undefined) return;
        yield fallback.body;
        yield* fallback.rest;
      } finally {
        await fallback?.rest.return(undefined);
      }
    },
    describe: () =>
      decided === undefined
        ? 'not seen (no series read)'
        : decided === 'none'
          ? `no form groups by ${dimensionSeen}: workspace-wide series under sourceId "${WORKSPACE_WIDE}"`
          : shown(decided, dimensionSeen),
  };
}

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
    /** The stream asking and the key field its workspace-wide series goes under, for the log lines. */
    asker?: {readonly stream: string; readonly keyField: string},
  ): AsyncGenerator<JsonObject>;
  describe(): string;
}

type Verdict = 'grouped' | 'ignored' | 'empty';
type List = (query: Query) => AsyncGenerator<JsonObject>;

/** One listing in one form, its first page already read. */
interface Opened {
  readonly form: Form;
  /** Absent only if the listing yielded nothing at all (pages() always yields a first body). */
  readonly head?: JsonObject;
  readonly rest: AsyncGenerator<JsonObject>;
  readonly verdict: Verdict;
}

export function createGroupByForm(log: Logger, stream: string): GroupByForm {
  let decided: Form | 'none' | undefined;
  let dimensionSeen = 'source';
  let keyField = 'sourceId';

  /**
   * The first form whose first page groups (or has no series at all, which settles nothing); else
   * the first form's listing, whose series are workspace-wide. Listings not chosen are closed.
   */
  const choose = async (list: List, query: Query, dimension: string, recordsKey: string): Promise<Opened> => {
    let fallback: Opened | undefined;
    for (const form of FORMS) {
      const opened = await open(form, list, query, dimension, recordsKey).catch(async (error: unknown) => {
        await fallback?.rest.return(undefined);
        throw error;
      });
      if (opened === undefined) continue;
      if (opened.verdict !== 'ignored') {
        await fallback?.rest.return(undefined);
        return opened;
      }
      if (fallback === undefined) fallback = opened;
      else await opened.rest.return(undefined);
    }
    // The first form is never skipped: open() rethrows its errors, so the fallback exists.
    return fallback as Opened;
  };

  return {
    async *pages(list, query, dimension, recordsKey, asker) {
      const who = asker?.stream ?? stream;
      if (decided !== undefined) {
        yield* list({...query, ...(decided === 'none' ? (FORMS[0] as Form) : decided).params(dimension)});
        return;
      }
      const chosen = await choose(list, query, dimension, recordsKey);
      // What describe() reports: the listing that decided the form.
      dimensionSeen = dimension;
      keyField = asker?.keyField ?? 'sourceId';
      if (chosen.verdict === 'grouped') {
        decided = chosen.form;
        log.info(`stream ${who}: the API groups by ${dimension} with ${shown(chosen.form, dimension)}`);
      } else if (chosen.verdict === 'ignored') {
        decided = 'none';
        log.warn(
          `stream ${who}: the API ignored every groupBy form the tap knows ` +
            `(${FORMS.map((f) => shown(f, dimension)).join(', ')}): its series carry no ${dimension}, ` +
            `so the workspace-wide series is kept under ${keyField} "${WORKSPACE_WIDE}"`,
        );
      }
      if (chosen.head) yield chosen.head;
      yield* chosen.rest;
    },
    describe: () =>
      decided === undefined
        ? 'not seen (no series read)'
        : decided === 'none'
          ? `no form groups by ${dimensionSeen}: workspace-wide series under ${keyField} "${WORKSPACE_WIDE}"`
          : shown(decided, dimensionSeen),
  };
}

/** The listing in this form with its first page read; undefined when the API rejects a form other than the first (400/422). */
async function open(
  form: Form,
  list: List,
  query: Query,
  dimension: string,
  recordsKey: string,
): Promise<Opened | undefined> {
  const rest = list({...query, ...form.params(dimension)});
  let head: IteratorResult<JsonObject>;
  try {
    head = await rest.next();
  } catch (error) {
    const rejected = error instanceof HttpError && (error.status === 400 || error.status === 422);
    if (rejected && form !== FORMS[0]) return undefined;
    throw error;
  }
  if (head.done) return {form, rest, verdict: 'empty'};
  return {form, head: head.value, rest, verdict: verdict(head.value, dimension, recordsKey)};
}

function verdict(body: JsonObject, dimension: string, recordsKey: string): Verdict {
  const items = isObject(body.data) ? body.data[recordsKey] : undefined;
  if (!Array.isArray(items) || items.length === 0) return 'empty';
  const carries = (item: unknown) =>
    isObject(item) && item[dimension] !== undefined && item[dimension] !== null;
  return items.some(carries) ? 'grouped' : 'ignored';
}

// Which query form the API takes for pagination (dot or bracket), learned on the first paged requests and kept per host.
import {HttpError} from '../shared/errors.js';
import type {JsonObject} from '../shared/json.js';
import type {Logger} from '../shared/log.js';
import type {GetJson, Query, RequestOptions} from './http.js';

export type PaginationFormName = 'dot' | 'bracket';

/** The page a request asks for. */
export interface PageRequest {
  readonly count: number;
  readonly cursor?: string;
}

const FORMS: Record<PaginationFormName, {count: string; cursor: string; shown: string}> = {
  dot: {count: 'pagination.count', cursor: 'pagination.cursor', shown: 'pagination.count (the dot form)'},
  bracket: {
    count: 'pagination[count]',
    cursor: 'pagination[cursor]',
    shown: 'pagination[count] (the bracket form)',
  },
};

/** The largest `pagination.count` the API took until v47 (2024-03); it takes 1000 since. */
export const LEGACY_MAX_COUNT = 200;

export interface PaginationForm {
  /**
   * One paged request in the form in use. While that is the dot form, a 400 or 422 (whatever the
   * message: a validating gateway may say only "Validation failure") is retried once in the
   * bracket form; if that works, every later request of the run uses brackets. Until a count above
   * 200 has worked, such a rejection is also retried with count 200 (an API older than 2024-03);
   * if that works, every later request of the run asks for 200, and one INFO line says so.
   */
  get(
    getJson: GetJson,
    path: string,
    query: Query,
    page: PageRequest,
    options: RequestOptions,
  ): Promise<JsonObject>;
  /** What `--test=streams` reports: the form the API accepted, or that no paged request succeeded. */
  describe(): string;
}

/**
 * Segment's prose and Java SDK send `pagination.count`; the spec says `style: deepObject`, which is
 * `pagination[count]`, and a validating server answers the dot form with 422. The dot form goes
 * first; one INFO line says which form the API accepted.
 */
export function createPaginationForm(log: Logger): PaginationForm {
  let form: PaginationFormName = 'dot';
  let accepted: PaginationFormName | undefined;
  let rejection = '';

  const params = (name: PaginationFormName, query: Query, page: PageRequest): Query => ({
    ...query,
    [FORMS[name].count]: String(page.count),
    ...(page.cursor ? {[FORMS[name].cursor]: page.cursor} : {}),
  });
  const accept = (name: PaginationFormName, rejected?: HttpError): void => {
    if (accepted === name) return;
    accepted = name;
    form = name;
    if (rejected) {
      rejection = `; the API rejected ${FORMS.dot.shown} with HTTP ${rejected.status}`;
      log.info(
        `pagination: the API rejected ${FORMS.dot.shown} with HTTP ${rejected.status} and accepted ` +
          `${FORMS.bracket.shown}; the rest of the run sends pagination[count] and pagination[cursor]`,
      );
    } else log.info(`pagination: the API accepts ${FORMS[name].shown}; the run pages with it`);
  };

  // 'unknown' until a paged request above LEGACY_MAX_COUNT works ('large') or only 200 does ('legacy').
  let countLimit: 'unknown' | 'large' | 'legacy' = 'unknown';
  const sized = (page: PageRequest): PageRequest =>
    countLimit === 'legacy' && page.count > LEGACY_MAX_COUNT ? {...page, count: LEGACY_MAX_COUNT} : page;
  const workedWith = (page: PageRequest, asked: PageRequest): void => {
    if (page.count > LEGACY_MAX_COUNT) countLimit = 'large';
    else if (asked.count > page.count && countLimit !== 'legacy') {
      countLimit = 'legacy';
      log.info(
        `pagination: the API rejected pagination.count ${asked.count} and accepted ${LEGACY_MAX_COUNT} ` +
          `(its maximum before 2024-03); the rest of the run asks for ${LEGACY_MAX_COUNT} per page`,
      );
    }
  };
  const inForm = async (
    getJson: GetJson,
    path: string,
    query: Query,
    asked: PageRequest,
    options: RequestOptions,
  ): Promise<JsonObject> => {
    const page = sized(asked);
    const tried = form;
    try {
      const body = await getJson(path, params(tried, query, page), options);
      if (accepted === undefined) accept(tried);
      return body;
    } catch (error) {
      if (tried !== 'dot' || !rejectsForm(error)) throw error;
      let body: JsonObject;
      try {
        body = await getJson(path, params('bracket', query, page), options);
      } catch (again) {
        // Rejected in both forms: the request itself is wrong, and the documented form's answer says why.
        throw rejectsForm(again) ? error : again;
      }
      accept('bracket', error);
      return body;
    }
  };

  return {
    async get(getJson, path, query, asked, options) {
      const page = sized(asked);
      try {
        const body = await inForm(getJson, path, query, page, options);
        workedWith(page, asked);
        return body;
      } catch (error) {
        if (countLimit !== 'unknown' || page.count <= LEGACY_MAX_COUNT || !rejectsForm(error)) throw error;
        const smaller = {...page, count: LEGACY_MAX_COUNT};
        let body: JsonObject;
        try {
          body = await inForm(getJson, path, query, smaller, options);
        } catch {
          throw error;
        }
        workedWith(smaller, asked);
        return body;
      }
    },
    describe: () =>
      accepted === undefined
        ? 'not seen (no paged request succeeded)'
        : `${FORMS[accepted].shown}${rejection}`,
  };
}

function rejectsForm(error: unknown): error is HttpError {
  return error instanceof HttpError && (error.status === 400 || error.status === 422);
}

/**
 * The form of the endpoints that page with plain `count` and `cursor` query parameters (the
 * reverse-ETL sync listing): nothing to learn, so it is the same for every host.
 */
export const topLevelForm: PaginationForm = {
  get: (getJson, path, query, page, options) =>
    getJson(
      path,
      {...query, count: String(page.count), ...(page.cursor ? {cursor: page.cursor} : {})},
      options,
    ),
  describe: () => 'count and cursor (top-level)',
};

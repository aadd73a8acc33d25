import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {listAll, usageMonths} from '../dev/simulator/workspace.js';

const START = Date.parse('2026-11-03T12:34:56Z');
const V1 = 'application/vnd.segment.v1+json';
const ALPHA = 'application/vnd.segment.v1alpha+json';

// Response bodies are checked field by field, so they are typed loosely on purpose.
// biome-ignore lint/suspicious/noExplicitAny: JSON under test
type Json = Record<string, any>;

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

async function get(
  sim: Simulator,
  path: string,
  init: {token?: string | null; accept?: string; base?: string} = {},
): Promise<Reply> {
  const headers: Record<string, string> = {Accept: init.accept ?? V1};
  const token = init.token === undefined ? sim.token : init.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`${init.base ?? sim.url}${path}`, {headers});
  return {status: response.status, headers: response.headers, body: (await response.json()) as Json};
}

async function walk(sim: Simulator, path: string, key: string, count: number, accept = V1): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  const separator = path.includes('?') ? '&' : '?';
  for (let pages = 0; pages < 10_000; pages++) {
    const suffix = cursor === undefined ? '' : `&pagination.cursor=${encodeURIComponent(cursor)}`;
    const reply = await get(sim, `${path}${separator}pagination.count=${count}${suffix}`, {accept});
    expect(reply.status, JSON.stringify(reply.body)).to.equal(200);
    items.push(...reply.body.data[key]);
    cursor = reply.body.data.pagination.next;
    if (cursor === undefined) {
      expect(reply.body.data.pagination.totalEntries).to.equal(items.length);
      return items;
    }
  }
  throw new Error('pagination did not end');
}

describe('simulator', () => {
  let sim: Simulator;
  let clock = START;

  before(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 7,
      scale: 2,
      anchor: '2026-11-03T10:00:00Z',
      now: () => clock,
    });
  });
  after(() => sim.close());
  afterEach(() => {
    clock = START;
    sim.configure({
      faults: undefined,
      rateLimit: {limit: 1_000_000, windowMs: 60_000},
      endpointLimits: {},
      forbidden: [],
      notFound: [],
      repeatCursor: [],
      extraFields: [],
      wrongTypes: [],
    });
  });

  describe('envelopes and pagination', () => {
    it('walks /sources page by page with unique ids, a vendor content type and totalEntries', async () => {
      const first = await get(sim, '/sources?pagination.count=5');
      expect(first.headers.get('content-type')).to.equal(V1);
      expect(first.body.data.pagination).to.include.keys('current', 'next', 'totalEntries');
      expect(first.body.data.pagination).not.to.have.property('previous');
      const sources = await walk(sim, '/sources', 'sources', 5);
      expect(sources).to.have.length(24);
      expect(new Set(sources.map((s) => s.id)).size).to.equal(24);
      expect(sources).to.deep.equal(listAll(sim.workspace, '/sources'));
      for (const source of sources)
        expect(source).to.include.keys(
          'id',
          'slug',
          'metadata',
          'workspaceId',
          'enabled',
          'writeKeys',
          'labels',
        );
    });

    it('gives previous on later pages and omits next on the last one', async () => {
      const first = await get(sim, '/destinations?pagination.count=30');
      const second = await get(
        sim,
        `/destinations?pagination.count=30&pagination.cursor=${encodeURIComponent(first.body.data.pagination.next)}`,
      );
      expect(second.body.data.destinations).to.have.length(10);
      expect(second.body.data.pagination.previous).to.equal(first.body.data.pagination.current);
      expect(second.body.data.pagination).not.to.have.property('next');
    });

    it('defaults to 200 items and rejects counts 0 and 1001 with 422 on pagination.count', async () => {
      const users = await get(sim, '/users');
      expect(users.body.data.users).to.have.length(50);
      for (const count of ['0', '1001', 'abc']) {
        const reply = await get(sim, `/users?pagination.count=${count}`);
        expect(reply.status).to.equal(422);
        expect(reply.body.errors[0]).to.include({type: 'ValidationFailure', field: 'pagination.count'});
      }
    });

    it('uses opaque base64 cursors that contain = and rejects invalid ones', async () => {
      for (const count of [1, 3, 10, 200]) {
        const reply = await get(sim, `/destinations?pagination.count=${count}`);
        expect(reply.body.data.pagination.current).to.include('=');
        if (reply.body.data.pagination.next) expect(reply.body.data.pagination.next).to.include('=');
      }
      const bad = await get(sim, '/sources?pagination.cursor=not-a-cursor');
      expect(bad.status).to.equal(422);
      expect(bad.body.errors[0].field).to.equal('pagination.cursor');
    });

    it('serves /labels without pagination and / as data.workspace', async () => {
      const labels = await get(sim, '/labels');
      expect(labels.body.data).to.have.keys('labels');
      expect(labels.body.data.labels).to.have.length(8);
      const workspace = await get(sim, '/');
      expect(workspace.body.data.workspace).to.deep.equal({
        id: sim.workspace.id,
        slug: sim.workspace.slug,
        name: sim.workspace.name,
      });
    });

    it('answers 404 for unknown paths and unknown parent ids, and serves child lists', async () => {
      expect((await get(sim, '/nope')).status).to.equal(404);
      const missing = await get(sim, '/sources/doesNotExist/connected-destinations');
      expect(missing.body).to.deep.equal({errors: [{type: 'NotFound', message: 'Resource not found'}]});
      const destination = listAll(sim.workspace, '/destinations')[0] as Json;
      const filters = await get(sim, `/destination/${destination.id}/filters`);
      expect(filters.status).to.equal(200);
      for (const filter of filters.body.data.filters) expect(filter.destinationId).to.equal(destination.id);
    });

    it('keeps source–destination and source–warehouse relations consistent', () => {
      const ws = sim.workspace;
      const sources = listAll(ws, '/sources') as Json[];
      const connected = sources.flatMap(
        (s) => listAll(ws, `/sources/${s.id}/connected-destinations`) as Json[],
      );
      expect(connected.map((d) => d.id).sort()).to.deep.equal(
        (listAll(ws, '/destinations') as Json[]).map((d) => d.id).sort(),
      );
      for (const warehouse of listAll(ws, '/warehouses') as Json[]) {
        for (const source of listAll(ws, `/warehouses/${warehouse.id}/connected-sources`) as Json[]) {
          const back = listAll(ws, `/sources/${source.id}/connected-warehouses`) as Json[];
          expect(back.map((w) => w.id)).to.include(warehouse.id);
        }
      }
    });

    it('requires resourceType on /functions', async () => {
      expect((await get(sim, '/functions')).status).to.equal(422);
      const functions = await get(sim, '/functions?resourceType=INSERT_SOURCE');
      expect(functions.body.data.functions).to.have.length(4);
    });
  });

  describe('usage', () => {
    it('requires period as YYYY-MM-01', async () => {
      expect((await get(sim, '/usage/api-calls/daily')).status).to.equal(422);
      const mid = await get(sim, '/usage/mtu/daily?period=2026-10-15');
      expect(mid.status).to.equal(422);
      expect(mid.body.errors[0].field).to.equal('period');
    });

    it('returns cumulative rising string counts, one row per day up to today', async () => {
      const october = await walk(
        sim,
        '/usage/api-calls/daily?period=2026-10-01',
        'dailyWorkspaceAPICallsUsage',
        10,
      );
      expect(october).to.have.length(31);
      expect(october[0]?.timestamp).to.equal('2026-10-01T00:00:00Z');
      const counts = october.map((row) => row.apiCalls);
      for (const count of counts) expect(count).to.be.a('string');
      for (let k = 1; k < counts.length; k++)
        expect(Number(counts[k])).to.be.greaterThan(Number(counts[k - 1]));
      const november = await get(sim, '/usage/mtu/daily?period=2026-11-01');
      expect(november.body.data.dailyWorkspaceMTUUsage).to.have.length(3);
      expect(november.body.data.dailyWorkspaceMTUUsage[0]).to.include({
        periodStart: 1793491200,
        periodEnd: 1796083200,
      });
      const perSource = await get(sim, '/usage/mtu/sources/daily?period=2026-10-01&pagination.count=1000');
      expect(perSource.body.data.dailyPerSourceMTUUsage).to.have.length(31 * 24);
    });

    it('lists the usage months from the creation month (anchor minus 14 months) to now', () => {
      const months = usageMonths(sim.workspace, START);
      expect(months[0]).to.equal('2025-09-01');
      expect(months.at(-1)).to.equal('2026-11-01');
      expect(listAll(sim.workspace, '/usage/api-calls/daily', {period: '2025-08-01'})).to.deep.equal([]);
    });
  });

  describe('audit events', () => {
    it('filters on startTime/endTime (both exclusive) and returns newest first', async () => {
      const startTime = '2026-10-20T00:00:00Z';
      const endTime = '2026-10-25T00:00:00Z';
      const events = await walk(sim, `/audit-events?startTime=${startTime}&endTime=${endTime}`, 'events', 7);
      expect(events.length).to.be.greaterThan(20);
      const times = events.map((e) => Date.parse(e.timestamp));
      for (const t of times)
        expect(t).to.be.greaterThan(Date.parse(startTime)).and.lessThan(Date.parse(endTime));
      for (let k = 1; k < times.length; k++) expect(times[k]).to.be.lessThan(times[k - 1] as number);
      expect(events).to.deep.equal(listAll(sim.workspace, '/audit-events', {startTime, endTime}));
    });

    it('pins endTime in the cursor, so events arriving later do not shift pages', async () => {
      const first = await get(sim, '/audit-events?pagination.count=5');
      const cursor = first.body.data.pagination.next as string;
      const decoded = JSON.parse(Buffer.from(cursor, 'base64').toString());
      expect(decoded.endTime).to.equal(new Date(START).toISOString());
      expect(decoded.pageToken).to.be.a('string');
      const expected = await get(
        sim,
        `/audit-events?pagination.count=5&pagination.cursor=${encodeURIComponent(cursor)}`,
      );
      clock = START + 86_400_000;
      const later = await get(
        sim,
        `/audit-events?pagination.count=5&pagination.cursor=${encodeURIComponent(cursor)}`,
      );
      expect(later.body.data.events).to.deep.equal(expected.body.data.events);
      const fresh = await get(sim, `/audit-events?startTime=${new Date(START).toISOString()}`);
      expect(fresh.body.data.events.length).to.be.greaterThan(5);
    });

    it('filters on resourceType', async () => {
      const reply = await get(sim, '/audit-events?resourceType=warehouse&pagination.count=50');
      expect(reply.body.data.events).to.have.length(50);
      for (const event of reply.body.data.events) expect(event.resourceType).to.equal('warehouse');
    });
  });

  describe('events volume', () => {
    it('requires granularity, startTime and endTime, and groups by source', async () => {
      expect(
        (await get(sim, '/events/volume?startTime=2026-10-01T00:00:00Z&endTime=2026-10-02T00:00:00Z')).status,
      ).to.equal(422);
      const reply = await get(
        sim,
        '/events/volume?granularity=DAY&startTime=2026-10-30T00:00:00Z&endTime=2026-11-06T00:00:00Z&groupBy=source&pagination.count=100',
      );
      const {result, path, query} = reply.body.data;
      expect(path).to.be.a('string');
      expect(query.granularity).to.equal('DAY');
      expect(result).to.have.length(24);
      expect(result[0].series.map((p: Json) => p.time)).to.deep.equal([
        '2026-10-30T00:00:00Z',
        '2026-10-31T00:00:00Z',
        '2026-11-01T00:00:00Z',
        '2026-11-02T00:00:00Z',
        '2026-11-03T00:00:00Z',
      ]);
      expect(result[0].total).to.equal(result[0].series.reduce((sum: number, p: Json) => sum + p.count, 0));
    });
  });

  describe('media types, auth and regions', () => {
    it('refuses v1 and v1beta on alpha-only endpoints with 415', async () => {
      expect((await get(sim, '/spaces', {accept: V1})).status).to.equal(415);
      expect(
        (await get(sim, '/reverse-etl-models', {accept: 'application/vnd.segment.v1beta+json'})).status,
      ).to.equal(415);
      const ok = await get(sim, '/spaces', {accept: ALPHA});
      expect(ok.status).to.equal(200);
      expect(ok.headers.get('content-type')).to.equal(ALPHA);
      expect((await get(sim, '/reverse-etl-models', {accept: 'application/json'})).status).to.equal(200);
      const destination = listAll(sim.workspace, '/destinations')[0] as Json;
      expect((await get(sim, `/destinations/${destination.id}/subscriptions`, {accept: V1})).status).to.equal(
        415,
      );
      expect((await get(sim, '/sources', {accept: ALPHA})).status).to.equal(200);
    });

    it('answers 401 to a missing or wrong token, and to the US token on the EU port', async () => {
      const unauthorized = {errors: [{type: 'unauthorized', message: 'Unauthorized'}]};
      expect((await get(sim, '/sources', {token: null})).body).to.deep.equal(unauthorized);
      expect((await get(sim, '/sources', {token: 'wrong'})).status).to.equal(401);
      expect((await get(sim, '/sources', {base: sim.euUrl})).status).to.equal(401);
    });

    it('serves a different workspace on the EU port with its own token', async () => {
      const eu = await get(sim, '/', {base: sim.euUrl, token: sim.euToken});
      expect(eu.body.data.workspace.id).to.equal(sim.euWorkspace.id).and.not.equal(sim.workspace.id);
      const euSources = await get(sim, '/sources', {base: sim.euUrl, token: sim.euToken});
      expect(euSources.body.data.sources[0].id).not.to.equal(
        (listAll(sim.workspace, '/sources')[0] as Json).id,
      );
    });
  });

  describe('rate limits', () => {
    it('sends X-RateLimit headers on success', async () => {
      const reply = await get(sim, '/roles');
      expect(Number(reply.headers.get('x-ratelimit-consumed'))).to.be.greaterThan(0);
      expect(reply.headers.get('x-ratelimit-remaining')).to.match(/^\d+$/);
      expect(Date.parse(reply.headers.get('x-ratelimit-reset') ?? '')).to.be.greaterThan(Date.now() - 1000);
      expect(reply.headers.get('x-ratelimit-reset')).to.match(/GMT$/);
    });

    it('answers 429 with msBeforeNext once the window is spent', async () => {
      sim.configure({rateLimit: {limit: 3, windowMs: 10_000}});
      sim.resetStats();
      for (let k = 0; k < 3; k++) expect((await get(sim, '/roles')).status).to.equal(200);
      const limited = await get(sim, '/roles');
      expect(limited.status).to.equal(429);
      const error = limited.body.errors[0];
      expect(error).to.include({type: 'RequestError', message: 'Too many requests'});
      expect(error.data.remainingPoints).to.equal(0);
      expect(error.data.consumedPoints).to.equal(4);
      expect(error.data.msBeforeNext).to.be.within(1, 10_000);
      expect(limited.headers.get('x-ratelimit-remaining')).to.equal('0');
      expect(sim.stats().rateLimited).to.equal(1);
      expect(sim.stats().byStatus[429]).to.equal(1);
    });

    it('applies per-endpoint limits', async () => {
      sim.configure({endpointLimits: {'/events/volume': {limit: 1, windowMs: 60_000}}});
      const path =
        '/events/volume?granularity=DAY&startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z';
      expect((await get(sim, path)).status).to.equal(200);
      expect((await get(sim, path)).status).to.equal(429);
      expect((await get(sim, '/roles')).status).to.equal(200);
    });
  });

  describe('faults and switches', () => {
    for (const kind of ['500', '502', '503', '504'] as const) {
      it(`injects ${kind} with a server error body`, async () => {
        sim.configure({faults: {rate: 1, kinds: [kind]}});
        const reply = await get(sim, '/sources');
        expect(reply.status).to.equal(Number(kind));
        expect(reply.body).to.deep.equal({errors: [{type: 'server', message: 'Internal error'}]});
      });
    }

    it('resets the connection without a response', async () => {
      sim.configure({faults: {rate: 1, kinds: ['reset']}});
      let failed = false;
      await get(sim, '/sources').catch(() => {
        failed = true;
      });
      expect(failed).to.equal(true);
    });

    it('truncates the body mid-JSON', async () => {
      sim.configure({faults: {rate: 1, kinds: ['truncate']}});
      const response = await fetch(`${sim.url}/sources`, {headers: {Authorization: `Bearer ${sim.token}`}});
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-length')).to.equal(null);
      let failed = false;
      await response.json().catch(() => {
        failed = true;
      });
      expect(failed).to.equal(true);
    });

    it('delays the body when slow', async () => {
      sim.configure({faults: {rate: 1, kinds: ['slow']}, slowMs: 300});
      const started = Date.now();
      const reply = await get(sim, '/roles');
      expect(reply.status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(280);
      sim.configure({slowMs: 2000});
    });

    it('never injects faults into requests rejected for auth, and counts them', async () => {
      sim.configure({faults: {rate: 1, kinds: ['503']}});
      sim.resetStats();
      expect((await get(sim, '/sources', {token: 'wrong'})).status).to.equal(401);
      expect((await get(sim, '/sources')).status).to.equal(503);
      expect(sim.stats()).to.deep.include({requests: 2, faultsInjected: 1});
      expect(sim.stats().byPath['/sources']).to.equal(2);
    });

    it('injects faults at roughly the configured rate, deterministically', async () => {
      sim.configure({faults: {rate: 0.5, kinds: ['500']}});
      const first: number[] = [];
      for (let k = 0; k < 40; k++) first.push((await get(sim, '/roles')).status);
      sim.configure({faults: {rate: 0.5, kinds: ['500']}});
      const second: number[] = [];
      for (let k = 0; k < 40; k++) second.push((await get(sim, '/roles')).status);
      expect(second).to.deep.equal(first);
      expect(first.filter((s) => s === 500).length).to.be.within(8, 32);
    });

    it('answers 403 and 404 for forbidden and hidden path prefixes', async () => {
      sim.configure({forbidden: ['audit-events'], notFound: ['/spaces']});
      const forbidden = await get(sim, '/audit-events');
      expect(forbidden.status).to.equal(403);
      expect(forbidden.body.errors[0].type).to.equal('forbidden');
      expect((await get(sim, '/spaces', {accept: ALPHA})).status).to.equal(404);
    });

    it('repeats the cursor, adds extra fields and mistypes fields on request', async () => {
      sim.configure({repeatCursor: ['/users'], extraFields: ['/sources'], wrongTypes: ['/destinations']});
      const first = await get(sim, '/users?pagination.count=2');
      const cursor = first.body.data.pagination.next;
      const second = await get(
        sim,
        `/users?pagination.count=2&pagination.cursor=${encodeURIComponent(cursor)}`,
      );
      expect(second.body.data.pagination.next).to.equal(cursor);
      const sources = await get(sim, '/sources');
      for (const source of sources.body.data.sources) expect(source).to.have.property('zzExtraField');
      const destinations = await get(sim, '/destinations');
      for (const destination of destinations.body.data.destinations)
        expect(destination.enabled).to.be.a('string');
      expect((listAll(sim.workspace, '/destinations')[0] as Json).enabled).to.be.a('boolean');
    });
  });

  describe('query forms', () => {
    afterEach(() => sim.configure({paginationForm: 'dot', formRejection: 422, groupByForm: 'comma'}));
    const volume = (groupBy: string) =>
      `/events/volume?granularity=DAY&startTime=2026-11-01T00:00:00Z&endTime=2026-11-03T00:00:00Z&${groupBy}`;
    const sourcesOf = async (groupBy: string) =>
      ((await get(sim, volume(groupBy))).body.data.result as Json[]).map(
        (r) => (r.source as Json | undefined)?.id,
      );

    it('takes only pagination[count] when bracket-only, answering the dot form 422 (or a bare 400)', async () => {
      sim.configure({paginationForm: 'bracket'});
      const dot = await get(sim, '/users?pagination.count=2');
      expect(dot.status).to.equal(422);
      expect(dot.body.errors[0].message).to.equal("pagination must have required property 'count'");
      const first = await get(sim, '/users?pagination%5Bcount%5D=2');
      expect(first.body.data.users).to.have.length(2);
      const cursor = encodeURIComponent(first.body.data.pagination.next);
      const second = await get(sim, `/users?pagination%5Bcount%5D=2&pagination%5Bcursor%5D=${cursor}`);
      expect(second.body.data.users[0]).to.deep.equal(listAll(sim.workspace, '/users')[2]);
      sim.configure({formRejection: 400});
      const bare = await get(sim, '/users?pagination.count=2');
      expect([bare.status, bare.body.errors[0].message]).to.deep.equal([400, 'Validation failure']);
    });

    it('groups event volume only in the groupBy form it understands, and never in "none"', async () => {
      const forms = {
        comma: 'groupBy=source',
        indexed: 'groupBy%5B0%5D=source',
        brackets: 'groupBy%5B%5D=source',
        dotted: 'groupBy.0=source',
        json: `groupBy=${encodeURIComponent('["source"]')}`,
      } as const;
      for (const [form, understood] of Object.entries(forms)) {
        sim.configure({groupByForm: form as keyof typeof forms});
        for (const sent of Object.values(forms)) {
          const ids = await sourcesOf(sent);
          if (sent === understood)
            expect(ids, `${form} understands ${sent}`).to.have.length(
              sim.workspace.collections.sources?.count ?? 0,
            );
          else expect(ids, `${form} ignores ${sent}`).to.deep.equal([undefined]);
        }
      }
      sim.configure({groupByForm: 'none'});
      for (const sent of Object.values(forms)) expect(await sourcesOf(sent)).to.deep.equal([undefined]);
    });
  });

  describe('lists, details and numbers', () => {
    afterEach(() => sim.configure({listFields: 'contract', keylessFunction: false, fractional: false}));
    const DETAIL = [
      'code',
      'settings',
      'deployedAt',
      'isLatestVersion',
      'previewWebhookUrl',
      'batchMaxCount',
    ];

    it('lists functions without what only GET /functions/{id} returns, unless lists are "full"', async () => {
      const list = (await get(sim, '/functions?resourceType=SOURCE')).body.data.functions as Json[];
      for (const item of list) for (const field of DETAIL) expect(item).to.not.have.property(field);
      const detail = (await get(sim, `/functions/${list[0]?.id}`)).body.data.function as Json;
      expect(detail).to.include(list[0] as Json);
      for (const field of DETAIL) expect(detail).to.have.property(field);
      expect((await get(sim, '/functions/sfn_nope')).status).to.equal(404);
      sim.configure({listFields: 'full'});
      const full = (await get(sim, '/functions?resourceType=SOURCE')).body.data.functions as Json[];
      expect(full[0]).to.deep.equal(detail);
    });

    it('gives users without permissions in a "slim" list, and with them in the detail', async () => {
      const withThem = (await get(sim, '/users')).body.data.users as Json[];
      expect(withThem.filter((u) => 'permissions' in u).length).to.be.greaterThan(withThem.length / 2);
      sim.configure({listFields: 'slim'});
      const slim = (await get(sim, '/users')).body.data.users as Json[];
      for (const user of slim) expect(user).to.not.have.property('permissions');
      const owner = withThem.find((u) => 'permissions' in u) as Json;
      expect((await get(sim, `/users/${owner.id}`)).body.data.user).to.deep.equal(owner);
    });

    it('adds a keyless function to the first SOURCE page, and fractions to number fields', async () => {
      sim.configure({keylessFunction: true, fractional: true});
      const sources = (await get(sim, '/functions?resourceType=SOURCE')).body.data.functions as Json[];
      expect(sources.filter((f) => !('id' in f))).to.have.length(1);
      const groups = (await get(sim, '/groups')).body.data.userGroups as Json[];
      for (const group of groups) expect((group.memberCount as number) % 1).to.equal(0.5);
    });
  });

  describe('scale and determinism', () => {
    it('serves over a million audit events at scale 1000 without materialising them', async () => {
      const big = await startSimulator({
        port: 0,
        scale: 1000,
        anchor: '2026-11-03T10:00:00Z',
        now: () => START,
      });
      try {
        const started = Date.now();
        const reply = await get(big, '/audit-events?pagination.count=1000');
        expect(reply.body.data.pagination.totalEntries).to.be.at.least(1_000_000);
        const deep = JSON.stringify({
          pageToken: Buffer.from('900000').toString('base64'),
          endTime: new Date(START).toISOString(),
        });
        const far = await get(
          big,
          `/audit-events?pagination.count=1000&pagination.cursor=${encodeURIComponent(Buffer.from(deep).toString('base64'))}`,
        );
        expect(far.body.data.events).to.have.length(1000);
        expect(Date.now() - started).to.be.lessThan(2000);
        expect(big.workspace.collections.auditEvents?.count).to.be.at.least(1_000_000);
      } finally {
        await big.close();
      }
    });

    it('produces the same first page for the same seed and a different one for another seed', async () => {
      const a = await startSimulator({port: 0, seed: 42, anchor: '2026-11-03T10:00:00Z', now: () => START});
      const b = await startSimulator({port: 0, seed: 42, anchor: '2026-11-03T10:00:00Z', now: () => START});
      const c = await startSimulator({port: 0, seed: 43, anchor: '2026-11-03T10:00:00Z', now: () => START});
      try {
        const pages = await Promise.all([a, b, c].map((s) => get(s, '/destinations?pagination.count=10')));
        expect(pages[0]?.body).to.deep.equal(pages[1]?.body);
        expect(pages[0]?.body).not.to.deep.equal(pages[2]?.body);
        expect(a.token).to.equal(b.token);
      } finally {
        await Promise.all([a.close(), b.close(), c.close()]);
      }
    });
  });
});

// The HTTP layer against exact nock sequences: retries, rate limits, timeouts, error classification, secrecy.
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {expect} from 'chai';
import nock from 'nock';
import {createHttp, type HttpOptions} from '../src/public-api/http.js';
import {sleep} from '../src/shared/time.js';
import {API, collectGarbage, memoryLogger, TOKEN} from './helpers.js';

const OK = {data: {sources: [], pagination: {current: 'MA=='}}};

function http(overrides: Partial<HttpOptions> = {}) {
  const log = memoryLogger();
  const client = createHttp({
    baseUrl: API,
    token: TOKEN,
    userAgent: 'tap-segment/test',
    timeoutMs: 1000,
    maxRetries: 3,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
    requestsPerMinute: 100000,
    log,
    ...overrides,
  });
  return {client, log, get: () => client.getJson('/sources', {'pagination.count': '2'}, {stream: 'sources'})};
}

/** An endpoint template with its own limit (2 per minute), whichever parent id is filled in. */
const WAREHOUSE_SYNCS_AT_2 = {
  stream: 'warehouse_syncs',
  requestsPerMinute: 2,
  limitKey: '/warehouses/{warehouseId}/syncs',
};

/** One endpoint template with its own limit (600/min), whichever parent id is filled in. */
const RULES_AT_600 = {
  stream: 'tracking_plan_rules',
  requestsPerMinute: 600,
  limitKey: '/tracking-plans/{trackingPlanId}/rules',
};

describe('http', () => {
  it('sends the Bearer token, the media type and the user agent', async () => {
    const scope = nock(API, {
      reqheaders: {
        authorization: `Bearer ${TOKEN}`,
        accept: 'application/vnd.segment.v1+json',
        'user-agent': 'tap-segment/test',
      },
    })
      .get('/sources')
      .query({'pagination.count': '2'})
      .reply(200, OK);
    expect(await http().get()).to.deep.equal(OK);
    scope.done();
  });

  it('URL-encodes cursors that contain "="', async () => {
    const scope = nock(API).get('/sources?pagination.count=2&pagination.cursor=Mw%3D%3D').reply(200, OK);
    const {client} = http();
    await client.getJson('/sources', {'pagination.count': '2', 'pagination.cursor': 'Mw=='}, {stream: 's'});
    scope.done();
  });

  it('waits msBeforeNext after a 429 and retries the same request', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(429, {errors: [{type: 'RequestError', message: 'Too many requests', data: {msBeforeNext: 120}}]})
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {client, log, get} = http();
    const started = Date.now();
    await get();
    expect(Date.now() - started).to.be.at.least(110);
    scope.done();
    expect(client.stats()).to.include({rateLimited: 1, retries: 1});
    const warnings = log.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('429').and.include('in 120 ms');
  });

  it('falls back to X-RateLimit-Reset when the 429 body has no msBeforeNext', async () => {
    const reset = new Date(Date.now() + 2000).toUTCString();
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(
        429,
        {errors: [{type: 'RateLimited', message: 'Rate limit exceeded'}]},
        {'X-RateLimit-Reset': reset},
      )
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {log, get} = http({backoffMaxMs: 60000});
    await get();
    scope.done();
    const wait = Number(
      /in (\d+) ms/.exec(log.lines.find((l) => l.startsWith('WARNING') && l.includes('429')) ?? '')?.[1],
    );
    expect(wait).to.be.within(500, 2100);
  });

  it('honours Retry-After in seconds when nothing else says how long', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(429, 'slow down', {'Retry-After': '0'})
      .get('/sources')
      .query(true)
      .reply(200, OK);
    await http().get();
    scope.done();
  });

  it('D6: a 429 wait the server directs is honoured even beyond backoff_max_ms', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(429, 'slow down', {'Retry-After': '0.3'})
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {log, get} = http({backoffMaxMs: 10});
    const started = Date.now();
    await get();
    scope.done();
    expect(Date.now() - started).to.be.at.least(250);
    expect(log.lines.find((l) => l.startsWith('WARNING')))
      .to.include('429')
      .and.include('in 300 ms');
  });

  it('D6: a computed backoff never exceeds backoff_max_ms', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .times(4)
      .reply(503)
      .get('/sources')
      .query(true)
      .reply(200, OK);
    // random() = 1 is the longest jitter: the backoff is then exactly its ceiling, base x 2^retry.
    const {log, get} = http({maxRetries: 4, backoffBaseMs: 4, backoffMaxMs: 10, random: () => 1});
    await get();
    scope.done();
    const waits = log.lines
      .filter((l) => l.startsWith('WARNING'))
      .map((l) => Number(/in (\d+) ms$/.exec(l)?.[1]));
    expect(waits).to.deep.equal([4, 8, 10, 10]);
  });

  it('slows down before the server says no when X-RateLimit-Remaining reaches 0', async () => {
    const reset = new Date(Math.ceil((Date.now() + 1200) / 1000) * 1000);
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(200, OK, {'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset.toUTCString()})
      .get('/sources')
      .query(true)
      .reply(200, OK, {'X-RateLimit-Remaining': '5', 'X-RateLimit-Reset': reset.toUTCString()});
    const {client, get} = http();
    await get();
    await get();
    scope.done();
    expect(Date.now()).to.be.at.least(reset.getTime());
    expect(client.stats().rateLimited).to.equal(0);
  });

  it('retries a burst of 5xx and succeeds', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(500, {errors: [{type: 'server', message: 'boom'}]})
      .get('/sources')
      .query(true)
      .reply(502)
      .get('/sources')
      .query(true)
      .reply(503)
      .get('/sources')
      .query(true)
      .reply(200, OK);
    expect(await http().get()).to.deep.equal(OK);
    scope.done();
  });

  it('gives up after max_retries with one clear message', async () => {
    nock(API)
      .get('/sources')
      .query(true)
      .times(4)
      .reply(504, {errors: [{type: 'server', message: 'gateway timeout'}]});
    const error = await http()
      .get()
      .catch((e: Error) => e);
    expect(error).to.have.property('name', 'HttpError');
    expect((error as Error).message)
      .to.include('after 4 attempts')
      .and.include('gateway timeout');
  });

  it('retries a dropped connection at once, not after request_timeout', async () => {
    // An Error with a code, as Node raises it: nock 14 cannot deliver a plain object as a socket
    // error (the request then stalls), and a stall would only be ended by the timeout.
    const reset = Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .replyWithError(reset)
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {log, get} = http({timeoutMs: 10_000});
    await get();
    scope.done();
    const warnings = log.lines.filter((l) => l.startsWith('WARNING'));
    expect(warnings).to.have.length(1);
    expect(warnings[0])
      .to.include('network error ECONNRESET')
      .and.include('socket hang up')
      .and.include('retry 1/3');
  });

  it('a stalled response still times out when a garbage collection runs during the wait', async () => {
    // Node 20 can collect the timeout of AbortSignal.any([AbortSignal.timeout()]) mid-wait (nodejs/node#57736),
    // and then a request to a server that never answers waits forever: the full suite hung on this.
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const {port} = server.address() as AddressInfo;
    try {
      const {get} = http({baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300, maxRetries: 0});
      const outcome = get().catch((e: Error) => e);
      await sleep(50);
      collectGarbage();
      const error = await Promise.race([outcome, sleep(5000).then(() => 'still waiting after 5 s')]);
      expect(error).to.have.property('name', 'NetworkError');
      expect((error as Error).message).to.include('no complete response within 0.3 s');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('D4: a request that never gets a response fails with a NetworkError keeping reason and cause, "after 1 attempt"', async () => {
    nock(API).get('/sources').query(true).replyWithError('socket hang up');
    const error = await http({maxRetries: 0})
      .get()
      .catch((e: Error) => e);
    expect(error).to.have.property('name', 'NetworkError');
    const {reason, cause, message} = error as Error & {reason: string};
    expect(reason).to.match(/^network error .*socket hang up/);
    expect(cause).to.be.instanceOf(Error);
    expect(message)
      .to.include(`GET /sources?pagination.count=2 failed for stream sources after 1 attempt: ${reason}. `)
      .and.include('raise max_retries');
  });

  it('retries a truncated JSON body', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(200, '{"data":{"sources":[{"id":"a"')
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {log, get} = http();
    await get();
    scope.done();
    expect(log.lines.some((l) => l.includes('not a complete JSON object'))).to.equal(true);
  });

  it('abandons a response slower than request_timeout and retries it', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .delay(400)
      .reply(200, OK)
      .get('/sources')
      .query(true)
      .reply(200, OK);
    const {log, get} = http({timeoutMs: 100});
    await get();
    scope.done();
    expect(log.lines.some((l) => l.includes('no complete response within 0.1 s'))).to.equal(true);
  });

  it('fails at once on 401 with advice about the token and the region', async () => {
    const scope = nock(API)
      .get('/sources')
      .query(true)
      .reply(401, {errors: [{type: 'unauthorized', message: 'Unauthorized'}]});
    const error = await http()
      .get()
      .catch((e: Error) => e);
    scope.done();
    expect((error as Error).message)
      .to.include('401')
      .and.include('Config API tokens do not work')
      .and.include('region: eu')
      .and.include('GET /sources');
  });

  for (const status of [400, 404, 409, 422]) {
    it(`fails at once on ${status} with the API's own message`, async () => {
      const scope = nock(API)
        .get('/sources')
        .query(true)
        .reply(status, {
          errors: [{type: 'ValidationFailure', message: 'count is out of range', field: 'pagination.count'}],
        });
      const error = await http()
        .get()
        .catch((e: Error) => e);
      scope.done();
      expect((error as Error).message)
        .to.include(String(status))
        .and.include('count is out of range');
    });
  }

  it('classifies 403 as ForbiddenError so the engine can skip the stream', async () => {
    nock(API)
      .get('/sources')
      .query(true)
      .reply(403, {errors: [{type: 'forbidden', message: 'Forbidden'}]});
    const error = await http()
      .get()
      .catch((e: Error) => e);
    expect(error).to.have.property('name', 'ForbiddenError');
  });

  it('never puts the token in an error or a log line, even when a dependency quotes the request', async () => {
    nock(API).get('/sources').query(true).times(4).replyWithError(`connect failed for Bearer ${TOKEN}`);
    const {log, get} = http();
    const error = await get().catch((e: Error) => e);
    expect((error as Error).message).to.not.include(TOKEN);
    expect(log.lines.join('\n')).to.not.include(TOKEN);
  });

  it('stops waiting at once when the run is aborted', async () => {
    nock(API)
      .get('/sources')
      .query(true)
      .reply(429, {errors: [{data: {msBeforeNext: 60000}}]});
    const controller = new AbortController();
    const {get} = http({signal: controller.signal, backoffMaxMs: 60000});
    const pending = get().catch((e: Error) => e);
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const started = Date.now();
    expect(await pending).to.have.property('message', 'stop');
    expect(Date.now() - started).to.be.below(1000);
  });

  it('lets an endpoint with its own limit burst up to it, then holds the next until the oldest leaves the minute', async () => {
    const at: number[] = [];
    const scope = nock(API)
      .get('/warehouses/wh_a/syncs')
      .times(3)
      .reply(() => {
        at.push(Date.now());
        return [200, OK];
      });
    // A "minute" of 400 ms: 2 per minute lets two go at once and the third 400 ms after the first.
    const {client, log} = http({minuteMs: 400});
    await Promise.all(
      [1, 2, 3].map(() => client.getJson('/warehouses/wh_a/syncs', {}, {stream: 'w', requestsPerMinute: 2})),
    );
    scope.done();
    const [first, second, third] = at as [number, number, number];
    expect(second - first).to.be.below(200);
    expect(third - first).to.be.at.least(380);
    expect(client.stats().waitedMs).to.be.within(200, 400);
    expect(log.lines.filter((l) => l.startsWith('WARNING'))).to.deep.equal([]);
  });

  it('D2: requests for different parent ids of one endpoint template share its allowance', async () => {
    const at: number[] = [];
    const scope = nock(API);
    for (const id of ['wh_a', 'wh_b', 'wh_c']) {
      scope.get(`/warehouses/${id}/syncs`).reply(() => {
        at.push(Date.now());
        return [200, OK];
      });
    }
    const {client} = http({minuteMs: 400});
    for (const id of ['wh_a', 'wh_b', 'wh_c']) {
      await client.getJson(`/warehouses/${id}/syncs`, {}, WAREHOUSE_SYNCS_AT_2);
    }
    scope.done();
    // One allowance per template: an allowance per parent id would send all three at once.
    expect((at[2] as number) - (at[0] as number)).to.be.at.least(380);
  });

  it('a 429 on an endpoint with its own limit also holds back the other endpoints until the wait is over', async () => {
    // The response cannot say which window ran out (the endpoint's or the workspace's): without
    // this, the next stream's request draws a second 429 in the same workspace window.
    const at: number[] = [];
    const scope = nock(API)
      .get('/tracking-plans/tp_a/rules')
      .reply(() => {
        at.push(Date.now());
        return [
          429,
          {errors: [{type: 'RequestError', message: 'Too many requests', data: {msBeforeNext: 300}}]},
        ];
      })
      .get('/sources')
      .query(true)
      .reply(() => {
        at.push(Date.now());
        return [200, OK];
      });
    const {client, get} = http({maxRetries: 0});
    const error = await client.getJson('/tracking-plans/tp_a/rules', {}, RULES_AT_600).catch((e: Error) => e);
    expect(String(error)).to.include('429');
    await get();
    scope.done();
    expect((at[1] as number) - (at[0] as number)).to.be.at.least(250);
  });

  it('D2: the rate budget one parent id reports holds for the other parent ids of the endpoint', async () => {
    const at: number[] = [];
    const scope = nock(API)
      .get('/tracking-plans/tp_a/rules')
      .reply(() => {
        at.push(Date.now());
        return [200, OK, {'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.now() + 400)}];
      })
      .get('/tracking-plans/tp_b/rules')
      .reply(() => {
        at.push(Date.now());
        return [200, OK];
      });
    const {client} = http();
    for (const id of ['tp_a', 'tp_b']) {
      await client.getJson(`/tracking-plans/${id}/rules`, {}, RULES_AT_600);
    }
    scope.done();
    expect((at[1] as number) - (at[0] as number)).to.be.at.least(350);
  });
  it('a request held by its endpoint allowance counts against the window it is sent in, not the one it was queued in', async () => {
    // A fixed server window of 3 requests per 200 ms, opened by the first request after the last
    // one closed, reset given to the millisecond. wh_b's request waits 400 ms for the allowance
    // (2 per 400 ms "minute"); if the budget counted it when it was queued, it would land
    // uncounted in a later window and draw a 429 there.
    let window = {start: Number.NEGATIVE_INFINITY, consumed: 0};
    let rejected = 0;
    const limited = (): [number, object, Record<string, string>] => {
      const t = Date.now();
      if (t >= window.start + 200) window = {start: t, consumed: 0};
      window.consumed += 1;
      const headers = {
        'X-RateLimit-Remaining': String(Math.max(0, 3 - window.consumed)),
        'X-RateLimit-Reset': String(window.start + 200),
      };
      if (window.consumed <= 3) return [200, OK, headers];
      rejected += 1;
      const body = {
        errors: [{type: 'RequestError', message: 'Too many', data: {msBeforeNext: window.start + 200 - t}}],
      };
      return [429, body, headers];
    };
    nock(API)
      .persist()
      .get(/^\/warehouses\/wh_[ab]\/syncs$/)
      .reply(limited)
      .get('/sources')
      .query(true)
      .reply(limited);
    const {client, get} = http({minuteMs: 400});
    const sources = async () => {
      for (let i = 0; i < 8; i++) await get();
    };
    await Promise.all([
      ...['wh_a', 'wh_a', 'wh_b'].map((id) =>
        client.getJson(`/warehouses/${id}/syncs`, {}, WAREHOUSE_SYNCS_AT_2),
      ),
      sources(),
    ]);
    expect({rejected, rateLimited: client.stats().rateLimited}).to.deep.equal({rejected: 0, rateLimited: 0});
  });
});

// Output options and observability: flattening, ACTIVATE_VERSION, metrics lines, progress, JSON logs.
import {expect} from 'chai';
import type {StreamRun} from '../src/engine/context.js';
import {createProgress} from '../src/engine/progress.js';
import {createLogger} from '../src/shared/log.js';
import {createFlattener} from '../src/singer/flatten.js';
import {type SingerMessage, serialize} from '../src/singer/messages.js';
import {parseState} from '../src/singer/state.js';
import {
  fixture,
  memoryLogger,
  nockPages,
  records,
  runSync,
  schemaOf,
  selections,
  testConfig,
} from './helpers.js';

describe('RECORD wire form', () => {
  it('writes each line as the JSON of its message, whatever the version and time of the line before', () => {
    // The suffix (version, time_extracted) is reused from one line to the next: interleave streams,
    // versions and times so that a stale suffix would show.
    const messages: SingerMessage[] = [
      {type: 'RECORD', stream: 'a', record: {id: 1}, timeExtracted: '2026-11-30T00:00:00.000Z'},
      {type: 'RECORD', stream: 'b', record: {id: 2}, timeExtracted: '2026-11-30T00:00:00.000Z', version: 7},
      {type: 'RECORD', stream: 'b', record: {id: 3}, timeExtracted: '2026-11-30T00:00:00.000Z', version: 8},
      {type: 'RECORD', stream: 'a', record: {id: 4, s: 'é"\\n'}, timeExtracted: '2026-11-30T00:00:01.000Z'},
      {type: 'RECORD', stream: 'a', record: {id: 5}, timeExtracted: '2026-11-30T00:00:01.000Z'},
      {type: 'RECORD', stream: 'b', record: {id: 6}, timeExtracted: '2026-11-30T00:00:01.000Z', version: 0},
    ];
    const lines = messages.map(serialize);
    expect(lines.every((line) => line.endsWith('}\n'))).to.equal(true);
    expect(lines.map((line) => JSON.parse(line))).to.deep.equal(
      messages.map((m) =>
        m.type === 'RECORD'
          ? {
              type: 'RECORD',
              stream: m.stream,
              record: m.record,
              ...(m.version === undefined ? {} : {version: m.version}),
              time_extracted: m.timeExtracted,
            }
          : m,
      ),
    );
  });
});

describe('flattening', () => {
  const schema = {
    type: 'object',
    properties: {
      id: {type: 'string'},
      metadata: {
        type: ['null', 'object'],
        properties: {
          slug: {type: ['null', 'string']},
          logos: {type: ['null', 'object'], properties: {default: {type: ['null', 'string']}}},
        },
      },
      settings: {type: ['null', 'object'], additionalProperties: true},
      labels: {type: ['null', 'array'], items: {type: 'string'}},
    },
  };

  it('turns nested objects into parent__child columns and deeper values into JSON text', () => {
    const flat = createFlattener(schema, 1);
    expect(Object.keys(flat.schema.properties as object)).to.deep.equal([
      'id',
      'metadata__slug',
      'metadata__logos',
      'settings',
      'labels',
    ]);
    expect(
      flat.record({
        id: 'a',
        metadata: {slug: 's', logos: {default: 'x.png'}},
        settings: {k: 1},
        labels: ['l'],
      }),
    ).to.deep.equal({
      id: 'a',
      metadata__slug: 's',
      metadata__logos: '{"default":"x.png"}',
      settings: '{"k":1}',
      labels: '["l"]',
    });
    expect(flat.record({id: 'b', metadata: null, settings: null, labels: null})).to.deep.equal({
      id: 'b',
      metadata__slug: null,
      metadata__logos: null,
      settings: null,
      labels: null,
    });
  });

  it('flattens deeper with a larger max depth, keeping every column nullable', () => {
    const flat = createFlattener(schema, 2);
    const properties = flat.schema.properties as Record<string, {type: string[]}>;
    expect(properties).to.have.property('metadata__logos__default');
    expect(properties.metadata__slug?.type).to.include('null');
  });

  it('applies to SCHEMA and RECORD of a real sync', async () => {
    const scope = nockPages('/sources', 'sources');
    const result = await runSync({
      selections: selections('sources'),
      config: testConfig({flattening_enabled: true, flattening_max_depth: 1}),
    });
    scope.done();
    const properties = Object.keys(schemaOf(result, 'sources').schema.properties as object);
    expect(properties).to.include('metadata__slug');
    for (const record of records(result, 'sources')) {
      expect(Object.keys(record)).to.deep.equal(properties);
      for (const value of Object.values(record))
        expect(typeof value === 'object' && value !== null).to.equal(false);
    }
  });
});

describe('ACTIVATE_VERSION', () => {
  it('is off by default', async () => {
    const scope = nockPages('/sources', 'sources');
    const result = await runSync({selections: selections('sources')});
    scope.done();
    expect(result.messages.some((m) => m.type === 'ACTIVATE_VERSION')).to.equal(false);
    expect(result.lines.every((l) => !l.includes('"version"'))).to.equal(true);
  });

  it('versions every record of a full-table stream and activates the version after the last one', async () => {
    const scope = nockPages('/sources', 'sources');
    const now = Date.parse('2026-11-26T12:00:00Z');
    const result = await runSync({
      selections: selections('sources'),
      config: testConfig({emit_activate_version: true}),
      now,
    });
    scope.done();
    const types = result.messages.map((m) => m.type);
    const activate = types.indexOf('ACTIVATE_VERSION');
    expect(activate).to.be.greaterThan(types.lastIndexOf('RECORD'));
    expect(result.messages[activate]).to.deep.equal({
      type: 'ACTIVATE_VERSION',
      stream: 'sources',
      version: now,
    });
    for (const m of result.messages) if (m.type === 'RECORD') expect(m.version).to.equal(now);
    expect(types.at(-1)).to.equal('STATE');
  });
});

describe('ACTIVATE_VERSION after a resumed child stream', () => {
  it('is not sent for a child that resumed after a parent, since earlier parents were not re-read', async () => {
    const scope = nockPages('/tracking-plans', 'tracking_plans');
    scope
      .get('/tracking-plans/tp_4Cd5Ef6Gh7Ij8Kl9Mn0Op1/rules')
      .query(true)
      .reply(200, fixture('tracking_plan_rules.page2'));
    const state = parseState(
      {bookmarks: {tracking_plan_rules: {last_completed_parent: 'tp_3Bc4De5Fg6Hi7Jk8Lm9No0'}}},
      's',
    );
    const result = await runSync({
      selections: selections('tracking_plans', 'tracking_plan_rules'),
      state,
      config: testConfig({emit_activate_version: true}),
    });
    scope.done();
    const activated = result.messages
      .filter((m) => m.type === 'ACTIVATE_VERSION')
      .map((m) => (m as {stream: string}).stream);
    expect(activated).to.deep.equal(['tracking_plans']);
  });
});

describe('observability', () => {
  it('prints Singer metric lines: http_request_duration, record_count and sync_duration', async () => {
    const scope = nockPages('/sources', 'sources');
    const log = memoryLogger('info');
    await runSync({selections: selections('sources'), log});
    scope.done();
    const metrics = log.lines
      .filter((l) => l.startsWith('INFO METRIC: '))
      .map((l) => JSON.parse(l.slice('INFO METRIC: '.length)));
    expect(metrics).to.deep.include({
      type: 'counter',
      metric: 'record_count',
      value: 3,
      tags: {endpoint: 'sources'},
    });
    const timers = metrics.filter((m) => m.metric === 'http_request_duration');
    expect(timers).to.have.length(2);
    expect(timers[0].tags).to.deep.equal({endpoint: 'sources', http_status_code: 200, status: 'succeeded'});
    expect(metrics.some((m) => m.metric === 'sync_duration')).to.equal(true);
  });

  it('writes JSON log lines with the fields Meltano requires', () => {
    const lines: string[] = [];
    const log = createLogger({format: 'json', write: (l) => lines.push(l), now: () => 1_700_000_000_000});
    log.warn('careful');
    log.metric({type: 'counter', metric: 'record_count', value: 2, tags: {endpoint: 'sources'}});
    const [warning, metric] = lines.map((l) => JSON.parse(l));
    expect(warning).to.include({
      level: 'warning',
      message: 'careful',
      app_name: 'tap-segment',
      ts: 1_700_000_000,
    });
    expect(warning).to.include.keys('pid', 'logger_name', 'thread_name', 'stream_name', 'extra');
    expect(metric).to.deep.include({
      message: 'METRIC',
      metric_info: {type: 'counter', metric: 'record_count', value: 2, tags: {endpoint: 'sources'}},
    });
  });

  it('D5: a JSON metric line names its stream in stream_name, and a run-wide one leaves it null', () => {
    const lines: string[] = [];
    const log = createLogger({format: 'json', write: (l) => lines.push(l)});
    log.metric({type: 'counter', metric: 'record_count', value: 2, tags: {endpoint: 'sources'}});
    log.metric({type: 'timer', metric: 'sync_duration', value: 1.5, tags: {endpoint: 'all'}});
    log.info('not a metric');
    const [stream, runWide, plain] = lines.map((l) => JSON.parse(l));
    expect(stream).to.have.property('stream_name', 'sources');
    expect(runWide).to.have.property('stream_name', null);
    expect(plain).to.have.property('stream_name', null);
  });

  it('respects the log level', () => {
    const lines: string[] = [];
    const log = createLogger({level: 'warn', write: (l) => lines.push(l)});
    log.info('hidden');
    log.debug('hidden');
    log.warn('shown');
    expect(lines).to.deep.equal(['WARNING shown\n']);
  });

  it('prints METRIC lines for machines: in a pipe or a JSON log, and at a terminal only at debug', () => {
    const point = {type: 'counter' as const, metric: 'record_count', value: 2, tags: {endpoint: 'sources'}};
    const printed = (options: Omit<Parameters<typeof createLogger>[0], 'write'>): string[] => {
      const lines: string[] = [];
      const log = createLogger({...options, write: (l) => lines.push(l)});
      log.metric(point);
      expect(log.metricsEnabled(), JSON.stringify(options)).to.equal(lines.length > 0);
      return lines;
    };
    const line =
      'INFO METRIC: {"type":"counter","metric":"record_count","value":2,"tags":{"endpoint":"sources"}}\n';
    expect(printed({})).to.deep.equal([line]);
    expect(printed({tty: true})).to.deep.equal([]);
    expect(printed({tty: true, level: 'debug'})).to.deep.equal([line]);
    expect(printed({tty: true, format: 'json'})).to.have.length(1);
    // metrics_log_level, as in the Meltano SDK: its own threshold, whatever the log level.
    expect(printed({metricsLevel: 'warn'})).to.deep.equal([]);
    expect(printed({metricsLevel: 'none', level: 'debug'})).to.deep.equal([]);
    expect(printed({metricsLevel: 'info', level: 'warn'})).to.deep.equal([line]);
    expect(printed({metricsLevel: 'debug', tty: true})).to.deep.equal([line]);
    expect(printed({metricsLevel: 'info', tty: true})).to.deep.equal([]);
    // Unset, the log level decides (a quiet run stays quiet).
    expect(printed({level: 'warn'})).to.deep.equal([]);
  });

  it('prints per-stream progress lines in logs, and at a terminal only at debug', () => {
    const lines: string[] = [];
    for (const options of [
      {},
      {tty: true},
      {tty: true, level: 'debug' as const},
      {tty: true, format: 'json' as const},
    ]) {
      const log = createLogger({...options, write: (l) => lines.push(l)});
      log.progress('stream sources: starting');
      expect(log.interactive).to.equal(options.tty === true && !('format' in options));
    }
    expect(lines.map((l) => l.slice(0, 5))).to.deep.equal(['INFO ', 'DEBUG', '{"lev']);
  });

  it('reports progress as INFO lines without a terminal, and as a redrawn status line on one', async () => {
    const lines: string[] = [];
    const log = createLogger({write: (l) => lines.push(l)});
    const run = {def: {name: 'sources'}, records: 12, pages: 3} as unknown as StreamRun;
    const stats = () => ({requests: 4, retries: 0, rateLimited: 0, waitedMs: 1500});
    const plain = createProgress({log, tty: false, streams: ['sources'], stats, intervalMs: 10});
    plain.start(run);
    await new Promise((r) => setTimeout(r, 35));
    plain.stop();
    expect(
      lines.some((l) =>
        /^INFO progress: sources 12 rec\/3 pg \(0 streams done, 4 requests, rate-limit waits 1\.5 s/.test(l),
      ),
    ).to.equal(true);
    lines.length = 0;
    const live = createProgress({log, tty: true, streams: ['sources'], stats, intervalMs: 10});
    live.start(run);
    await new Promise((r) => setTimeout(r, 25));
    log.info('a log line');
    live.finish(run);
    live.stop();
    // The default width is 80: the short form of the numbers, then the busiest stream.
    expect(lines[0]).to.equal('\r\x1b[K0/1 streams, 12 rec, 4 req, 1.5s waits, 0:00 | sources 12');
    expect(lines.some((l) => l.startsWith('\r\x1b[KINFO a log line\n'))).to.equal(true);
    expect(lines.at(-1)).to.equal('\r\x1b[K');
  });
});

// Table-driven: every bad file, key and flag gets one clear line, the right exit code, no stack trace, no token.
import {expect} from 'chai';
import {runCli, tempFiles} from './support/cli.js';

const TOKEN = 'sgp_RECOGNISABLE_SECRET_7f3e9a1b2c';
const good = {api_token: TOKEN, start_date: '2024-01-01', base_url: 'http://127.0.0.1:9'};
const sample = {
  streams: [{tap_stream_id: 'sources', schema: {}, metadata: [{breadcrumb: [], metadata: {selected: true}}]}],
};
const withConfig = (patch: Record<string, unknown>) => ({...good, ...patch});
const without = (key: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== key));

interface Case {
  name: string;
  files?: Record<string, unknown>;
  args: string[];
  code: number;
  says: string | string[];
}

const configCase = (name: string, config: unknown, says: Case['says'], code = 1): Case => ({
  name,
  files: {'config.json': config},
  args: ['--config', '{config.json}'],
  code,
  says,
});
const catalogCase = (name: string, catalog: unknown, says: string, code = 1): Case => ({
  name,
  files: {'config.json': good, 'catalog.json': catalog},
  args: ['--config', '{config.json}', '--catalog', '{catalog.json}'],
  code,
  says,
});
const stateCase = (name: string, state: unknown, says: string, code = 1): Case => ({
  name,
  files: {'config.json': good, 'catalog.json': sample, 'state.json': state},
  args: ['--config', '{config.json}', '--catalog', '{catalog.json}', '--state', '{state.json}'],
  code,
  says,
});

const cases: Case[] = [
  {
    name: 'missing config file',
    args: ['--config', '/nonexistent/config.json'],
    code: 2,
    says: 'does not exist',
  },
  {name: 'config path is a directory', args: ['--config', '/tmp'], code: 2, says: 'is a directory'},
  configCase('empty config', '', 'is empty'),
  configCase('whitespace config', '  \n ', 'is empty'),
  configCase('config not JSON', '{"api_token": ', 'is not valid JSON'),
  configCase('config is an array', [], 'must hold a JSON object, not an array'),
  configCase('config is a string', '"text"', 'must hold a JSON object, not a string'),
  configCase('config is null', 'null', 'must hold a JSON object, not null'),
  configCase(
    'endpoint limit for an unknown stream',
    withConfig({endpoint_requests_per_minute: 'warehouse_sync=10'}),
    'names no Public API stream',
  ),
  configCase(
    'endpoint limit not stream=limit',
    withConfig({endpoint_requests_per_minute: 'warehouse_syncs:10'}),
    'is not stream=limit',
  ),
  configCase('config is a number', '42', 'must hold a JSON object, not a number'),
  configCase('api_token is a number', withConfig({api_token: 1234567890123}), 'api_token must be a string'),
  configCase('api_token too short', withConfig({api_token: 'abc'}), 'api_token is too short'),
  configCase('api_token missing', without('api_token'), 'api_token is required'),
  configCase('region does not exist', withConfig({region: 'mars'}), 'region must be one of us, eu, api, eu1'),
  configCase('region is a number', withConfig({region: 1}), 'region must be a string'),
  configCase('start_date in the future', withConfig({start_date: '2999-01-01'}), 'is in the future'),
  configCase('start_date unparseable', withConfig({start_date: 'yesterday'}), 'not an ISO-8601 date'),
  configCase('start_date month 13', withConfig({start_date: '2024-13-01'}), 'not an ISO-8601 date'),
  configCase('start_date Feb 30', withConfig({start_date: '2024-02-30'}), 'not an ISO-8601 date'),
  configCase('start_date is a number', withConfig({start_date: 20240101}), 'start_date must be a string'),
  configCase('start_date missing', without('start_date'), 'start_date is required for incremental streams'),
  configCase('page_size 0', withConfig({page_size: 0}), 'page_size must be >= 1'),
  configCase('page_size 1001', withConfig({page_size: 1001}), 'page_size must be <= 1000'),
  configCase('page_size as string', withConfig({page_size: '200'}), 'page_size must be a whole number'),
  configCase('page_size fractional', withConfig({page_size: 1.5}), 'page_size must be a whole number'),
  configCase('request_timeout 0', withConfig({request_timeout: 0}), 'request_timeout must be >= 1'),
  configCase(
    'requests_per_minute 0',
    withConfig({requests_per_minute: 0}),
    'requests_per_minute must be >= 1',
  ),
  configCase('max_retries negative', withConfig({max_retries: -1}), 'max_retries must be >= 0'),
  configCase(
    'max_parallel_streams 0',
    withConfig({max_parallel_streams: 0}),
    'max_parallel_streams must be >= 1',
  ),
  configCase(
    'strict_streams as string',
    withConfig({strict_streams: 'yes'}),
    'strict_streams must be a boolean',
  ),
  configCase(
    'redact_secrets as string',
    withConfig({redact_secrets: 'no'}),
    'redact_secrets must be a boolean',
  ),
  configCase(
    'flattening_max_depth 0',
    withConfig({flattening_max_depth: 0}),
    'flattening_max_depth must be >= 1',
  ),
  configCase(
    'base_url plain http to a remote host',
    withConfig({base_url: 'http://example.com'}),
    'base_url must use https',
  ),
  configCase('base_url not a URL', withConfig({base_url: 'api segment'}), 'is not a URL'),
  configCase(
    'base_url with credentials',
    withConfig({base_url: 'https://u:p@example.com'}),
    'must not contain credentials',
  ),
  configCase(
    'backoff_max_ms below the base',
    withConfig({backoff_base_ms: 5000, backoff_max_ms: 10}),
    'backoff_max_ms must be at least',
  ),
  configCase('several problems at once', withConfig({page_size: 0, region: 'x'}), [
    'page_size must be >= 1',
    'region must be one of',
  ]),
  catalogCase('missing catalog file', undefined, 'does not exist', 2),
  catalogCase('empty catalog', '', 'is empty'),
  catalogCase('catalog not JSON', '{streams: []}', 'is not valid JSON'),
  catalogCase('catalog is an array', [], 'must hold a JSON object'),
  catalogCase('catalog without streams', {}, 'must be an object with a "streams" array'),
  catalogCase('catalog streams is an object', {streams: {}}, 'must be an object with a "streams" array'),
  catalogCase('catalog stream is a string', {streams: ['sources']}, 'streams[0] must be an object'),
  catalogCase('catalog stream without id', {streams: [{schema: {}}]}, 'has no tap_stream_id'),
  catalogCase(
    'catalog metadata not an array',
    {streams: [{tap_stream_id: 'sources', metadata: {}}]},
    'metadata must be an array',
  ),
  catalogCase(
    'catalog metadata without breadcrumb',
    {streams: [{tap_stream_id: 'sources', metadata: [{metadata: {}}]}]},
    'need a "breadcrumb" array',
  ),
  catalogCase(
    'catalog selects an unknown stream',
    {streams: [{tap_stream_id: 'teams', metadata: [{breadcrumb: [], metadata: {selected: true}}]}]},
    'selects stream "teams", which tap-segment does not have',
  ),
  catalogCase(
    'catalog selects an unknown field',
    {
      streams: [
        {
          tap_stream_id: 'sources',
          metadata: [
            {breadcrumb: [], metadata: {selected: true}},
            {breadcrumb: ['properties', 'colour'], metadata: {selected: true}},
          ],
        },
      ],
    },
    'selects field "colour"',
  ),
  stateCase('missing state file', undefined, 'does not exist', 2),
  stateCase('empty state', '', 'is empty'),
  stateCase('state not JSON', '{bookmarks', 'is not valid JSON'),
  stateCase('state is an array', [], 'must hold a JSON object'),
  stateCase('state bookmarks is an array', {bookmarks: []}, '"bookmarks" must be an object'),
  stateCase('bookmark is a string', {bookmarks: {sources: 'x'}}, 'bookmarks.sources must be an object'),
  stateCase(
    'bookmark value is not a date',
    {bookmarks: {audit_events: {replication_key: 'timestamp', replication_key_value: 'last week'}}},
    'replication_key_value must be an ISO-8601 date-time',
  ),
  stateCase(
    'legacy bookmark with a non-date',
    {bookmarks: {usage_mtu_daily: {timestamp: 'soon'}}},
    'must be an ISO-8601 date-time',
  ),
  stateCase(
    'currently_syncing is a number',
    {bookmarks: {}, currently_syncing: 3},
    '"currently_syncing" must be a stream name',
  ),
  stateCase(
    'last_completed_parent is a number',
    {bookmarks: {group_users: {last_completed_parent: 7}}},
    'last_completed_parent must be a string',
  ),
  {name: 'unknown flag', args: ['--confg', 'x.json'], code: 2, says: 'unknown option --confg'},
  {name: 'unknown short flag', args: ['-x'], code: 2, says: 'unknown option -x'},
  {name: 'stray argument', args: ['sync'], code: 2, says: 'unexpected argument "sync"'},
  {
    name: 'flag without its value',
    args: ['--discover', '--catalog'],
    code: 2,
    says: '--catalog needs a value',
  },
  {name: 'empty --config value', args: ['--config='], code: 2, says: '--config needs a value'},
  {
    name: 'value flag given twice',
    args: ['--catalog', 'a.json', '--catalog', 'b.json'],
    code: 2,
    says: '--catalog can be given only once',
  },
  {name: 'negated value flag', args: ['--no-config'], code: 2, says: 'unknown option --no-config'},
  {name: 'value on a switch', args: ['--about=yes'], code: 2, says: '--about takes no value'},
  {name: 'no config to sync', args: [], code: 2, says: '--config is required'},
  {
    name: 'bad --about format',
    args: ['--about', '--format', 'xml'],
    code: 2,
    says: '--format must be text, json or markdown',
  },
  {
    name: 'bad --log-level',
    args: ['--version', '--log-level', 'loud'],
    code: 2,
    says: '--log-level must be one of',
  },
  {
    name: 'bad --log-format',
    args: ['--version', '--log-format', 'xml'],
    code: 2,
    says: '--log-format must be text or json',
  },
  {
    name: 'bad --test value',
    files: {'config.json': good},
    args: ['--config', '{config.json}', '--test=everything'],
    code: 2,
    says: '--test takes',
  },
];

async function runCase(c: Case) {
  const files = tempFiles(
    Object.fromEntries(Object.entries(c.files ?? {}).filter(([, v]) => v !== undefined)),
  );
  const args = c.args.map((a) =>
    a.replace(/^\{(.+)\}$/, (_, name: string) => files[name] ?? `${files.dir}/${name}`),
  );
  return runCli(args, {env: {TAP_SEGMENT_API_TOKEN: TOKEN}});
}

describe(`bad input (${cases.length} cases)`, function () {
  this.timeout(120_000);
  const results = new Map<string, Awaited<ReturnType<typeof runCase>>>();

  before(async () => {
    // Four at a time: each case is a whole process.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const outcomes = await Promise.all(batch.map(runCase));
      for (const [j, c] of batch.entries())
        results.set(c.name, outcomes[j] as Awaited<ReturnType<typeof runCase>>);
    }
  });

  it('has at least 50 distinct cases', () => {
    expect(new Set(cases.map((c) => c.name)).size).to.equal(cases.length);
    expect(cases.length).to.be.at.least(50);
  });

  for (const c of cases) {
    it(`${c.name}: exit ${c.code}, one line saying "${[c.says].flat().join('" and "')}"`, () => {
      const result = results.get(c.name);
      expect(result, 'ran').to.not.equal(undefined);
      if (!result) return;
      const lines = result.stderr.split('\n').filter((l) => l !== '');
      expect(result.code, result.stderr).to.equal(c.code);
      expect(lines, result.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^CRITICAL /);
      for (const words of [c.says].flat()) expect(lines[0]).to.include(words);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.not.match(/\bat .+:\d+:\d+/);
      expect(result.stderr + result.stdout).to.not.include(TOKEN);
    });
  }
});

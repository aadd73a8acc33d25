// The built CLI as users run it: version, help, about, discover, usage mistakes and exit codes.
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Ajv} from 'ajv';
import {expect} from 'chai';
import {CONFIG_SCHEMA} from '../src/config/settings.js';
import {runCli, tempFiles} from './support/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const sample = JSON.parse(readFileSync(new URL('../catalog.sample.json', import.meta.url), 'utf8'));

describe('cli', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(`tap-segment v${pkg.version}\n`);
  });

  it('prints help with every flag', async () => {
    const result = await runCli(['--help']);
    expect(result.code).to.equal(0);
    for (const flag of [
      '--config',
      '--discover',
      '--catalog',
      '--properties',
      '--state',
      '--about',
      '--test',
      '--version',
    ]) {
      expect(result.stdout).to.include(flag);
    }
  });

  it('discovers offline without any config, and the output is catalog.sample.json minus "selected"', async () => {
    const result = await runCli(['--discover']);
    expect(result.code).to.equal(0);
    const catalog = JSON.parse(result.stdout);
    for (const entry of catalog.streams) entry.metadata[0].metadata.selected = true;
    expect(catalog).to.deep.equal(sample);
  });

  it('ignores --state during discovery, as Meltano may pass it', async () => {
    const files = tempFiles({'state.json': {bookmarks: {}}, 'config.json': {}});
    const result = await runCli([
      '--config',
      files['config.json'] as string,
      '--discover',
      '--state',
      files['state.json'] as string,
    ]);
    expect(result.code).to.equal(0);
    expect(JSON.parse(result.stdout).streams).to.have.length(sample.streams.length);
  });

  it('prints --about as JSON in the Meltano SDK shape, with the token marked secret', async () => {
    const result = await runCli(['--about', '--format', 'json']);
    expect(result.code).to.equal(0);
    const about = JSON.parse(result.stdout);
    // The Meltano SDK --about shape, as a JSON Schema.
    const aboutShape = {
      type: 'object',
      required: [
        'name',
        'description',
        'version',
        'sdk_version',
        'supported_python_versions',
        'capabilities',
        'settings',
      ],
      properties: {
        name: {const: 'tap-segment'},
        description: {type: 'string', minLength: 1},
        version: {type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+'},
        sdk_version: {type: 'null'},
        supported_python_versions: {type: 'null'},
        capabilities: {
          type: 'array',
          uniqueItems: true,
          items: {
            enum: [
              'about',
              'catalog',
              'discover',
              'state',
              'test',
              'schema-flattening',
              'activate-version',
              'structured-logging',
              'stream-maps',
              'batch',
              'log-based',
              'properties',
            ],
          },
        },
        settings: {
          type: 'object',
          required: ['type', 'properties'],
          properties: {type: {const: 'object'}, properties: {type: 'object'}},
        },
        streams: {
          type: 'array',
          items: {type: 'object', required: ['name', 'key_properties', 'replication_method']},
        },
      },
    };
    const shapeCheck = new Ajv({strict: false, allErrors: true}).compile(aboutShape);
    expect(shapeCheck(about), JSON.stringify(shapeCheck.errors)).to.equal(true);
    expect(about).to.include.keys('name', 'description', 'version', 'capabilities', 'settings', 'streams');
    expect(about.capabilities).to.include.members(['about', 'catalog', 'discover', 'state', 'test']);
    expect(about.settings.properties.api_token).to.include({secret: true, writeOnly: true});
    // Each source needs its own setting: the API token, or a bucket or directory for the event archive.
    expect(about.settings).to.deep.include({
      required: [],
      anyOf: [{required: ['api_token']}, {required: ['events_s3_bucket']}, {required: ['events_local_dir']}],
    });
    // The settings are a valid JSON Schema that accepts a real config.
    const validate = new Ajv({strict: false, validateFormats: false}).compile(about.settings);
    expect(validate({api_token: 'x'.repeat(20), region: 'eu', page_size: 500})).to.equal(true);
    expect(Object.keys(about.settings.properties)).to.deep.equal(Object.keys(CONFIG_SCHEMA.properties));
  });

  it('prints --about as Markdown and as text', async () => {
    const markdown = await runCli(['--about', '--format=markdown']);
    expect(markdown.stdout)
      .to.match(/^# `tap-segment`/)
      .and.include('| api_token | for the Public API streams |')
      .and.include('| events_s3_bucket | for the event_* streams (or events_local_dir) |');
    const text = await runCli(['--about']);
    expect(text.stdout).to.include('Environment Variable: TAP_SEGMENT_API_TOKEN');
  });

  it('D4: --test against an unreachable host gives test advice, not sync advice', async () => {
    const files = tempFiles({
      'config.json': {api_token: 'sgp_cli_unreachable_token_1234', base_url: 'http://127.0.0.1:9'},
    });
    const result = await runCli(['--config', files['config.json'] as string, '--test']);
    expect(result.code).to.equal(1);
    const critical = result.stderr.split('\n').filter((l) => l.startsWith('CRITICAL'));
    expect(critical).to.have.length(1);
    expect(critical[0])
      .to.include('connection test failed: cannot reach http://127.0.0.1:9 (network error ECONNREFUSED')
      .and.include('check the network, proxy and base_url');
    expect(critical[0]).to.not.match(/STATE|max_retries|run again later|attempts/);
  });

  it('--test on a 503 names the status and gives test advice, not sync advice', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 503;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({errors: [{type: 'unavailable', message: 'Service Unavailable'}]}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const {port} = server.address() as AddressInfo;
      const files = tempFiles({
        'config.json': {api_token: 'sgp_cli_busy_token_12345678', base_url: `http://127.0.0.1:${port}`},
      });
      const result = await runCli(['--config', files['config.json'] as string, '--test']);
      expect(result.code).to.equal(1);
      const critical = result.stderr.split('\n').filter((l) => l.startsWith('CRITICAL'));
      expect(critical).to.have.length(1);
      expect(critical[0])
        .to.include(`connection test failed: http://127.0.0.1:${port} answered 503 Service Unavailable`)
        .and.include('run --test again in a minute');
      expect(critical[0]).to.not.match(/STATE|max_retries|attempt/);
    } finally {
      server.close();
    }
  });

  it('a sync uses the validators compiled at build time, and they still reject a record that does not fit', async () => {
    let workspace: unknown = {id: 'w1', slug: 'w', name: 'W'};
    const server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({data: {workspace}}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const {port} = server.address() as AddressInfo;
      const files = tempFiles({
        'config.json': {api_token: 'sgp_cli_built_validators_1234', base_url: `http://127.0.0.1:${port}`},
        'catalog.json': {
          streams: [
            {
              tap_stream_id: 'workspace',
              schema: {},
              metadata: [{breadcrumb: [], metadata: {selected: true}}],
            },
          ],
        },
      });
      const args = ['--config', files['config.json'] as string, '--catalog', files['catalog.json'] as string];
      const good = await runCli([...args, '--log-level', 'debug']);
      expect(good.code, good.stderr).to.equal(0);
      expect(good.stderr).to.include('validators: 1 of 1 streams compiled at build time');
      expect(good.stdout).to.include('"record":{"id":"w1","slug":"w","name":"W"}');
      workspace = {id: 7, slug: 'w', name: 'W'};
      const bad = await runCli(args);
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(/workspace.*id/);
      expect(bad.stdout).to.not.include('"type":"RECORD"');
    } finally {
      server.close();
    }
  });

  it('D1: a start_date without a zone is UTC to the built CLI under TZ=America/New_York', async () => {
    const requested: string[] = [];
    const server = createServer((request, response) => {
      requested.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({data: {events: []}}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const {port} = server.address() as AddressInfo;
      const files = tempFiles({
        'config.json': {
          api_token: 'sgp_cli_tz_test_token_1234',
          base_url: `http://127.0.0.1:${port}`,
          start_date: '2026-01-10T00:00:00',
        },
        'catalog.json': {
          streams: [
            {
              tap_stream_id: 'audit_events',
              schema: {},
              metadata: [{breadcrumb: [], metadata: {selected: true}}],
            },
          ],
        },
      });
      const result = await runCli(
        ['--config', files['config.json'] as string, '--catalog', files['catalog.json'] as string],
        {env: {TZ: 'America/New_York'}},
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(requested).to.have.length(1);
      const query = new URL(requested[0] as string, 'http://x').searchParams;
      // The audit window starts one second before the start, in UTC.
      expect(query.get('startTime')).to.equal('2026-01-09T23:59:59.000Z');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

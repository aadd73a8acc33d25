// Secrets: credentials of other systems are redacted in records; the API token appears in no output at any level.
import {expect} from 'chai';
import {type Simulator, startSimulator} from '../dev/simulator/server.js';
import {isSecretKey, redactRecord} from '../src/records/redact.js';
import {REDACTED} from '../src/shared/redaction.js';
import {runCli, tempFiles} from './support/cli.js';

describe('redaction of secrets inside records', () => {
  it('replaces write keys and secret-looking settings at any depth, keeping the keys', () => {
    const record = {
      id: 'src1',
      writeKeys: ['wk_live_1', 'wk_live_2'],
      settings: {
        apiKey: 'sk_live_123',
        api_secret: 'shh',
        password: 'hunter2',
        privateKey: '-----BEGIN',
        region: 'eu-west-1',
        nested: {clientSecret: 'abc', token: 42, username: 'svc'},
        credentials: {json: '{...}'},
        list: [{accessToken: 'at'}],
        useToken: true,
        emptyPassword: '',
        missingKey: null,
      },
    };
    expect(redactRecord(record)).to.deep.equal({
      id: 'src1',
      writeKeys: [REDACTED, REDACTED],
      settings: {
        apiKey: REDACTED,
        api_secret: REDACTED,
        password: REDACTED,
        privateKey: REDACTED,
        region: 'eu-west-1',
        nested: {clientSecret: REDACTED, token: REDACTED, username: 'svc'},
        credentials: REDACTED,
        list: [{accessToken: REDACTED}],
        useToken: true,
        emptyPassword: '',
        missingKey: null,
      },
    });
    // The input is not modified.
    expect(record.settings.apiKey).to.equal('sk_live_123');
  });

  it('recognises secret names in any spelling and leaves ordinary ones', () => {
    for (const name of [
      'apiKey',
      'API_KEY',
      'api-key',
      'secretKey',
      'connectionString',
      'Passphrase',
      'writeKey',
    ]) {
      expect(isSecretKey(name), name).to.equal(true);
    }
    for (const name of ['region', 'username', 'host', 'database', 'enabled', 'keyName']) {
      expect(isSecretKey(name), name).to.equal(false);
    }
  });
});

describe('the API token never appears in any output', function () {
  this.timeout(120_000);
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({scale: 1, seed: 3});
  });
  after(async () => sim?.close());

  const run = async (config: Record<string, unknown>, args: string[] = []) => {
    const files = tempFiles({
      'config.json': {
        base_url: sim.url,
        start_date: '2026-10-01',
        requests_per_minute: 100000,
        backoff_base_ms: 1,
        backoff_max_ms: 5,
        max_retries: 1,
        ...config,
      },
    });
    return runCli(['--config', files['config.json'] as string, '--log-level', 'debug', ...args]);
  };
  const leaks = (result: {stdout: string; stderr: string}, token: string) =>
    (result.stdout + result.stderr).includes(token);

  it('not in a debug-level sync, and settings secrets are redacted by default but not with redact_secrets false', async () => {
    const redacted = await run({api_token: sim.token, page_size: 50});
    expect(redacted.code, redacted.stderr.slice(-500)).to.equal(0);
    expect(redacted.stderr).to.include('DEBUG GET /sources');
    expect(leaks(redacted, sim.token)).to.equal(false);
    const sources = redacted.stdout
      .split('\n')
      .filter((l) => l.includes('"stream":"sources"') && l.includes('RECORD'));
    expect(sources.length).to.be.greaterThan(0);
    for (const line of sources) {
      const {record} = JSON.parse(line);
      for (const key of record.writeKeys ?? []) expect(key).to.equal(REDACTED);
    }
    const raw = await run({api_token: sim.token, page_size: 50, redact_secrets: false}, []);
    const rawSources = raw.stdout
      .split('\n')
      .filter((l) => l.includes('"stream":"sources"') && l.includes('RECORD'));
    expect(
      rawSources.some((l) => JSON.parse(l).record.writeKeys?.some((k: string) => k !== REDACTED)),
    ).to.equal(true);
  });

  it('not on any error path: 401, 403, 404, 5xx exhaustion, network failure, failed --test', async () => {
    const wrong = 'sgp_WRONG_BUT_RECOGNISABLE_TOKEN_99';
    const outcomes = [
      await run({api_token: wrong}),
      await run({api_token: wrong}, ['--test']),
      await run({api_token: wrong, base_url: 'http://127.0.0.1:9'}),
      await run({api_token: wrong, base_url: 'http://127.0.0.1:9'}, ['--test']),
    ];
    for (const result of outcomes) {
      expect(result.code).to.equal(1);
      expect(leaks(result, wrong), result.stderr).to.equal(false);
    }
    sim.configure({forbidden: ['/sources'], notFound: ['/users'], faults: {rate: 1, kinds: ['500']}});
    try {
      const failing = await run({api_token: sim.token, strict_streams: true});
      expect(failing.code).to.equal(1);
      expect(leaks(failing, sim.token)).to.equal(false);
    } finally {
      sim.configure({forbidden: [], notFound: [], faults: undefined});
    }
  });

  it('not in --about, --discover or --help', async () => {
    for (const args of [['--about', '--format', 'json'], ['--discover'], ['--help']]) {
      const result = await run({api_token: sim.token}, args);
      expect(leaks(result, sim.token)).to.equal(false);
    }
  });
});

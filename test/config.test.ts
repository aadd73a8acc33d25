// Config: defaults, every problem in one line with the key name, regions and base_url, env conversion.

import {writeFileSync} from 'node:fs';
import {expect} from 'chai';
import {parseConfig} from '../src/config/settings.js';
import {configFromEnv, environmentWithDotEnv, loadConfig} from '../src/config/sources.js';
import {resolveHost} from '../src/public-api/region.js';
import {parseInstant} from '../src/shared/time.js';
import {TOKEN} from './helpers.js';
import {tempFiles} from './support/cli.js';

const invalid = (raw: Record<string, unknown>): string => {
  try {
    parseConfig(raw, 'config.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
};

describe('config', () => {
  it('applies every default', () => {
    const config = parseConfig({api_token: TOKEN}, 'config.json');
    expect(config).to.include({
      region: 'us',
      page_size: 1000,
      request_timeout: 300,
      requests_per_minute: 200,
      max_retries: 8,
      max_parallel_streams: 4,
      redact_secrets: true,
      strict_streams: false,
      derive_relations: true,
    });
  });

  it('lists every problem in one message, naming each key', () => {
    const message = invalid({api_token: TOKEN, page_size: 0, region: 'mars', max_retries: 'many'});
    expect(message).to.include('config config.json is invalid');
    expect(message).to.include('page_size must be >= 1 (got 0)');
    expect(message).to.include('region must be one of us, eu, api, eu1 (got "mars")');
    expect(message).to.include('max_retries must be a whole number (got "many")');
    expect(message.split('\n')).to.have.length(1);
  });

  it("takes metrics_log_level as the Meltano SDK's level names, in either case", () => {
    expect(parseConfig({metrics_log_level: 'WARNING'}, 'c.json').metrics_log_level).to.equal('warning');
    expect(parseConfig({metrics_log_level: 'none'}, 'c.json').metrics_log_level).to.equal('none');
    expect(parseConfig({}, 'c.json')).to.not.have.property('metrics_log_level');
    expect(invalid({metrics_log_level: 'verbose'})).to.include(
      'metrics_log_level must be one of debug, info, warning, warn, error, none (got "verbose")',
    );
  });

  it('never quotes the token in a validation error', () => {
    const message = invalid({api_token: 12345678901234});
    expect(message).to.include('api_token must be a string');
    expect(message).to.not.include('12345678901234');
  });

  it('rejects a start_date in the future or unparseable', () => {
    expect(invalid({start_date: '2999-01-01'})).to.include('is in the future');
    expect(invalid({start_date: 'last tuesday'})).to.include('not an ISO-8601 date');
    expect(invalid({start_date: '2024-02-31'})).to.include('not an ISO-8601 date');
  });

  it('accepts dates, date-times with offsets and naive date-times as UTC', () => {
    expect(parseInstant('2024-01-01')).to.equal(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseInstant('2024-01-01T02:00:00+02:00')).to.equal(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseInstant('2024-01-01T00:00:00')).to.equal(Date.parse('2024-01-01T00:00:00Z'));
  });

  it('maps regions to full hosts and never templates one', () => {
    expect(resolveHost('us')).to.equal('https://api.segmentapis.com');
    expect(resolveHost('api')).to.equal('https://api.segmentapis.com');
    expect(resolveHost('eu')).to.equal('https://eu1.api.segmentapis.com');
    expect(resolveHost('EU1')).to.equal('https://eu1.api.segmentapis.com');
  });

  it('lets base_url point at https hosts or loopback only', () => {
    expect(resolveHost('us', 'https://proxy.example.com/segment/')).to.equal(
      'https://proxy.example.com/segment',
    );
    expect(resolveHost('us', 'http://127.0.0.1:4010')).to.equal('http://127.0.0.1:4010');
    expect(invalid({base_url: 'http://proxy.example.com'})).to.include('base_url must use https');
    expect(invalid({base_url: 'https://user:pw@proxy.example.com'})).to.include(
      'must not contain credentials',
    );
    expect(invalid({base_url: 'not a url'})).to.include('is not a URL');
  });

  it('reads TAP_SEGMENT_* variables with their types', () => {
    expect(
      configFromEnv({
        TAP_SEGMENT_API_TOKEN: TOKEN,
        TAP_SEGMENT_PAGE_SIZE: '500',
        TAP_SEGMENT_REDACT_SECRETS: 'false',
        TAP_SEGMENT_STRICT_STREAMS: 'yes',
        TAP_SEGMENT_REGION: 'eu',
        OTHER: 'x',
      }),
    ).to.deep.equal({
      api_token: TOKEN,
      page_size: 500,
      redact_secrets: false,
      strict_streams: true,
      region: 'eu',
    });
  });

  it('leaves an unconvertible env value for validation to name', () => {
    const env = configFromEnv({TAP_SEGMENT_PAGE_SIZE: 'lots'});
    expect(invalid(env)).to.include('page_size must be a whole number (got "lots")');
  });

  it('reads a .env file with --config ENV, real variables winning, and merges files left to right', () => {
    const files = tempFiles({
      '.env': `TAP_SEGMENT_PAGE_SIZE=300\nTAP_SEGMENT_REGION=eu\n`,
      'base.json': {api_token: TOKEN, page_size: 50},
    });
    const env = environmentWithDotEnv({TAP_SEGMENT_REGION: 'us'}, files['.env'] as string);
    expect(configFromEnv(env)).to.deep.equal({page_size: 300, region: 'us'});
    const override = files['base.json']?.replace('base.json', 'override.json') as string;
    writeFileSync(override, JSON.stringify({page_size: 75}));
    expect(loadConfig([files['base.json'] as string, override], {})).to.include({
      page_size: 75,
      api_token: TOKEN,
    });
  });
});

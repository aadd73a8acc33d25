// s3-store.ts: the SDK options the config turns into, and failures described for people.
import {expect} from 'chai';
import {parseConfig} from '../../src/config/settings.js';
import {describeFailure, s3ClientConfig} from '../../src/events/s3-store.js';

const config = (extra: Record<string, unknown>) =>
  parseConfig({events_s3_bucket: 'acme-archive', ...extra}, 'test');

describe('events: the S3 client from the config', () => {
  it('default chain: no credentials given, us-east-1 that follows the bucket region', () => {
    const options = s3ClientConfig(config({}), 3, 5000);
    expect(options).to.not.have.property('credentials');
    expect(options).to.include({
      region: 'us-east-1',
      followRegionRedirects: true,
      forcePathStyle: false,
      maxAttempts: 3,
    });
  });

  it('static keys with a session token; a set region does not follow redirects', () => {
    const options = s3ClientConfig(
      config({
        events_aws_region: 'eu-west-1',
        events_aws_access_key_id: 'AKIAEXAMPLEEXAMPLE',
        events_aws_secret_access_key: 'secret-secret-secret',
        events_aws_session_token: 'session-session-session',
        events_s3_endpoint: 'https://minio.internal:9000',
        events_s3_force_path_style: true,
      }),
      1,
      5000,
    );
    expect(options.credentials).to.deep.equal({
      accessKeyId: 'AKIAEXAMPLEEXAMPLE',
      secretAccessKey: 'secret-secret-secret',
      sessionToken: 'session-session-session',
    });
    expect(options).to.include({
      region: 'eu-west-1',
      followRegionRedirects: false,
      forcePathStyle: true,
      endpoint: 'https://minio.internal:9000',
    });
  });

  it('role ARN + external ID: an STS AssumeRole credential provider (resolved lazily, on the first call)', () => {
    const options = s3ClientConfig(
      config({
        events_aws_role_arn: 'arn:aws:iam::123456789012:role/segment-reader',
        events_aws_external_id: 'ext-1234567890',
      }),
      1,
      5000,
    );
    expect(options.credentials).to.be.a('function');
  });

  it('config checks: a bucket with a path, half a key pair, a bad role ARN, a bad shard', () => {
    expect(() => config({events_s3_bucket: 's3://acme/segment'})).to.throw(/give the name only/);
    expect(() => config({events_aws_access_key_id: 'AKIAEXAMPLEEXAMPLE'})).to.throw(/go together/);
    expect(() => config({events_aws_role_arn: 'segment-reader'})).to.throw(/not a role ARN/);
    expect(() => config({events_shard: '4/4'})).to.throw(/events_shard must be i\/n/);
    expect(() => config({events_local_dir: '/tmp/x'})).to.throw(/exclusive/);
  });

  it('describes a refused call by bucket, key and permission', () => {
    const attempt = {
      action: 'get' as const,
      bucket: 'acme-archive',
      key: 'segment-logs/s/1/a.gz',
      config: config({}),
    };
    expect(describeFailure({name: 'AccessDenied', $metadata: {httpStatusCode: 403}}, attempt)).to.equal(
      'access denied reading s3://acme-archive/segment-logs/s/1/a.gz; the credentials need s3:GetObject on arn:aws:s3:::acme-archive/segment-logs/*',
    );
    expect(describeFailure({name: 'InvalidAccessKeyId'}, attempt)).to.include('S3 rejected the credentials');
  });
});

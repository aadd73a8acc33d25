// The archive in S3 (or an S3-compatible store) through @aws-sdk/client-s3: the only module that imports AWS.
import type {Readable} from 'node:stream';
import {GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig} from '@aws-sdk/client-s3';
import {fromTemporaryCredentials} from '@aws-sdk/credential-providers';
import {archiveRoot} from './listing.js';
import type {EventsConfig} from './settings.js';
import {type FileStore, type StoredObject, StoreError} from './store.js';

export interface S3StoreOptions {
  readonly bucket: string;
  readonly config: EventsConfig;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
}

/** SDK options from the config: region, endpoint, path style and the credential chain. */
export function s3ClientConfig(config: EventsConfig, maxAttempts: number, timeoutMs: number): S3ClientConfig {
  const staticKeys = config.events_aws_access_key_id
    ? {
        accessKeyId: config.events_aws_access_key_id,
        secretAccessKey: config.events_aws_secret_access_key as string,
        ...(config.events_aws_session_token ? {sessionToken: config.events_aws_session_token} : {}),
      }
    : undefined;
  const region = config.events_aws_region ?? 'us-east-1';
  const credentials = config.events_aws_role_arn
    ? fromTemporaryCredentials({
        params: {
          RoleArn: config.events_aws_role_arn,
          RoleSessionName: 'tap-segment',
          ...(config.events_aws_external_id ? {ExternalId: config.events_aws_external_id} : {}),
        },
        ...(staticKeys ? {masterCredentials: staticKeys} : {}),
        clientConfig: {region},
      })
    : staticKeys;
  return {
    region,
    // Without a configured region the client follows the bucket's own region; with one, a wrong
    // region is an error that names the right one (see describeFailure).
    followRegionRedirects: config.events_aws_region === undefined,
    forcePathStyle: config.events_s3_force_path_style,
    maxAttempts,
    // A socket idle this long fails its call or body (a body is then read again next run); a whole
    // 100 MB object may take longer than that on a slow link, so there is no cap on the request itself.
    requestHandler: {connectionTimeout: Math.min(timeoutMs, 30_000), socketTimeout: timeoutMs},
    // The tap reads what S3 stores; checksums of whole gzip objects are S3's business.
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(config.events_s3_endpoint ? {endpoint: config.events_s3_endpoint} : {}),
    ...(credentials ? {credentials} : {}),
  };
}

export function createS3Store(options: S3StoreOptions): FileStore {
  const {bucket, config} = options;
  const client = new S3Client(s3ClientConfig(config, options.maxAttempts, options.timeoutMs));
  const where = `s3://${bucket}/${archiveRoot(config.events_s3_prefix).replace(/segment-logs\/$/, '')}`;
  return {
    where,
    async *list(prefix, listOptions = {}) {
      let token: string | undefined;
      const seen = new Set<string>();
      do {
        const page = await send(
          () =>
            client.send(
              new ListObjectsV2Command({
                Bucket: bucket,
                Prefix: prefix,
                ...(listOptions.delimiter ? {Delimiter: listOptions.delimiter} : {}),
                ...(listOptions.startAfter && !token ? {StartAfter: listOptions.startAfter} : {}),
                ...(token ? {ContinuationToken: token} : {}),
              }),
              {abortSignal: AbortSignal.timeout(options.timeoutMs)},
            ),
          {action: 'list', bucket, key: prefix, config},
        );
        const objects: StoredObject[] = (page.Contents ?? []).flatMap((o) =>
          o.Key === undefined
            ? []
            : [
                {
                  key: o.Key,
                  etag: o.ETag ?? '',
                  lastModified: o.LastModified?.getTime() ?? 0,
                  size: o.Size ?? 0,
                },
              ],
        );
        yield {objects, prefixes: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : []))};
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
        if (token !== undefined && seen.has(token)) {
          throw new StoreError(`${where}: the listing of ${prefix} repeated a continuation token; stopping`);
        }
        if (token !== undefined) seen.add(token);
      } while (token);
    },
    async open(key, signal) {
      const response = await send(
        () =>
          client.send(new GetObjectCommand({Bucket: bucket, Key: key}), signal ? {abortSignal: signal} : {}),
        {action: 'get', bucket, key, config},
      );
      if (!response.Body) throw new StoreError(`s3://${bucket}/${key}: GetObject returned no body`);
      return response.Body as Readable;
    },
  };
}

interface Attempt {
  readonly action: 'list' | 'get';
  readonly bucket: string;
  readonly key: string;
  readonly config: EventsConfig;
}

async function send<T>(call: () => Promise<T>, attempt: Attempt): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreError(describeFailure(error, attempt), {cause: error});
  }
}

interface SdkError {
  name?: string;
  message?: string;
  Code?: string;
  $metadata?: {httpStatusCode?: number};
  $response?: {headers?: Record<string, string>};
}

/** One line that names the bucket or key, what was refused, and the permission or setting that fixes it. */
export function describeFailure(error: unknown, attempt: Attempt): string {
  const e = (error ?? {}) as SdkError;
  const code = e.Code ?? e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const target = `s3://${attempt.bucket}/${attempt.key}`;
  const rightRegion = e.$response?.headers?.['x-amz-bucket-region'];
  const message = (e.message ?? '').replace(/\s+/g, ' ').slice(0, 300);
  if (
    rightRegion &&
    (status === 301 || code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed')
  ) {
    return `bucket ${attempt.bucket} is in region ${rightRegion}, not ${attempt.config.events_aws_region ?? 'us-east-1'}; set events_aws_region to ${rightRegion}`;
  }
  if (code === 'NoSuchBucket') {
    return `bucket ${attempt.bucket} does not exist (or not at this endpoint); check events_s3_bucket${attempt.config.events_s3_endpoint ? ' and events_s3_endpoint' : ''}`;
  }
  if (code === 'NoSuchKey') return `${target} is gone (deleted after it was listed)`;
  if (/kms/i.test(`${code} ${message}`)) {
    return `${target}: access denied by KMS; the credentials need kms:Decrypt on the bucket's encryption key (${code})`;
  }
  if (code === 'AccessDenied' || status === 403) {
    return attempt.action === 'list'
      ? `access denied listing ${target}; the credentials need s3:ListBucket on arn:aws:s3:::${attempt.bucket} (for the prefix ${attempt.key || '(root)'})`
      : `access denied reading ${target}; the credentials need s3:GetObject on arn:aws:s3:::${attempt.bucket}/${attempt.config.events_s3_prefix}segment-logs/*`;
  }
  if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'ExpiredToken') {
    return `${target}: S3 rejected the credentials (${code}); check events_aws_access_key_id, events_aws_secret_access_key and events_aws_session_token`;
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `no AWS credentials for ${target}: set events_aws_access_key_id and events_aws_secret_access_key, or give the default chain some (AWS_PROFILE, AWS_ACCESS_KEY_ID, an instance or container role)`;
  }
  if (code === 'TimeoutError' || code === 'AbortError')
    return `${target}: S3 did not answer in time (${code})`;
  return `${target}: ${attempt.action === 'list' ? 'ListObjectsV2' : 'GetObject'} failed: ${code}${status ? ` (HTTP ${status})` : ''}${message && message !== code ? `: ${message}` : ''}`;
}

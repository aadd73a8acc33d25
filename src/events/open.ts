// The configured archive: a bucket (S3 or S3-compatible) or a local directory, behind one FileStore.
import type {Config} from '../config/settings.js';
import {archiveRoot} from './listing.js';
import {createLocalStore, type FileStore} from './store.js';

/**
 * The AWS SDK is loaded on the first S3 call, not at start-up: it costs about 100 ms, and
 * --discover, --about and runs of a local directory or the Public API never need it.
 */
export function openArchive(config: Config): FileStore {
  if (config.events_local_dir) return createLocalStore(config.events_local_dir);
  const bucket = config.events_s3_bucket;
  if (!bucket) throw new Error('openArchive: neither events_s3_bucket nor events_local_dir is set');
  let store: Promise<FileStore> | undefined;
  const s3 = (): Promise<FileStore> =>
    (store ??= import('./s3-store.js').then(({createS3Store}) =>
      createS3Store({
        bucket,
        config,
        maxAttempts: config.max_retries + 1,
        timeoutMs: config.request_timeout * 1000,
      }),
    ));
  return {
    where: `s3://${bucket}/${archiveRoot(config.events_s3_prefix).replace(/segment-logs\/$/, '')}`,
    async *list(prefix, options) {
      yield* (await s3()).list(prefix, options);
    },
    open: async (key, signal) => (await s3()).open(key, signal),
  };
}

// The configured archive: a bucket (S3 or S3-compatible) or a local directory, behind one FileStore.
import type {Config} from '../config/settings.js';
import {createS3Store} from './s3-store.js';
import {createLocalStore, type FileStore} from './store.js';

export function openArchive(config: Config): FileStore {
  if (config.events_local_dir) return createLocalStore(config.events_local_dir);
  if (!config.events_s3_bucket)
    throw new Error('openArchive: neither events_s3_bucket nor events_local_dir is set');
  return createS3Store({
    bucket: config.events_s3_bucket,
    config,
    maxAttempts: config.max_retries + 1,
    timeoutMs: config.request_timeout * 1000,
  });
}

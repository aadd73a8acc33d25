// The event archive's settings (events_*): where the archive is, how to reach it, and how much of it to read.
import type {Setting} from '../config/settings.js';

export interface EventsConfig {
  events_s3_bucket?: string;
  events_s3_prefix: string;
  events_local_dir?: string;
  events_source_ids?: string;
  events_start_date?: string;
  events_lookback_hours: number;
  events_settle_seconds: number;
  events_aws_region?: string;
  events_aws_access_key_id?: string;
  events_aws_secret_access_key?: string;
  events_aws_session_token?: string;
  events_aws_role_arn?: string;
  events_aws_external_id?: string;
  events_s3_endpoint?: string;
  events_s3_force_path_style: boolean;
  events_max_parallel_files: number;
  events_max_line_bytes: number;
  events_shard?: string;
  events_track_tables: boolean;
  events_discovery_files: number;
  events_discovery_lines: number;
}

export const EVENTS_SETTINGS: Record<keyof EventsConfig, Setting> = {
  events_s3_bucket: {
    type: 'string',
    title: 'Events S3 Bucket',
    description:
      "Bucket of Segment's AWS S3 destination (the archive of raw events); setting it turns the event_* streams on.",
  },
  events_s3_prefix: {
    type: 'string',
    title: 'Events S3 Prefix',
    description:
      'Path inside the bucket before segment-logs/ (Segment\'s "bucket/path/prefix" writes path/prefix/segment-logs/…); empty by default.',
    default: '',
  },
  events_local_dir: {
    type: 'string',
    title: 'Events Local Directory',
    description:
      'Instead of a bucket: a directory holding segment-logs/<source-id>/<day-ms>/*.gz (an aws s3 sync copy, say).',
  },
  events_source_ids: {
    type: 'string',
    title: 'Events Source IDs',
    description:
      'Comma-separated Segment source IDs to read; default: every source folder under segment-logs/.',
  },
  events_start_date: {
    type: 'string',
    title: 'Events Start Date',
    description: "Day folders before this date's UTC day are not read; default start_date, else every day.",
    format: 'date-time',
  },
  events_lookback_hours: {
    type: 'integer',
    title: 'Events Look-back Hours',
    description:
      'Files modified this long before the bookmark are listed again and read if their (key, ETag) is new: late and re-written files.',
    default: 72,
    minimum: 1,
    maximum: 2160,
  },
  events_settle_seconds: {
    type: 'integer',
    title: 'Events Settle Seconds',
    description:
      'Files modified this close to the run start wait for the next run (S3 listings can lag behind uploads).',
    default: 300,
    minimum: 0,
    maximum: 86400,
  },
  events_aws_region: {
    type: 'string',
    title: 'Events AWS Region',
    description:
      "The bucket's region (e.g. us-west-2). Unset: us-east-1, then the bucket's own region is followed; set wrongly: the run stops naming the right one.",
  },
  events_aws_access_key_id: {
    type: 'string',
    title: 'Events AWS Access Key ID',
    description:
      "Static AWS key; without it the SDK's default chain (env, profile/SSO, container, instance role).",
    secret: true,
    writeOnly: true,
  },
  events_aws_secret_access_key: {
    type: 'string',
    title: 'Events AWS Secret Access Key',
    description: 'Secret of events_aws_access_key_id; never logged or echoed.',
    secret: true,
    writeOnly: true,
  },
  events_aws_session_token: {
    type: 'string',
    title: 'Events AWS Session Token',
    description: 'Session token of temporary static keys; never logged or echoed.',
    secret: true,
    writeOnly: true,
  },
  events_aws_role_arn: {
    type: 'string',
    title: 'Events AWS Role ARN',
    description: 'A role to assume (STS AssumeRole) with the credentials above or the default chain.',
  },
  events_aws_external_id: {
    type: 'string',
    title: 'Events AWS External ID',
    description: "The external ID the role's trust policy demands; never logged or echoed.",
    secret: true,
    writeOnly: true,
  },
  events_s3_endpoint: {
    type: 'string',
    title: 'Events S3 Endpoint',
    description: 'An S3-compatible endpoint URL (MinIO, Ceph, a VPC endpoint); default AWS.',
  },
  events_s3_force_path_style: {
    type: 'boolean',
    title: 'Events S3 Force Path Style',
    description: 'Address the bucket as endpoint/bucket/key, as most S3-compatible stores need.',
    default: false,
  },
  events_max_parallel_files: {
    type: 'integer',
    title: 'Events Max Parallel Files',
    description: 'Archive files downloaded at the same time (output order is kept).',
    default: 4,
    minimum: 1,
    maximum: 64,
  },
  events_max_line_bytes: {
    type: 'integer',
    title: 'Events Max Line Bytes',
    description: 'A longer line is skipped with a warning (Segment caps a message at 32 KB).',
    default: 1048576,
    minimum: 1024,
    maximum: 268435456,
  },
  events_track_tables: {
    type: 'boolean',
    title: 'Events Track Tables',
    description:
      'Also offer one stream per track event name (event_track_<slug>, properties as typed columns), found by --discover sampling the newest files.',
    default: false,
  },
  events_discovery_files: {
    type: 'integer',
    title: 'Events Discovery Files',
    description: 'With events_track_tables: the newest archive files --discover samples at most.',
    default: 5,
    minimum: 1,
    maximum: 1000,
  },
  events_discovery_lines: {
    type: 'integer',
    title: 'Events Discovery Lines',
    description: 'With events_track_tables: the lines --discover reads at most, over all sampled files.',
    default: 10000,
    minimum: 100,
    maximum: 10000000,
  },
  events_shard: {
    type: 'string',
    title: 'Events Shard',
    description:
      'i/n (e.g. 0/4): this process reads only the files whose key hashes to shard i of n; run n taps with their own state to split an archive.',
  },
};

/** A parsed `events_shard`: this process reads shard `index` of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  return {index: Number(match[1]), count: Number(match[2])};
}

/** The event archive is configured: by a bucket or a local directory. */
export function eventsConfigured(config: EventsConfig): boolean {
  return Boolean(config.events_s3_bucket || config.events_local_dir);
}

/** Mistakes ajv cannot see; each names the key and the fix. */
export function eventsConfigProblems(config: EventsConfig): string[] {
  const problems: string[] = [];
  if (config.events_s3_bucket && config.events_local_dir) {
    problems.push('events_s3_bucket and events_local_dir are exclusive; set one of them');
  }
  if (
    config.events_s3_bucket !== undefined &&
    !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.events_s3_bucket)
  ) {
    problems.push(
      `events_s3_bucket "${config.events_s3_bucket}" is not a bucket name; give the name only (no s3://, no path: the path goes to events_s3_prefix)`,
    );
  }
  if (config.events_shard !== undefined) {
    const shard = parseShard(config.events_shard);
    if (!shard || shard.count < 1 || shard.index >= shard.count) {
      problems.push(
        `events_shard must be i/n with 0 <= i < n, e.g. 0/4 (got ${JSON.stringify(config.events_shard)})`,
      );
    }
  }
  if (Boolean(config.events_aws_access_key_id) !== Boolean(config.events_aws_secret_access_key)) {
    problems.push(
      'events_aws_access_key_id and events_aws_secret_access_key go together; set both or neither',
    );
  }
  if (
    config.events_aws_role_arn !== undefined &&
    !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(config.events_aws_role_arn)
  ) {
    problems.push(
      `events_aws_role_arn "${config.events_aws_role_arn}" is not a role ARN (arn:aws:iam::<12-digit account>:role/<name>)`,
    );
  }
  if (config.events_s3_endpoint !== undefined && !/^https?:\/\/[^/]+/.test(config.events_s3_endpoint)) {
    problems.push(
      `events_s3_endpoint must be an http(s) URL (got ${JSON.stringify(config.events_s3_endpoint)})`,
    );
  }
  return problems;
}

// Test support for the event archive: a generated archive on disk, served by the fake S3, and the CLI's output read back.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import singer from 'singer-node';
import {type ArchiveFileInfo, type ArchiveOptions, writeArchive} from '../../dev/events/archive.js';
import {type FakeS3, startFakeS3} from '../../dev/s3/server.js';
import {STREAM_OF_TYPE} from '../../src/events/streams.js';
import type {CliResult} from './cli.js';

export const BUCKET = 'acme-segment-archive';
export const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const AWS_SESSION = 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789';

export interface Archive {
  dir: string;
  files: ArchiveFileInfo[];
  s3: FakeS3;
}

export async function startArchive(
  options: Omit<ArchiveOptions, 'dir'>,
  s3: {maxKeys?: number; region?: string} = {},
): Promise<Archive> {
  const dir = mkdtempSync(join(tmpdir(), 'tap-segment-archive-'));
  const files = writeArchive({...options, dir});
  return {dir, files, s3: await startFakeS3({dir, bucket: BUCKET, ...s3})};
}

/** A config reading the archive through the fake S3 with static keys (no api_token). */
export function s3Config(archive: Archive, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    events_s3_bucket: BUCKET,
    events_s3_endpoint: archive.s3.url,
    events_s3_force_path_style: true,
    events_aws_region: 'us-east-1',
    events_aws_access_key_id: AWS_KEY_ID,
    events_aws_secret_access_key: AWS_SECRET,
    events_aws_session_token: AWS_SESSION,
    max_retries: 1,
    ...extra,
  };
}

export interface Output {
  records: Map<string, Record<string, unknown>[]>;
  states: Record<string, unknown>[];
  lastState: Record<string, unknown>;
}

/** Parses every stdout line with singer-node (an independent Singer parser) and groups the records. */
export function readOutput(result: CliResult): Output {
  const records = new Map<string, Record<string, unknown>[]>();
  const states: Record<string, unknown>[] = [];
  for (const line of result.stdout.split('\n').filter(Boolean)) {
    singer.parse_message(line);
    const message = JSON.parse(line);
    if (message.type === 'RECORD') {
      const list = records.get(message.stream) ?? [];
      list.push(message.record);
      records.set(message.stream, list);
    }
    if (message.type === 'STATE') states.push(message.value);
  }
  return {records, states, lastState: states.at(-1) ?? {}};
}

export function ids(output: Output, stream: string): string[] {
  return (output.records.get(stream) ?? []).map((r) => String(r.message_id));
}

/** Message ids per stream that the given files hold. */
export function truth(files: readonly ArchiveFileInfo[]): Map<string, string[]> {
  const out = new Map<string, string[]>(Object.values(STREAM_OF_TYPE).map((s) => [s, []]));
  for (const file of files) {
    for (const m of file.messages) out.get(STREAM_OF_TYPE[m.type] as string)?.push(m.messageId);
  }
  return out;
}

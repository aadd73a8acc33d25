// Writes schemas/event_*.json from the column tables in src/events/streams.ts; `tsx dev/events/schemas.ts`.
import {writeFileSync} from 'node:fs';
import {
  COLUMN_KINDS,
  columnsOf,
  STREAM_OF_TYPE,
  USER_COLUMNS,
  USERS_STREAM,
} from '../../src/events/streams.js';

const DESCRIPTIONS: Record<string, string> = {
  message_id:
    'messageId: unique per message; the key (Segment removes most duplicates, the S3 archive does not).',
  type: 'The call type (track, identify, page, screen, group, alias).',
  user_id: 'userId: your id for the user, if known.',
  anonymous_id: 'anonymousId: the device or cookie id.',
  timestamp: 'When the event happened (receivedAt corrected for client clock skew); use it for chronology.',
  original_timestamp: 'originalTimestamp: the client clock when the event happened.',
  sent_at: 'sentAt: the client clock when the event was sent.',
  received_at: "receivedAt: Segment's clock on receipt (not chronological).",
  channel: 'channel: server, browser, mobile.',
  version: 'version of the message format (a number or a string in the wild; always a string here).',
  project_id: 'projectId: the source id that received the message.',
  context: 'context: library, page, userAgent, ip, device, os, campaign, traits … (writeKey redacted).',
  integrations: 'integrations: which destinations the message was meant for (ignored by the archive).',
  event: 'event: the track event name, as sent.',
  name: 'name of the page or screen.',
  category: 'category of the page or screen.',
  group_id: 'groupId: the account or organisation.',
  previous_id: 'previousId: the id being aliased to userId.',
  properties: 'properties of the track, page or screen call.',
  traits: 'traits of the user (identify) or group (group).',
  _sdc_source_id: 'The Segment source id: the archive folder segment-logs/<source-id>/.',
  _sdc_s3_key:
    'The archive object the line was read from (bucket-relative key, or path under events_local_dir).',
  _sdc_line: 'The 1-based line of the message in its (decompressed) object.',
  _sdc_last_modified: "The object's LastModified: the replication key.",
  _sdc_extra:
    'Top-level keys the tap has no column for (and known keys of an unexpected type), as sent; writeKey redacted.',
  identifies: 'How many identify calls of this run were merged into this row.',
};

const TYPES: Record<string, unknown> = {
  string: {type: ['null', 'string']},
  'date-time': {type: ['null', 'string'], format: 'date-time'},
  object: {type: ['null', 'object'], additionalProperties: true},
};

function column(name: string): Record<string, unknown> {
  const kind = COLUMN_KINDS[name];
  let type: Record<string, unknown>;
  if (kind) type = {...(TYPES[kind] as object)};
  else if (name === '_sdc_line' || name === 'identifies') type = {type: ['null', 'integer']};
  // The replication key is always set; every other non-key column is nullable, as targets want.
  else if (name === '_sdc_last_modified') type = {type: 'string', format: 'date-time'};
  else if (name === '_sdc_extra') type = {type: ['null', 'object'], additionalProperties: true};
  else type = {type: ['null', 'string']};
  return {...type, description: DESCRIPTIONS[name] ?? name};
}

function write(stream: string, description: string, columns: readonly string[], keys: string[]): void {
  const properties = Object.fromEntries(columns.map((c) => [c, column(c)]));
  for (const key of keys) (properties[key] as Record<string, unknown>).type = 'string';
  const schema = {type: 'object', description, properties};
  writeFileSync(
    new URL(`../../schemas/${stream}.json`, import.meta.url),
    `${JSON.stringify(schema, null, 2)}\n`,
  );
}

for (const [type, stream] of Object.entries(STREAM_OF_TYPE)) {
  write(
    stream,
    `Segment ${type} calls from the S3 archive (segment-logs/<source-id>/<day>/*.gz), one record per message.`,
    columnsOf(type),
    ['message_id'],
  );
}
write(
  USERS_STREAM,
  'The latest traits per userId from the identify calls read in this run, merged in timestamp order.',
  USER_COLUMNS,
  ['user_id'],
);

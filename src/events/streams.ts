// The event_* streams: one per Segment call type plus event_users, their columns, and where each column comes from.
import type {StreamSpec} from '../singer/catalog.js';

/** The archive position columns every event record carries. */
export const POSITION_COLUMNS = ['_sdc_source_id', '_sdc_s3_key', '_sdc_line', '_sdc_last_modified'] as const;
export const REPLICATION_KEY = '_sdc_last_modified';
/** Unknown top-level keys (and known ones of the wrong type) land here, so nothing is lost. */
export const EXTRA_COLUMN = '_sdc_extra';

/** Segment's top-level message keys → snake_case columns, shared by every call type. */
export const COMMON_FIELDS: Readonly<Record<string, string>> = {
  messageId: 'message_id',
  type: 'type',
  userId: 'user_id',
  anonymousId: 'anonymous_id',
  timestamp: 'timestamp',
  originalTimestamp: 'original_timestamp',
  sentAt: 'sent_at',
  receivedAt: 'received_at',
  channel: 'channel',
  version: 'version',
  projectId: 'project_id',
  context: 'context',
  integrations: 'integrations',
};

/** What each call type adds to the common fields. */
export const TYPE_FIELDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  track: {event: 'event', properties: 'properties'},
  identify: {traits: 'traits'},
  page: {name: 'name', category: 'category', properties: 'properties'},
  screen: {name: 'name', category: 'category', properties: 'properties'},
  group: {groupId: 'group_id', traits: 'traits'},
  alias: {previousId: 'previous_id'},
};

/** Column → JSON type family, for the columns whose values the tap checks and coerces. */
export const COLUMN_KINDS: Readonly<Record<string, 'string' | 'date-time' | 'object'>> = {
  message_id: 'string',
  type: 'string',
  user_id: 'string',
  anonymous_id: 'string',
  timestamp: 'date-time',
  original_timestamp: 'date-time',
  sent_at: 'date-time',
  received_at: 'date-time',
  channel: 'string',
  version: 'string',
  project_id: 'string',
  context: 'object',
  integrations: 'object',
  event: 'string',
  name: 'string',
  category: 'string',
  group_id: 'string',
  previous_id: 'string',
  properties: 'object',
  traits: 'object',
};

/** Call type → stream name; `event_` keeps them apart from the Public API's users and groups. */
export const STREAM_OF_TYPE: Readonly<Record<string, string>> = {
  track: 'event_tracks',
  identify: 'event_identifies',
  page: 'event_pages',
  screen: 'event_screens',
  group: 'event_groups',
  alias: 'event_aliases',
};

export const USERS_STREAM = 'event_users';

export const streams: readonly StreamSpec[] = [
  ...Object.values(STREAM_OF_TYPE).map((name) => ({
    name,
    keyProperties: ['message_id'],
    replicationKey: REPLICATION_KEY,
  })),
  {name: USERS_STREAM, keyProperties: ['user_id'], replicationKey: REPLICATION_KEY},
];

/** The columns of a call type's stream, in schema order. */
export function columnsOf(type: string): string[] {
  return [
    ...Object.values(COMMON_FIELDS),
    ...Object.values(TYPE_FIELDS[type] ?? {}),
    ...POSITION_COLUMNS,
    EXTRA_COLUMN,
  ];
}

export const USER_COLUMNS = [
  'user_id',
  'anonymous_id',
  'traits',
  'timestamp',
  'received_at',
  'message_id',
  'identifies',
  '_sdc_source_id',
  '_sdc_last_modified',
] as const;

// --about output in the Meltano SDK shapes: JSON, Markdown, and plain text.

import {CONFIG_SCHEMA, SETTINGS} from '../config/settings.js';
import {envName} from '../config/sources.js';
import {DESCRIPTION, NAME, VERSION} from '../shared/version.js';
import {discover} from '../singer/catalog.js';
import {ALL_STREAMS} from './sources.js';

export const CAPABILITIES = [
  'about',
  'catalog',
  'discover',
  'state',
  'test',
  'schema-flattening',
  'activate-version',
  'structured-logging',
];

/** What turns each source on: the setting it needs, and the streams it reads. */
export const SOURCE_REQUIREMENTS = [
  {setting: 'api_token', needed: 'for the Public API streams'},
  {setting: 'events_s3_bucket', needed: 'for the event_* streams (or events_local_dir)'},
  {setting: 'events_local_dir', needed: 'for the event_* streams (or events_s3_bucket)'},
] as const;

const requirementOf = (key: string): string =>
  SOURCE_REQUIREMENTS.find((r) => r.setting === key)?.needed ?? 'False';

export function aboutJson(): Record<string, unknown> {
  return {
    name: NAME,
    description: DESCRIPTION,
    version: VERSION,
    sdk_version: null,
    supported_python_versions: null,
    capabilities: CAPABILITIES,
    // No one setting is required: each source needs its own (see SOURCE_REQUIREMENTS).
    settings: {
      ...CONFIG_SCHEMA,
      required: [],
      anyOf: SOURCE_REQUIREMENTS.map((r) => ({required: [r.setting]})),
    },
    streams: discover(ALL_STREAMS).streams.map((s) => ({
      name: s.stream,
      key_properties: s.key_properties,
      replication_method: s.replication_method,
      ...(s.replication_key ? {replication_key: s.replication_key} : {}),
    })),
  };
}

export function aboutMarkdown(): string {
  const rows = Object.entries(SETTINGS).map(
    ([key, s]) =>
      `| ${key} | ${requirementOf(key)} | ${s.default ?? 'None'} | ${s.description.replace(/\|/g, '\\|')} |`,
  );
  return [
    `# \`${NAME}\``,
    '',
    DESCRIPTION,
    '',
    '## Capabilities',
    '',
    ...CAPABILITIES.map((c) => `* \`${c}\``),
    '',
    '## Settings',
    '',
    '| Setting | Required | Default | Description |',
    '|:--------|:--------:|:-------:|:------------|',
    ...rows,
    '',
    `A full list of supported settings and capabilities is available by running: \`${NAME} --about\``,
    '',
  ].join('\n');
}

export function aboutText(): string {
  return [
    `Name: ${NAME}`,
    `Description: ${DESCRIPTION}`,
    `Version: ${VERSION}`,
    'SDK Version: none (TypeScript)',
    'Capabilities:',
    ...CAPABILITIES.map((c) => `  - ${c}`),
    'Settings (api_token for the Public API streams; events_s3_bucket or events_local_dir for event_*):',
    ...Object.entries(SETTINGS).map(
      ([key, s]) => `  - Name: ${key}\n    Type: ${s.type}\n    Environment Variable: ${envName(key)}`,
    ),
    '',
  ].join('\n');
}

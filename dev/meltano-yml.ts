// Renders meltano.yml (tap-segment as a custom extractor) from the tap's own settings; `npm run meltano-yml` rewrites it.
import {writeFileSync} from 'node:fs';
import {CAPABILITIES} from '../src/commands/about.js';
import {SETTINGS} from '../src/config/settings.js';

/** Choices Meltano offers for settings with an enum (aliases left out). */
const OPTIONS: Record<string, {label: string; value: string}[]> = {
  region: [
    {label: 'US (api.segmentapis.com)', value: 'us'},
    {label: 'EU (eu1.api.segmentapis.com)', value: 'eu'},
  ],
  metrics_log_level: ['debug', 'info', 'warning', 'error', 'none'].map((value) => ({
    label: value.toUpperCase(),
    value,
  })),
};

function settingLines(name: string): string[] {
  const setting = SETTINGS[name as keyof typeof SETTINGS];
  const lines = [
    `    - name: ${name}`,
    `      label: ${setting.title}`,
    `      description: ${JSON.stringify(setting.description)}`,
  ];
  if (setting.secret) lines.push('      kind: string', '      sensitive: true');
  else if (OPTIONS[name]) {
    lines.push('      kind: options', '      options:');
    for (const option of OPTIONS[name])
      lines.push(`      - label: ${option.label}`, `        value: ${option.value}`);
  } else if (setting.format === 'date-time') lines.push('      kind: date_iso8601');
  else lines.push(`      kind: ${setting.type}`);
  if (setting.default !== undefined) lines.push(`      value: ${JSON.stringify(setting.default)}`);
  return lines;
}

export function renderMeltanoYml(): string {
  return [
    "# A Meltano project with tap-segment as a custom extractor. Generated from the tap's settings by",
    '# `npm run meltano-yml`; a test keeps it in step. Install the tap first (see README, "Meltano").',
    'version: 1',
    'default_environment: dev',
    'environments:',
    '- name: dev',
    'plugins:',
    '  extractors:',
    '  - name: tap-segment',
    '    namespace: tap_segment',
    '    # A program name (found on PATH after `npm install -g tap-segment`) or a project path such as',
    '    # node_modules/.bin/tap-segment; an `npx` command line does not work here.',
    '    executable: tap-segment',
    '    capabilities:',
    ...CAPABILITIES.map((c) => `    - ${c}`),
    '    settings:',
    ...Object.keys(SETTINGS).flatMap(settingLines),
    '    settings_group_validation:',
    '    - [api_token]',
    '    - [events_s3_bucket]',
    '    - [events_local_dir]',
    '    config:',
    '      region: us',
    '      start_date: "2025-01-01"',
    '    select:',
    '    - "*.*"',
    '  loaders:',
    '  - name: target-jsonl',
    '    variant: andyh1203',
    '    pip_url: target-jsonl',
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../meltano.yml', import.meta.url), renderMeltanoYml());
}

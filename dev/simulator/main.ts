// CLI: start the simulator on fixed ports and print the US URL, EU URL and tokens until SIGINT.

import {parseArgs} from 'node:util';
import {GROUP_BY_FORMS} from './dialect.js';
import {FAULT_KINDS, type FaultKind, parseRateLimit} from './faults.js';
import {startSimulator} from './server.js';

const help = `Usage: tsx dev/simulator/main.ts [options]

  --port N            US port (default 4010); the EU port is N+1 unless --eu-port is given
  --eu-port N         EU port
  --scale N           workspace size multiplier (default 1; 1000 gives 1,000,000 audit events)
  --seed N            seed for the generated workspaces (default 1)
  --anchor ISO        fix the anchor time (default: now, truncated to the hour)
  --rate-limit L/W    per-token limit, e.g. 50/10s or 600/1m (default: effectively unlimited)
  --fault-rate R      share of requests (0..1) that fail
  --fault-kinds K,..  among ${FAULT_KINDS.join(',')} (default: all)
  --slow-ms N         body delay of the 'slow' fault (default 2000)
  --latency N         delay in ms before every answer
  --forbid P,..       path prefixes answered with 403, e.g. audit-events,spaces
  --not-found P,..    path prefixes answered with 404
  --pagination-form F dot (default) or bracket: only pagination[count] / pagination[cursor] work
  --form-rejection S  what a rejected pagination form gets: 422 (default) or 400 "Validation failure"
  --group-by-form F   the /events/volume groupBy form understood: ${GROUP_BY_FORMS.join(', ')} (default comma)
  --list-fields L     contract (default), slim (/users without permissions) or full (/functions with code, settings, …)
  --keyless-function  /functions?resourceType=SOURCE also lists a function without an id
  --fractional        number fields (memberCount, periodStart/End, volume counts, batchMaxCount) get fractions
  --token T, --eu-token T   fixed tokens
`;

const list = (text: string | undefined) =>
  text
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
const num = (text: string | undefined) => (text === undefined ? undefined : Number(text));

function oneOf<T>(value: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new Error(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      port: {type: 'string', default: '4010'},
      'eu-port': {type: 'string'},
      scale: {type: 'string'},
      seed: {type: 'string'},
      anchor: {type: 'string'},
      'rate-limit': {type: 'string'},
      'fault-rate': {type: 'string'},
      'fault-kinds': {type: 'string'},
      'slow-ms': {type: 'string'},
      latency: {type: 'string'},
      forbid: {type: 'string'},
      'not-found': {type: 'string'},
      'pagination-form': {type: 'string'},
      'form-rejection': {type: 'string'},
      'group-by-form': {type: 'string'},
      'list-fields': {type: 'string'},
      'keyless-function': {type: 'boolean'},
      fractional: {type: 'boolean'},
      token: {type: 'string'},
      'eu-token': {type: 'string'},
      help: {type: 'boolean'},
    },
  });
  if (values.help) {
    process.stdout.write(help);
    return;
  }
  const port = Number(values.port);
  const faultRate = num(values['fault-rate']);
  const sim = await startSimulator({
    port,
    euPort: num(values['eu-port']) ?? port + 1,
    scale: num(values.scale),
    seed: num(values.seed),
    anchor: values.anchor,
    token: values.token,
    euToken: values['eu-token'],
    rateLimit: values['rate-limit'] ? parseRateLimit(values['rate-limit']) : undefined,
    // The documented per-endpoint limits, so a tap's pacing meets them here first.
    endpointLimits: {
      '/events/volume': {limit: 60, windowMs: 60_000},
      '/tracking-plans/{id}/rules': {limit: 200, windowMs: 60_000},
      '/warehouses/{id}/syncs': {limit: 2, windowMs: 60_000},
    },
    faults: faultRate
      ? {rate: faultRate, kinds: (list(values['fault-kinds']) as FaultKind[] | undefined) ?? FAULT_KINDS}
      : undefined,
    slowMs: num(values['slow-ms']),
    latencyMs: num(values.latency),
    forbidden: list(values.forbid),
    notFound: list(values['not-found']),
    paginationForm: oneOf(values['pagination-form'], ['dot', 'bracket'] as const, '--pagination-form'),
    formRejection: oneOf(num(values['form-rejection']), [400, 422] as const, '--form-rejection'),
    groupByForm: oneOf(values['group-by-form'], GROUP_BY_FORMS, '--group-by-form'),
    listFields: oneOf(values['list-fields'], ['contract', 'slim', 'full'] as const, '--list-fields'),
    keylessFunction: values['keyless-function'],
    fractional: values.fractional,
  });
  process.stdout.write(
    `US  ${sim.url}\nEU  ${sim.euUrl}\ntoken     ${sim.token}\neu token  ${sim.euToken}\n`,
  );
  process.once('SIGINT', () => {
    sim.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

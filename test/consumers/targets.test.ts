// The tap's real output through real consumers: pipelinewise-target-postgres into PostgreSQL, singer-check-tap, target-csv.
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {expect} from 'chai';
import {message, writeObject} from '../../dev/events/archive.js';
import {type Simulator, startSimulator} from '../../dev/simulator/server.js';
import type {SwitchInput} from '../../dev/simulator/switches.js';
import {streams as eventStreams} from '../../src/events/streams.js';
import {type StreamDef, streams} from '../../src/public-api/streams.js';
import {type Archive, readOutput, s3Config, startArchive} from '../support/archive.js';
import {runCli, tempFiles} from '../support/cli.js';
import {
  checkTap,
  consumersMissing,
  csvFacts,
  type Postgres,
  postgresConfig,
  startPostgres,
  stopPostgres,
  tableFacts,
  targetCsv,
  targetPostgres,
} from '../support/consumers.js';

const SCALE = 2;
/** Seeds whose workspaces hold COMMON rules, null objects, empty lists, alpha and child records (asserted below). */
const SEEDS = [1, 7];

interface Case {
  seed: number;
  label: string;
  /** Simulator switches: the API variants whose documented fallbacks must load too. */
  switches?: SwitchInput;
}

const CASES: Case[] = [
  ...SEEDS.map((seed) => ({seed, label: `seed ${seed}`})),
  {
    seed: 1,
    label: 'seed 1, every API variant',
    // "(workspace)" event volume keys, fractional numbers, users' permissions and functions' code
    // from their detail reads, a skipped keyless function, bracket pagination.
    switches: {
      paginationForm: 'bracket',
      groupByForm: 'none',
      listFields: 'slim',
      keylessFunction: true,
      fractional: true,
    },
  },
];

interface Output {
  file: string;
  /** Distinct key tuples (JSON) per stream. */
  keys: Map<string, Set<string>>;
  records: Map<string, Record<string, unknown>[]>;
}

const defOf = (name: string) => streams.find((s) => s.name === name) as StreamDef;

/** Runs a sync of every stream into `file` and indexes what it emitted. */
async function sync(
  sim: Simulator,
  dir: string,
  name: string,
  extra: Record<string, unknown> = {},
  state?: string,
) {
  const config = join(dir, `${name}.config.json`);
  const start = new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10);
  // The defaults, except rate limits the loopback simulator does not hold the tap to (the 2/min of
  // warehouse_syncs would add a minute to every run for its 4 warehouses).
  writeFileSync(
    config,
    JSON.stringify({
      api_token: sim.token,
      base_url: sim.url,
      start_date: start,
      requests_per_minute: 100000,
      endpoint_requests_per_minute: 'warehouse_syncs=1000',
      ...extra,
    }),
  );
  const args = ['--config', config, ...(state ? ['--state', state] : [])];
  const result = await runCli(args, {timeoutMs: 180_000});
  expect(result.code, result.stderr.slice(-2000)).to.equal(0);
  const file = join(dir, `${name}.singer.jsonl`);
  writeFileSync(file, result.stdout);
  const output: Output = {file, keys: new Map(), records: new Map()};
  for (const line of result.stdout.split('\n')) {
    if (!line) continue;
    const message = JSON.parse(line) as {type: string; stream: string; record: Record<string, unknown>};
    if (message.type !== 'RECORD') continue;
    const def = defOf(message.stream);
    const list = output.records.get(def.name) ?? [];
    list.push(message.record);
    output.records.set(def.name, list);
    const keys = output.keys.get(def.name) ?? new Set();
    keys.add(JSON.stringify(def.keyProperties.map((k) => message.record[k])));
    output.keys.set(def.name, keys);
  }
  return output;
}

const lastJsonLine = (text: string) => text.trim().split('\n').filter(Boolean).at(-1) as string;

function union(...outputs: Output[]): Map<string, Set<string>> {
  const all = new Map<string, Set<string>>();
  for (const output of outputs)
    for (const [stream, keys] of output.keys) all.set(stream, new Set([...(all.get(stream) ?? []), ...keys]));
  return all;
}

/** Asserts every stream's table holds one row per distinct key tuple and no NULL key. */
async function expectLoaded(pg: Postgres, schema: string, expected: Map<string, Set<string>>) {
  const keys = Object.fromEntries(streams.map((def) => [def.name, def.keyProperties]));
  const {facts} = await tableFacts(pg, schema, keys);
  for (const def of streams) {
    const want = expected.get(def.name)?.size ?? 0;
    if (want === 0) {
      if (facts[def.name]) expect(facts[def.name]?.rows, def.name).to.equal(0);
      continue;
    }
    expect(facts[def.name], `table ${def.name}`).to.not.equal(undefined);
    expect(facts[def.name]?.rows, `rows of ${def.name}`).to.equal(want);
    for (const [column, nulls] of Object.entries(facts[def.name]?.nullKeys ?? {}))
      expect(nulls, `NULL ${def.name}.${column}`).to.equal(0);
  }
  return facts;
}

describe('real Singer consumers, full sync of the simulated workspace', function () {
  this.timeout(900_000);
  let pg: Postgres | undefined;

  before(async function () {
    const missing = consumersMissing();
    if (missing) {
      // CI must run them; elsewhere say why in one line (the summary counts it as skipped).
      if (process.env.CI) throw new Error(`CI needs the real consumers: ${missing}`);
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    pg = await startPostgres();
  });

  after(async () => {
    if (pg) await stopPostgres();
  });

  for (const {seed, label, switches} of CASES) {
    describe(`${label}, scale ${SCALE}`, () => {
      let sim: Simulator;
      let dir: string;
      let first: Output;

      before(async () => {
        sim = await startSimulator({seed, scale: SCALE, ...switches});
        dir = tempFiles({}).dir as string;
        first = await sync(sim, dir, 'first');
      });

      after(async () => sim?.close());

      it('covers COMMON rules, null objects, empty lists, alpha streams and every child stream', () => {
        const rules = first.records.get('tracking_plan_rules') ?? [];
        expect(rules.some((r) => r.type === 'COMMON')).to.equal(true);
        const all = [...first.records.values()].flat();
        expect(all.some((r) => Object.values(r).some((v) => v === null))).to.equal(true);
        expect(all.some((r) => Object.values(r).some((v) => Array.isArray(v) && v.length === 0))).to.equal(
          true,
        );
        for (const def of streams.filter((s) => s.accept === 'v1alpha' || s.parent))
          expect(first.records.get(def.name)?.length ?? 0, def.name).to.be.greaterThan(0);
        const functions = first.records.get('functions') ?? [];
        expect(functions.length).to.be.greaterThan(0);
        for (const fn of functions) expect(fn.code, String(fn.id)).to.be.a('string');
        if (switches) {
          const volume = first.records.get('events_volume_daily') ?? [];
          expect(volume.length).to.be.greaterThan(0);
          expect(volume.every((r) => r.sourceId === '(workspace)')).to.equal(true);
          expect(
            (first.records.get('groups') ?? []).every((g) => (g.memberCount as number) % 1 !== 0),
          ).to.equal(true);
        }
      });

      it('singer-check-tap finds the output valid', async () => {
        const checked = await checkTap(first.file);
        expect(checked.code, checked.stderr.slice(-2000)).to.equal(0);
        expect(checked.stdout).to.include('The output is valid.');
        expect(checked.stdout).to.include(`for ${streams.length} streams`);
      });

      it('target-postgres loads every stream, one row per key, no NULL key; a rerun from its STATE loads again', async () => {
        if (!pg) throw new Error('no PostgreSQL');
        const schema = `tap_segment_seed${seed}${switches ? '_variants' : ''}_${process.pid}`;
        const config = join(dir, 'postgres.json');
        writeFileSync(config, JSON.stringify(postgresConfig(pg, schema)));
        const loaded = await targetPostgres(first.file, config);
        expect(loaded.code, loaded.stderr.slice(-3000)).to.equal(0);
        const facts = await expectLoaded(pg, schema, first.keys);
        console.log(
          `      ${label} postgres: ${Object.entries(facts)
            .map(([t, f]) => `${t} ${f.rows}`)
            .join(', ')}`,
        );

        const state = join(dir, 'state.json');
        writeFileSync(state, lastJsonLine(loaded.stdout));
        const second = await sync(sim, dir, 'second', {}, state);
        expect(second.records.get('audit_events')?.length ?? 0).to.be.lessThan(
          first.records.get('audit_events')?.length ?? 0,
        );
        const reloaded = await targetPostgres(second.file, config);
        expect(reloaded.code, reloaded.stderr.slice(-3000)).to.equal(0);
        await expectLoaded(pg, schema, union(first, second));
        const checked = await checkTap(second.file);
        expect(checked.code, checked.stdout + checked.stderr.slice(-2000)).to.equal(0);
      });

      it('target-csv with flattening_enabled writes one aligned CSV per stream', async () => {
        const flat = await sync(sim, dir, 'flat', {flattening_enabled: true});
        const out = join(dir, 'csv');
        mkdirSync(out);
        const config = join(dir, 'csv.json');
        writeFileSync(config, JSON.stringify({destination_path: out, disable_collection: true}));
        const written = await targetCsv(flat.file, config, dir);
        expect(written.code, written.stderr.slice(-3000)).to.equal(0);
        const files = await csvFacts(out);
        for (const [stream, records] of flat.records) {
          const mine = Object.entries(files).filter(([name]) => name.startsWith(`${stream}-`));
          expect(mine, `CSV files of ${stream}`).to.have.length(1);
          const [, facts] = mine[0] as [string, (typeof files)[string]];
          expect(facts.rows, `rows of ${stream}`).to.equal(records.length);
          expect(facts.misaligned, `misaligned rows of ${stream}`).to.deep.equal([]);
        }
        expect(Object.keys(files)).to.have.length(flat.records.size);
        if (seed === SEEDS[0] && !switches)
          console.log(
            `      seed ${seed} csv: ${Object.entries(files)
              .map(([f, x]) => `${f.replace(/-\d{8}T\d{6}\.csv$/, '')} ${x.rows}`)
              .join(', ')}`,
          );
      });
    });
  }

  describe('the event archive (loopback S3), every event stream', () => {
    let archive: Archive;
    let dir: string;
    let file: string;
    let records: Map<string, Record<string, unknown>[]>;

    before(async () => {
      const lastDay = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000;
      archive = await startArchive({seed: 3, sources: 2, days: 2, hours: 6, scale: 40, lastDay});
      // A replay: the same messages again in a later file, which the keyed targets must fold.
      const source = archive.files[0]?.sourceId as string;
      const replay = Array.from({length: 20}, (_, i) => JSON.stringify(message(3, source, i, lastDay)));
      writeObject(
        archive.dir,
        `segment-logs/${source}/${lastDay}/replay.gz`,
        gzipSync(replay.join('\n')),
        Date.now() - 3_600_000,
      );
      dir = tempFiles({}).dir as string;
      const files = tempFiles({'config.json': s3Config(archive)});
      const result = await runCli(['--config', files['config.json'] as string], {timeoutMs: 120_000});
      expect(result.code, result.stderr.slice(-2000)).to.equal(0);
      file = join(dir, 'events.singer.jsonl');
      writeFileSync(file, result.stdout);
      records = readOutput(result).records;
      for (const def of eventStreams) {
        for (const record of records.get(def.name) ?? [])
          for (const key of def.keyProperties)
            expect(record[key], `${def.name}.${key}`).to.be.a('string').and.not.equal('');
      }
    });

    after(async () => archive?.s3.close());

    const keysOf = (stream: string) => {
      const def = eventStreams.find((s) => s.name === stream);
      return new Set(
        (records.get(stream) ?? []).map((r) => JSON.stringify(def?.keyProperties.map((k) => r[k]))),
      );
    };

    it('singer-check-tap finds the event output valid', async () => {
      const checked = await checkTap(file);
      expect(checked.code, checked.stderr.slice(-2000)).to.equal(0);
      expect(checked.stdout).to.include('The output is valid.');
    });

    it('target-postgres loads every event stream, one row per key (the replay folded), no NULL key', async () => {
      if (!pg) throw new Error('no PostgreSQL');
      const schema = `tap_segment_events_${process.pid}`;
      const config = join(dir, 'postgres.json');
      writeFileSync(config, JSON.stringify(postgresConfig(pg, schema)));
      const loaded = await targetPostgres(file, config);
      expect(loaded.code, loaded.stderr.slice(-3000)).to.equal(0);
      const {facts} = await tableFacts(
        pg,
        schema,
        Object.fromEntries(eventStreams.map((d) => [d.name, d.keyProperties])),
      );
      for (const def of eventStreams) {
        expect(facts[def.name], `table ${def.name}`).to.not.equal(undefined);
        expect(facts[def.name]?.rows, `rows of ${def.name}`).to.equal(keysOf(def.name).size);
        for (const [column, nulls] of Object.entries(facts[def.name]?.nullKeys ?? {}))
          expect(nulls, `NULL ${def.name}.${column}`).to.equal(0);
      }
      const emitted = [...records.values()].flat().length;
      const rows = Object.values(facts).reduce((n, f) => n + f.rows, 0);
      expect(rows).to.be.lessThan(emitted);
      console.log(
        `      events postgres: ${Object.entries(facts)
          .map(([t, f]) => `${t} ${f.rows}`)
          .join(', ')} (${emitted} records emitted)`,
      );
    });

    it('target-csv with flattening_enabled writes one aligned CSV per event stream', async () => {
      const files = tempFiles({'config.json': s3Config(archive, {flattening_enabled: true})});
      const result = await runCli(['--config', files['config.json'] as string], {timeoutMs: 120_000});
      expect(result.code, result.stderr.slice(-2000)).to.equal(0);
      const flatFile = join(dir, 'events-flat.singer.jsonl');
      writeFileSync(flatFile, result.stdout);
      const flat = readOutput(result).records;
      const out = join(dir, 'events-csv');
      mkdirSync(out);
      const config = join(dir, 'events-csv.json');
      writeFileSync(config, JSON.stringify({destination_path: out, disable_collection: true}));
      const written = await targetCsv(flatFile, config, dir);
      expect(written.code, written.stderr.slice(-3000)).to.equal(0);
      const csv = await csvFacts(out);
      for (const [stream, list] of flat) {
        const mine = Object.entries(csv).filter(([name]) => name.startsWith(`${stream}-`));
        expect(mine, `CSV files of ${stream}`).to.have.length(1);
        const [, facts] = mine[0] as [string, (typeof csv)[string]];
        expect(facts.rows, `rows of ${stream}`).to.equal(list.length);
        expect(facts.misaligned, `misaligned rows of ${stream}`).to.deep.equal([]);
      }
      expect(Object.keys(csv)).to.have.length(eventStreams.length);
    });
  });
});

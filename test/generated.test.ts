// What `npm run build` generates (dist/generated/) is what the tap computes at run time: same validators, catalog, --about.
import {createRequire} from 'node:module';
import type {Ajv as AjvClass, ValidateFunction} from 'ajv';
import {expect} from 'chai';
import {aboutJson, aboutMarkdown, aboutText} from '../src/commands/about.js';
import {ALL_STREAMS} from '../src/commands/sources.js';
import {CONFIG_VALIDATOR_OPTIONS, configValidationSchema} from '../src/config/settings.js';
import {formats} from '../src/records/formats.js';
import {RECORD_VALIDATOR_OPTIONS, strictSchema} from '../src/records/schemas.js';
import {isObject, type JsonObject, type JsonValue} from '../src/shared/json.js';
import {discover, selectAll} from '../src/singer/catalog.js';

const {Ajv} = createRequire(import.meta.url)('ajv') as {Ajv: typeof AjvClass};
const generated = (name: string) => import(new URL(`../dist/generated/${name}.js`, import.meta.url).href);

/** Values of every JSON type, and strings that do and do not pass the formats. */
const VALUES: JsonValue[] = [
  null,
  0,
  1.5,
  -7,
  '',
  'x',
  '2024-02-30T25:00:00Z',
  '2024-01-01T00:00:00Z',
  '2024-01-01',
  true,
  {},
  [],
  {a: 1},
  ['x'],
];

/** Records that break each schema in every way a value can: each property set to each value, plus an unknown key. */
function probes(schema: JsonObject): JsonValue[] {
  const names = isObject(schema.properties) ? Object.keys(schema.properties) : [];
  return [
    {},
    {unknown_field: 1},
    ...VALUES.map((value) => ({
      ...Object.fromEntries(names.map((name) => [name, value])),
      unknown_field: value,
    })),
    ...VALUES.map((value) =>
      Object.fromEntries(
        names.map((name) => [name, isObject(value) ? {...value, deeper: {x: value}} : [value]]),
      ),
    ),
  ];
}

function outcome(validate: ValidateFunction, record: unknown) {
  const copy = structuredClone(record);
  const valid = validate(copy);
  return {valid, errors: validate.errors ?? null, after: copy};
}

describe('generated at build time (dist/generated)', function () {
  this.timeout(60_000);

  it('one record validator per stream, compiled from the very schema the run checks, with the same verdicts and errors as ajv', async () => {
    const ajv = new Ajv(RECORD_VALIDATOR_OPTIONS);
    for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
    const selections = selectAll(ALL_STREAMS);
    expect(selections.length).to.be.greaterThan(30);
    let invalid = 0;
    for (const {def, schema} of selections) {
      const strict = strictSchema(def, schema);
      const built = await generated(`validators/${def.name}`);
      expect(built.schema, def.name).to.equal(JSON.stringify(strict));
      const compiled = ajv.compile(strict);
      for (const record of probes(schema)) {
        const want = outcome(compiled, record);
        if (!want.valid) invalid++;
        expect(
          outcome(built.validate, record),
          `${def.name} ${JSON.stringify(record).slice(0, 80)}`,
        ).to.deep.equal(want);
      }
    }
    // The probes must reach the error paths, not only the happy one.
    expect(invalid).to.be.greaterThan(selections.length * 20);
  });

  it('the config validator: same defaults and the same errors', async () => {
    const schema = configValidationSchema();
    const built = await generated('config-validator');
    expect(built.schema).to.equal(JSON.stringify(schema));
    const compiled = new Ajv(CONFIG_VALIDATOR_OPTIONS).compile(schema);
    const configs = [
      {},
      {api_token: 'sgp_0123456789', page_size: 50},
      {page_size: 0, region: 'mars', strict_streams: 'yes', requests_per_minute: 1.5, unknown: 1},
      {max_retries: 51, backoff_base_ms: -1, flattening_max_depth: '2', metrics_log_level: 'loud'},
      {events_s3_bucket: 7, events_track_tables: 'true'},
    ];
    for (const config of configs) {
      expect(outcome(built.validate, config), JSON.stringify(config)).to.deep.equal(
        outcome(compiled, config),
      );
    }
    expect(outcome(built.validate, {}).after).to.have.property('page_size', 1000);
  });

  it('the fixed catalog is what discovery renders', async () => {
    const built = await generated('catalog');
    expect(built.text).to.equal(`${JSON.stringify(discover(ALL_STREAMS), null, 2)}\n`);
  });

  it("--about's three formats are what about renders", async () => {
    const built = await generated('about');
    expect(built.text).to.equal(aboutText());
    expect(built.json).to.equal(`${JSON.stringify(aboutJson(), null, 2)}\n`);
    expect(built.markdown).to.equal(aboutMarkdown());
  });
});

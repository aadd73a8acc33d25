// Discovery output, catalog.sample.json, and the metadata every Singer consumer reads.
import {readFileSync} from 'node:fs';
import {Ajv} from 'ajv';
import {expect} from 'chai';
import {ALL_STREAMS as streams} from '../src/commands/sources.js';
import {discover, selectStreams} from '../src/singer/catalog.js';

const sample = JSON.parse(readFileSync(new URL('../catalog.sample.json', import.meta.url), 'utf8'));

describe('catalog', () => {
  const catalog = discover(streams);

  it('equals catalog.sample.json once every stream is selected', () => {
    const selected = structuredClone(catalog) as typeof sample;
    for (const entry of selected.streams) entry.metadata[0].metadata.selected = true;
    expect(selected).to.deep.equal(sample);
  });

  it('never writes "selected" itself', () => {
    expect(JSON.stringify(catalog)).to.not.include('"selected"');
  });

  it('lists every registry stream with keys, replication metadata and a breadcrumb per property', () => {
    expect(catalog.streams.map((s) => s.tap_stream_id)).to.deep.equal(streams.map((s) => s.name));
    for (const entry of catalog.streams) {
      const root = entry.metadata.find((m) => m.breadcrumb.length === 0)?.metadata ?? {};
      expect(root['table-key-properties'], entry.stream).to.deep.equal(entry.key_properties);
      expect(root['forced-replication-method']).to.equal(entry.replication_method);
      expect(root['selected-by-default']).to.equal(true);
      const properties = Object.keys(entry.schema.properties as object);
      const breadcrumbs = entry.metadata.filter((m) => m.breadcrumb.length === 2).map((m) => m.breadcrumb[1]);
      expect(breadcrumbs).to.deep.equal(properties);
      for (const key of entry.key_properties)
        expect(properties, `${entry.stream} key ${key}`).to.include(key);
      const automatic = entry.metadata
        .filter((m) => m.metadata.inclusion === 'automatic')
        .map((m) => m.breadcrumb[1]);
      expect(automatic).to.have.members([
        ...new Set([...entry.key_properties, ...(entry.replication_key ? [entry.replication_key] : [])]),
      ]);
    }
  });

  it('has schemas every target accepts: a type on every property, no $ref, nullable non-keys, keys non-null', () => {
    const ajv = new Ajv({strict: false, validateFormats: false});
    for (const entry of catalog.streams) {
      expect(() => ajv.compile(entry.schema), entry.stream).to.not.throw();
      const walk = (node: Record<string, unknown>, path: string): void => {
        expect(node, path).to.have.property('type');
        expect(node, path).to.not.have.property('$ref');
        for (const [name, child] of Object.entries(
          (node.properties as Record<string, Record<string, unknown>>) ?? {},
        )) {
          walk(child, `${path}.${name}`);
        }
        if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`);
      };
      for (const [name, property] of Object.entries(
        entry.schema.properties as Record<string, Record<string, unknown>>,
      )) {
        walk(property, `${entry.stream}.${name}`);
        const types = [property.type].flat();
        if (entry.key_properties.includes(name))
          expect(types, `${entry.stream}.${name}`).to.not.include('null');
        else if (name !== entry.replication_key) expect(types, `${entry.stream}.${name}`).to.include('null');
      }
    }
  });

  it('marks the redacted fields in their description', () => {
    const sources = catalog.streams.find((s) => s.stream === 'sources');
    const properties = sources?.schema.properties as Record<string, {description: string}>;
    expect(properties.writeKeys?.description).to.include('redact_secrets');
    expect(properties.settings?.description).to.include('redact_secrets');
  });

  it('round-trips: the discovered catalog fed back selects the same streams as no catalog', () => {
    expect(selectStreams(sample, 'catalog.sample.json', streams).map((s) => s.def.name)).to.deep.equal(
      streams.map((s) => s.name),
    );
  });

  it('rejects a selected stream or field the tap does not have, naming the file', () => {
    const unknownStream = {
      streams: [{tap_stream_id: 'bogus', metadata: [{breadcrumb: [], metadata: {selected: true}}]}],
    };
    expect(() => selectStreams(unknownStream, 'c.json', streams)).to.throw(
      /catalog c\.json: streams\[0\] selects stream "bogus"/,
    );
    const unknownField = structuredClone(sample);
    unknownField.streams[1].metadata.push({breadcrumb: ['properties', 'nope'], metadata: {selected: true}});
    expect(() => selectStreams(unknownField, 'c.json', streams)).to.throw(/selects field "nope"/);
    expect(() => selectStreams({streams: {}}, 'c.json', streams)).to.throw(
      /must be an object with a "streams" array/,
    );
  });
});

// The engine's BOOKMARK event: a source-owned bookmark reduced into STATE in output order.
import {expect} from 'chai';
import type {EngineEvent} from '../../src/engine/context.js';
import type {Source} from '../../src/engine/source.js';
import {sync} from '../../src/engine/sync.js';
import type {SingerMessage} from '../../src/singer/messages.js';
import {emptyState, parseState} from '../../src/singer/state.js';
import {memoryLogger, testConfig} from '../helpers.js';

const spec = {name: 'files_a', keyProperties: ['id'], replicationKey: 'at'};
const spec2 = {name: 'files_b', keyProperties: ['id'], replicationKey: 'at'};
const schema = {type: 'object', properties: {id: {type: 'string'}, at: {type: 'string'}}};

function fakeSource(batches: EngineEvent[][]): Source {
  return {
    streams: [spec, spec2],
    preparer: () => (item) => [item as {id: string; at: string}],
    plan: (runs) => [{name: 'files', runs}],
    async *read(group) {
      for (const batch of batches) yield batch;
      return new Set(group.runs.map((r) => r.def.name));
    },
    probe: async () => [],
  };
}

async function collect(source: Source): Promise<SingerMessage[]> {
  const out: SingerMessage[] = [];
  for await (const batch of sync({
    selections: [spec, spec2].map((def) => ({def, schema, fields: ['id', 'at'], fullSchema: schema})),
    state: emptyState(),
    config: testConfig(),
    sources: [source],
    log: memoryLogger(),
  })) {
    out.push(...batch);
  }
  return out;
}

const record = (stream: string, id: string): EngineEvent => ({
  type: 'RECORD',
  stream,
  record: {id, at: '2026-01-01T00:00:00Z'},
  timeExtracted: '2026-01-01T00:00:00Z',
});
const value = (n: number) => ({
  replication_key: 'at',
  replication_key_value: `2026-01-0${n}T00:00:00Z`,
  files: {[`k${n}`]: {etag: `e${n}`}},
});

describe('engine: BOOKMARK events (a source-owned bookmark)', () => {
  it('replaces the stream bookmark, and STATE follows the records it covers, once per run of BOOKMARKs', async () => {
    const messages = await collect(
      fakeSource([
        [
          record('files_a', '1'),
          record('files_b', '2'),
          {type: 'BOOKMARK', stream: 'files_a', value: value(1)},
          {type: 'BOOKMARK', stream: 'files_b', value: value(1)},
          record('files_a', '3'),
          {type: 'BOOKMARK', stream: 'files_a', value: value(2)},
        ],
      ]),
    );
    const types = messages.filter((m) => m.type !== 'SCHEMA').map((m) => m.type);
    expect(types).to.deep.equal(['RECORD', 'RECORD', 'STATE', 'RECORD', 'STATE', 'STATE', 'STATE']);
    const last = messages.at(-1) as unknown as {value: {bookmarks: Record<string, unknown>}};
    expect(last.value.bookmarks).to.deep.equal({files_a: value(2), files_b: value(1)});
  });

  it('a state file holding a source bookmark (files history beside the value) parses and keeps it', () => {
    const state = parseState({bookmarks: {files_a: value(3)}, currently_syncing: null}, 'state.json');
    expect(state.bookmarks.files_a).to.deep.equal(value(3));
  });

  it('a bookmark holding only replication_key and a history is not mistaken for the classic layout', () => {
    const state = parseState(
      {bookmarks: {files_a: {replication_key: 'at', files: {}}}, currently_syncing: null},
      'state.json',
    );
    expect(state.bookmarks.files_a).to.deep.equal({replication_key: 'at', files: {}});
  });
});

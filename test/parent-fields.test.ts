// A parent's items cut down to what its children read, once its own records are out.
import {expect} from 'chai';
import {parentFieldsNeeded, slimParents} from '../src/public-api/parent-fields.js';
import {type StreamDef, streams} from '../src/public-api/streams.js';

const childrenOf = (parent: string): StreamDef[] => streams.filter((s) => s.parent?.stream === parent);
const named = (...names: string[]): StreamDef[] =>
  names.map((name) => streams.find((s) => s.name === name) as StreamDef);

describe('parent items kept for their children', () => {
  it("keeps a destination's id and sourceId: the delivery streams query by them", () => {
    const fields = parentFieldsNeeded(childrenOf('destinations'), false, 'destinations');
    expect(new Set(fields)).to.deep.equal(new Set(['id', 'sourceId']));
  });

  it("reads a grandchild's own link against its middle stream, not the parent", () => {
    // reverse_etl_syncs names a subscription's modelId: a destination needs only its id for it.
    const fields = parentFieldsNeeded(named('reverse_etl_syncs'), false, 'destinations');
    expect(fields).to.deep.equal(['id']);
  });

  it('keeps only the id when the children read nothing else (a query naming the id itself)', () => {
    const fields = parentFieldsNeeded(childrenOf('sources'), false, 'sources');
    expect(fields).to.deep.equal(['id']);
  });

  it('keeps whole items when a mirror emits the parent as a record', () => {
    expect(parentFieldsNeeded(childrenOf('warehouses'), true, 'warehouses')).to.equal(undefined);
  });

  it('replaces each item by a copy with the fields it has, and leaves the records already handed on intact', () => {
    const handedOn = {id: 'd1', sourceId: 's1', name: 'Big', settings: {apiKey: 'x'}};
    const items = [handedOn, {id: 'd2', name: 'No source'}, 'not an object', null];
    slimParents(items, ['id', 'sourceId']);
    expect(items).to.deep.equal([{id: 'd1', sourceId: 's1'}, {id: 'd2'}, 'not an object', null]);
    expect(handedOn).to.deep.equal({id: 'd1', sourceId: 's1', name: 'Big', settings: {apiKey: 'x'}});
  });
});

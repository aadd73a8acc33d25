// endpoint_requests_per_minute: stream=limit pairs replace an endpoint's documented limit, per endpoint.
import {expect} from 'chai';
import {createDialect} from '../src/public-api/dialect.js';
import {endpointLimit, parseEndpointLimits} from '../src/public-api/endpoint-limits.js';
import type {Http} from '../src/public-api/http.js';
import {pageOptions} from '../src/public-api/reader.js';
import {type StreamDef, streamByName, streams} from '../src/public-api/streams.js';
import {memoryLogger} from './helpers.js';

function def(name: string): StreamDef {
  const found = streamByName(name);
  if (!found) throw new Error(`no stream ${name}`);
  return found;
}

describe('endpoint_requests_per_minute', () => {
  it('replaces the documented limit of the named stream and leaves the others alone', () => {
    const config = {endpoint_requests_per_minute: ' warehouse_syncs = 10 , audiences=60'};
    expect(def('warehouse_syncs').requestsPerMinute).to.equal(2);
    expect(endpointLimit(def('warehouse_syncs'), config)).to.equal(10);
    expect(endpointLimit(def('audiences'), config)).to.equal(60);
    expect(endpointLimit(def('computed_traits'), config)).to.equal(def('computed_traits').requestsPerMinute);
    expect(endpointLimit(def('sources'), config)).to.equal(undefined);
  });

  it('gives a stream without a documented limit one of its own, which the request pacing uses', () => {
    const api = {
      http: {} as Http,
      dialect: createDialect(memoryLogger()),
      config: {page_size: 100, endpoint_requests_per_minute: 'sources=30'},
    };
    expect(pageOptions(def('sources'), api)).to.include({requestsPerMinute: 30, limitKey: '/sources'});
    expect(pageOptions(def('destinations'), api)).to.not.have.property('requestsPerMinute');
  });

  it('holds streams of one endpoint to one limit', () => {
    const shared = streams.filter((s) => s.path === '/events/volume').map((s) => s.name);
    expect(shared.length).to.be.greaterThan(1);
    const [a, b] = shared as [string, string];
    expect(parseEndpointLimits(`${a}=30,${b}=30`, streams).get('/events/volume')).to.equal(30);
    expect(() => parseEndpointLimits(`${a}=30,${b}=40`, streams)).to.throw(/reads the same endpoint/);
  });

  it('refuses what it cannot read, naming the pair and the fix', () => {
    expect(() => parseEndpointLimits('warehouse_syncs:10', streams)).to.throw(/is not stream=limit/);
    expect(() => parseEndpointLimits('warehouse_syncs=-1', streams)).to.throw(/is not stream=limit/);
    expect(() => parseEndpointLimits('nope=10', streams)).to.throw(/names no Public API stream/);
    expect(() => parseEndpointLimits('sources=0', streams)).to.throw(/1 to 100000/);
    expect(parseEndpointLimits('', streams).size).to.equal(0);
    expect(parseEndpointLimits(undefined, streams).size).to.equal(0);
  });
});

// lines.ts: gunzip by magic bytes, line numbers, oversized lines, truncated bodies.
import {Readable} from 'node:stream';
import {gzipSync} from 'node:zlib';
import {expect} from 'chai';
import {type BodyEnd, readLines} from '../../src/events/lines.js';

async function linesOf(chunks: Buffer[], max = 1000) {
  const problems = {oversized: [] as number[], plain: 0};
  const gen = readLines(Readable.from(chunks), max, {
    oversized: (line) => problems.oversized.push(line),
    plain: () => (problems.plain += 1),
  });
  const lines: [number, string][] = [];
  let next = await gen.next();
  while (!next.done) {
    const {first} = next.value;
    for (const [i, text] of next.value.lines.entries()) lines.push([first + i, text]);
    next = await gen.next();
  }
  return {lines, problems, end: next.value as BodyEnd};
}

/** Splits a buffer into chunks of `size` bytes: lines and gzip headers cross chunk edges. */
const chunked = (buffer: Buffer, size: number) =>
  Array.from({length: Math.ceil(buffer.length / size)}, (_, i) => buffer.subarray(i * size, (i + 1) * size));

describe('events: lines of an archive object', () => {
  it('gunzips a body that starts with 1f 8b, whatever its name, with line numbers across chunks', async () => {
    const body = gzipSync('{"a":1}\n{"b":2}\r\n\n{"c":3}');
    const {lines, problems, end} = await linesOf(chunked(body, 1));
    expect(lines).to.deep.equal([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [3, ''],
      [4, '{"c":3}'],
    ]);
    expect(problems.plain).to.equal(0);
    expect(end).to.deep.equal({lines: 4});
  });

  it('plain body: reads a body without the gzip magic as text and says so once', async () => {
    const {lines, problems} = await linesOf(chunked(Buffer.from('{"a":1}\n{"b":2}\n'), 3));
    expect(lines.map((l) => l[1])).to.deep.equal(['{"a":1}', '{"b":2}']);
    expect(problems.plain).to.equal(1);
  });

  it('truncated gzip: returns every whole line before the cut, and the error', async () => {
    const text = Array.from({length: 2000}, (_, i) => `{"n":${i},"pad":"${'x'.repeat(50)}"}`).join('\n');
    const body = gzipSync(text);
    const {lines, end} = await linesOf([body.subarray(0, Math.floor(body.length / 2))]);
    expect(lines.length).to.be.greaterThan(0).and.lessThan(2000);
    expect(lines.every(([n, l]) => l === `{"n":${n - 1},"pad":"${'x'.repeat(50)}"}`)).to.equal(true);
    expect(end.error?.message).to.match(/unexpected end of file/);
    expect(String((end.error as NodeJS.ErrnoException).code)).to.match(/^Z_/);
  });

  it('oversized line: skipped without buffering it whole, numbering stays right', async () => {
    const big = `{"big":"${'y'.repeat(5000)}"}`;
    const {lines, problems} = await linesOf(chunked(gzipSync(`{"a":1}\n${big}\n{"b":2}\n`), 100), 1000);
    expect(lines.filter(([, text]) => text !== '')).to.deep.equal([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ]);
    expect(problems.oversized).to.deep.equal([2]);
    // Split across decoded chunks too: the line is dropped while it streams in.
    const split = await linesOf(
      [Buffer.from(`{"a":1}\n${big.slice(0, 1500)}`), Buffer.from(`${big.slice(1500)}\n{"b":2}\n`)],
      1000,
    );
    expect(split.lines.filter(([, text]) => text !== '')).to.deep.equal([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ]);
    expect(split.problems.oversized).to.deep.equal([2]);
  });

  it('keeps multi-byte characters split across chunks whole', async () => {
    const {lines} = await linesOf(chunked(Buffer.from('{"name":"Zoë 東京"}\n'), 1));
    expect(lines).to.deep.equal([[1, '{"name":"Zoë 東京"}']]);
  });
});

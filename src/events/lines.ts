// An object's body → its text lines: gunzip when the body starts with 1f 8b (never trusting names or headers), flat memory.
import {pipeline, Readable} from 'node:stream';
import {StringDecoder} from 'node:string_decoder';
import {createGunzip, type ZlibOptions} from 'node:zlib';

/** Lines of one chunk of the body; `first` is the 1-based number of `lines[0]`. */
export interface LineBatch {
  readonly first: number;
  readonly lines: readonly string[];
}

export interface LineProblems {
  /** A line longer than the limit: skipped, never buffered whole. */
  oversized(line: number, chars: number): void;
  /** The body is not gzip: read as plain text (S3 or a proxy decompressed it, or it never was). */
  plain(): void;
}

export interface BodyEnd {
  readonly lines: number;
  /** Why the body stopped early: a truncated or corrupt gzip stream, a dropped connection. */
  readonly error?: Error;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Yields the body's lines in batches (one per decoded chunk). Empty lines are skipped but
 * counted. A body that ends early returns the error, after every complete line before it.
 */
export async function* readLines(
  body: Readable,
  maxLineChars: number,
  problems: LineProblems,
): AsyncGenerator<LineBatch, BodyEnd> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let skipping = false;
  let line = 0;
  try {
    for await (const chunk of await decompressed(body, problems)) {
      const text = rest + decoder.write(chunk as Buffer);
      const lines: string[] = [];
      const first = line + 1;
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        line += 1;
        // A skipped line stays as '' so that lines[i] is line first + i (readers skip empty lines).
        if (skipping) {
          skipping = false;
          lines.push('');
        } else if (end - start > maxLineChars) {
          problems.oversized(line, end - start);
          lines.push('');
        } else
          lines.push(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      if (rest.length > maxLineChars && !skipping) {
        problems.oversized(line + 1, rest.length);
        skipping = true;
      }
      if (skipping) rest = '';
      if (lines.length > 0) yield {first, lines};
    }
    rest += decoder.end();
    if (rest.length > maxLineChars) {
      problems.oversized(line + 1, rest.length);
      skipping = true;
    }
    if (rest !== '' && !skipping) {
      line += 1;
      yield {first: line, lines: [rest]};
    } else if (skipping) line += 1;
    return {lines: line};
  } catch (error) {
    // The partial last line is dropped: it is not a whole message.
    return {lines: line, error: error as Error};
  }
}

/** The body as it is, or through gunzip when its first two bytes are the gzip magic. */
async function decompressed(body: Readable, problems: LineProblems): Promise<AsyncIterable<unknown>> {
  const iterator = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let length = 0;
  while (length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    head.push(chunk);
    length += chunk.length;
  }
  const start = Buffer.concat(head);
  const rest = async function* () {
    if (start.length > 0) yield start;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };
  if (start[0] === GZIP_MAGIC[0] && start[1] === GZIP_MAGIC[1]) {
    // Four chunks of room on the readable side: the next ones inflate on the thread pool while
    // this one is parsed, instead of inflating and parsing taking turns.
    // (zlib passes its options on to Transform; @types/node's ZlibOptions does not list this one.)
    const gunzip = createGunzip({chunkSize: 64 * 1024, readableHighWaterMark: 256 * 1024} as ZlibOptions);
    // pipeline, not pipe: a body that fails mid-way must fail the gunzip too, never leave it waiting.
    pipeline(Readable.from(rest(), {objectMode: false}), gunzip, () => {});
    return gunzip;
  }
  if (start.length > 0) problems.plain();
  return rest();
}

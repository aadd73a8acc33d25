// A small S3 on loopback for tests, the demo and the bench: ListObjectsV2 and GetObject over a directory, as real S3 answers them.
//
// Why not s3rver: its delimiter listing drops nested folders (so source discovery finds nothing),
// its pagination needs --openssl-legacy-provider, it is unmaintained since 2021, and it cannot be
// told to refuse a permission or to sit in another region. This fake serves exactly the two calls
// the tap makes, with S3's semantics (prefix, delimiter → CommonPrefixes counted in MaxKeys,
// StartAfter, continuation tokens), real XML for the real @aws-sdk/client-s3, and switchable faults.
// Signatures are not checked; the region of the credential scope is.
import {createReadStream, statSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {createLocalStore, type StoredObject} from '../../src/events/store.js';

export interface FakeS3Options {
  /** Directory whose files are the bucket's objects (key = relative path). */
  dir: string;
  bucket: string;
  /** The bucket's region: a request signed for another answers 301 PermanentRedirect. */
  region?: string;
  /** Keys per ListObjectsV2 page at most (S3: 1000). */
  maxKeys?: number;
  port?: number;
}

export interface Faults {
  /** ListObjectsV2 answers 403 AccessDenied. */
  denyList?: boolean;
  /** GetObject of matching keys answers 403 AccessDenied. */
  denyGet?: RegExp;
  /** GetObject of matching keys answers 403 as KMS does without kms:Decrypt. */
  denyKms?: RegExp;
  /** Added before every answer (ms): a far-away bucket. */
  latencyMs?: number;
  /** GetObject of matching keys stops after this many bytes (the socket is destroyed). */
  cutBody?: {keys: RegExp; afterBytes: number};
}

export interface FakeS3 {
  readonly url: string;
  readonly bucket: string;
  readonly requests: {method: string; path: string; query: Record<string, string>}[];
  faults: Faults;
  close(): Promise<void>;
}

export async function startFakeS3(options: FakeS3Options): Promise<FakeS3> {
  const store = createLocalStore(options.dir);
  const region = options.region ?? 'us-east-1';
  const requests: FakeS3['requests'] = [];
  const state: {faults: Faults} = {faults: {}};
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    requests.push({method: req.method ?? 'GET', path: url.pathname, query});
    const answer = () =>
      handle(req, res, url, query).catch((error: Error) =>
        sendError(res, 500, 'InternalError', error.message),
      );
    const latency = state.faults.latencyMs ?? 0;
    if (latency > 0) setTimeout(answer, latency);
    else void answer();
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, query: Record<string, string>) {
    const [, bucket, ...rest] = url.pathname.split('/');
    if (bucket !== options.bucket)
      return sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
    const signedFor = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (signedFor && signedFor !== region) {
      res.setHeader('x-amz-bucket-region', region);
      return sendError(
        res,
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint.',
      );
    }
    const key = rest.map(decodeURIComponent).join('/');
    if (key === '' && query['list-type'] === '2') return list(res, query);
    if (key === '') return sendError(res, 400, 'InvalidRequest', 'only ListObjectsV2 is served');
    return get(req, res, key);
  }

  async function list(res: ServerResponse, query: Record<string, string>) {
    if (state.faults.denyList) return sendError(res, 403, 'AccessDenied', 'Access Denied');
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter;
    const maxKeys = Math.min(Number(query['max-keys'] ?? 1000), options.maxKeys ?? 1000);
    const after = query['continuation-token']
      ? Buffer.from(query['continuation-token'], 'base64url').toString('utf8')
      : query['start-after'];
    const objects: StoredObject[] = [];
    try {
      for await (const page of store.list(prefix, after ? {startAfter: after} : {}))
        objects.push(...page.objects);
    } catch {
      // An empty or missing folder lists as nothing, as in S3.
    }
    // S3 rolls keys up into CommonPrefixes and counts each prefix once toward MaxKeys.
    const entries: ({prefix: string} | {object: StoredObject})[] = [];
    const seen = new Set<string>();
    for (const object of objects) {
      const at = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
      if (at === -1) entries.push({object});
      else {
        const common = object.key.slice(0, at + (delimiter as string).length);
        if (!seen.has(common)) {
          seen.add(common);
          entries.push({prefix: common});
        }
      }
    }
    const page = entries.slice(0, maxKeys);
    const truncated = entries.length > maxKeys;
    const last = page.at(-1);
    // The next page starts after the last key, or after every key of the last common prefix.
    const lastKey = last === undefined ? '' : 'prefix' in last ? `${last.prefix}\u{10ffff}` : last.object.key;
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${escapeXml(options.bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>`,
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
      delimiter ? `<Delimiter>${escapeXml(delimiter)}</Delimiter>` : '',
      `<IsTruncated>${truncated}</IsTruncated>`,
      query['continuation-token']
        ? `<ContinuationToken>${escapeXml(query['continuation-token'])}</ContinuationToken>`
        : '',
      truncated
        ? `<NextContinuationToken>${Buffer.from(lastKey).toString('base64url')}</NextContinuationToken>`
        : '',
      ...page.map((e) =>
        'prefix' in e
          ? `<CommonPrefixes><Prefix>${escapeXml(e.prefix)}</Prefix></CommonPrefixes>`
          : `<Contents><Key>${escapeXml(e.object.key)}</Key><LastModified>${new Date(e.object.lastModified).toISOString()}</LastModified>` +
            `<ETag>${escapeXml(e.object.etag)}</ETag><Size>${e.object.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      ),
      '</ListBucketResult>',
    ].join('');
    res.writeHead(200, {'content-type': 'application/xml'}).end(xml);
  }

  async function get(req: IncomingMessage, res: ServerResponse, key: string) {
    const {denyGet, denyKms, cutBody} = state.faults;
    if (denyKms?.test(key)) {
      return sendError(
        res,
        403,
        'AccessDenied',
        'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (KMS)',
      );
    }
    if (denyGet?.test(key)) return sendError(res, 403, 'AccessDenied', 'Access Denied');
    const path = join(options.dir, ...key.split('/'));
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(path);
    } catch {
      return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    }
    if (!info.isFile()) return sendError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, {
      'content-type': 'text/plain',
      // What Segment sets; the SDK on Node hands over the raw gzip bytes regardless.
      ...(key.endsWith('.gz') ? {'content-encoding': 'gzip'} : {}),
      'content-length': String(info.size),
      etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
      'last-modified': new Date(Math.floor(info.mtimeMs / 1000) * 1000).toUTCString(),
    });
    if (req.method === 'HEAD') return res.end();
    const body = createReadStream(path);
    if (cutBody?.keys.test(key)) {
      // Headers and the first bytes go out, then the connection drops: a body cut mid-way.
      res.flushHeaders();
      let sent = 0;
      body.on('data', (data: string | Buffer) => {
        const chunk = Buffer.from(data);
        const room = cutBody.afterBytes - sent;
        if (room > 0) res.write(chunk.subarray(0, room));
        sent += chunk.length;
        if (sent >= cutBody.afterBytes) {
          body.destroy();
          setTimeout(() => res.destroy(), 20);
        }
      });
      return;
    }
    body.pipe(res);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bucket: options.bucket,
    requests,
    get faults() {
      return state.faults;
    },
    set faults(value: Faults) {
      state.faults = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>FAKE</RequestId></Error>`;
  res.writeHead(status, {'content-type': 'application/xml'}).end(body);
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// A deterministic Segment S3 archive: segment-logs/<source>/<day-ms>/<hour>-<n>.gz files of NDJSON messages, mtimes set.
import {mkdirSync, utimesSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {hash, mulberry32, type Rng} from '../simulator/random.js';

export interface ArchiveOptions {
  /** Directory that will hold segment-logs/. */
  dir: string;
  seed?: number;
  /** Messages per source per hour. */
  scale?: number;
  /** Number of sources (ids derived from the seed). */
  sources?: number;
  /** Days ending with `lastDay` (inclusive). */
  days?: number;
  /** UTC midnight (ms) of the last day; default: yesterday. */
  lastDay?: number;
  /** Files per hour per source. */
  filesPerHour?: number;
  /** Hours of each day that have files (default 24). */
  hours?: number;
}

export interface ArchiveFileInfo {
  key: string;
  sourceId: string;
  lastModified: number;
  messages: {messageId: string; type: string; userId: string | null}[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const TYPES: [string, number][] = [
  ['track', 0.6],
  ['page', 0.15],
  ['identify', 0.1],
  ['screen', 0.07],
  ['group', 0.05],
  ['alias', 0.03],
];
const EVENTS = ['Order Completed', 'Product Viewed', 'Signed Up', 'Checkout Started', 'Product Added'];
const PAGES = ['Home', 'Pricing', 'Docs', 'Blog', 'Checkout'];
const PLANS = ['free', 'team', 'business'];

export function sourceIds(seed: number, count: number): string[] {
  return Array.from({length: count}, (_, i) => idOf(seed, 'source', i, 10));
}

function idOf(seed: number, what: string, i: number, length: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const rng = mulberry32(hash([seed, what, i]));
  let id = '';
  for (let k = 0; k < length; k++) id += alphabet[Math.floor(rng() * alphabet.length)];
  return id;
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)] as T;
}

function typeOf(rng: Rng): string {
  let r = rng();
  for (const [type, share] of TYPES) {
    if (r < share) return type;
    r -= share;
  }
  return 'track';
}

/** One message of about 760 bytes, shaped like analytics.js output. */
export function message(seed: number, sourceId: string, index: number, at: number): Record<string, unknown> {
  const rng = mulberry32(hash([seed, sourceId, index]));
  const type = typeOf(rng);
  const user = Math.floor(rng() * 200);
  const known = rng() < 0.7;
  const timestamp = new Date(at).toISOString();
  const base: Record<string, unknown> = {
    anonymousId: `anon-${idOf(seed, 'anon', user, 12)}`,
    ...(known || type === 'identify' || type === 'alias' ? {userId: `user_${user}`} : {}),
    channel: rng() < 0.5 ? 'browser' : 'server',
    context: {
      ip: `10.${user % 250}.${index % 250}.7`,
      library: {name: 'analytics.js', version: '5.2.1'},
      locale: 'en-US',
      page: {
        path: '/pricing',
        referrer: 'https://www.example.com/',
        search: '',
        title: 'Pricing',
        url: 'https://app.example.com/pricing',
      },
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    },
    integrations: {},
    messageId: `ajs-${idOf(seed, `m-${sourceId}`, index, 24)}`,
    originalTimestamp: new Date(at - 130).toISOString(),
    receivedAt: new Date(at + 40).toISOString(),
    sentAt: new Date(at - 20).toISOString(),
    timestamp,
    type,
    version: index % 2 === 0 ? 2 : '1.1',
  };
  switch (type) {
    case 'track':
      return {
        ...base,
        event: pick(rng, EVENTS),
        properties: {revenue: Math.round(rng() * 10000) / 100, currency: 'USD', plan: pick(rng, PLANS)},
      };
    case 'page':
      return {
        ...base,
        name: pick(rng, PAGES),
        category: 'Marketing',
        properties: {path: '/pricing', title: 'Pricing'},
      };
    case 'screen':
      return {...base, name: pick(rng, PAGES), properties: {variant: 'b'}};
    case 'identify':
      return {
        ...base,
        traits: {email: `user${user}@example.com`, plan: pick(rng, PLANS), logins: Math.floor(rng() * 50)},
      };
    case 'group':
      return {
        ...base,
        groupId: `group_${user % 17}`,
        traits: {name: `Company ${user % 17}`, employees: 10 + (user % 17)},
      };
    default:
      return {...base, previousId: `anon-${idOf(seed, 'anon', user, 12)}`};
  }
}

/** Writes the archive; LastModified (mtime) is ~40 minutes after the hour its messages came from. */
export function writeArchive(options: ArchiveOptions): ArchiveFileInfo[] {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 20;
  const days = options.days ?? 2;
  const lastDay = options.lastDay ?? Math.floor(Date.now() / DAY) * DAY - DAY;
  const perHour = options.filesPerHour ?? 1;
  const hours = options.hours ?? 24;
  const files: ArchiveFileInfo[] = [];
  for (const sourceId of sourceIds(seed, options.sources ?? 2)) {
    let index = 0;
    for (let d = days - 1; d >= 0; d--) {
      const day = lastDay - d * DAY;
      const folder = join(options.dir, 'segment-logs', sourceId, String(day));
      mkdirSync(folder, {recursive: true});
      for (let h = 0; h < hours; h++) {
        for (let f = 0; f < perHour; f++) {
          const lines: string[] = [];
          const info: ArchiveFileInfo = {
            key: `segment-logs/${sourceId}/${day}/${String(h).padStart(2, '0')}${f}-${idOf(seed, `f-${sourceId}`, index, 8)}.gz`,
            sourceId,
            lastModified: day + h * HOUR + 40 * 60_000 + f * 1000,
            messages: [],
          };
          const count = Math.max(1, Math.round(scale / perHour));
          for (let i = 0; i < count; i++) {
            const m = message(seed, sourceId, index++, day + h * HOUR + i * Math.floor(HOUR / count));
            lines.push(JSON.stringify(m));
            info.messages.push({
              messageId: m.messageId as string,
              type: m.type as string,
              userId: (m.userId as string) ?? null,
            });
          }
          writeObject(options.dir, info.key, gzipSync(`${lines.join('\n')}\n`), info.lastModified);
          files.push(info);
        }
      }
    }
  }
  return files;
}

/** Writes one object and sets its LastModified (whole seconds, as S3 has them). */
export function writeObject(dir: string, key: string, body: Buffer | string, lastModified: number): void {
  const path = join(dir, ...key.split('/'));
  mkdirSync(join(path, '..'), {recursive: true});
  writeFileSync(path, body);
  const seconds = Math.floor(lastModified / 1000);
  utimesSync(path, seconds, seconds);
}

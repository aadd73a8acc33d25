// Seeded pseudo-randomness: every generated value is a pure function of (seed, collection, index).

export type Rng = () => number;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** FNV-1a over the parts; `basis` gives a second, independent hash for 64-bit ids. */
export function hash(parts: readonly (string | number)[], basis = 0x811c9dc5): number {
  let h = basis;
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    // A separator keeps ('ab', 'c') and ('a', 'bc') apart.
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rngFor(seed: number, collection: string, index: number | string): Rng {
  return mulberry32(hash([seed, collection, index]));
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

export function chance(rng: Rng, probability: number): boolean {
  return rng() < probability;
}

/** Up to `max` distinct items, in a stable order. */
export function sample<T>(rng: Rng, items: readonly T[], max: number): T[] {
  const count = Math.min(items.length, int(rng, 0, max));
  const start = int(rng, 0, items.length - 1);
  return Array.from({length: count}, (_, k) => items[(start + k * 7) % items.length] as T).filter(
    (item, k, all) => all.indexOf(item) === k,
  );
}

/**
 * A Segment-like base62 id. Two independent 32-bit hashes seed interleaved generators,
 * so a million ids do not collide the way one 32-bit seed would.
 */
export function idFor(seed: number, collection: string, index: number | string, length = 22): string {
  const first = mulberry32(hash([seed, 'id', collection, index]));
  const second = mulberry32(hash([seed, 'id', collection, index], 0x01234567));
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHABET[Math.floor((i % 2 ? second : first)() * 62)];
  return id;
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

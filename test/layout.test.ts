// The folder layers of src/ and who may import whom, read from the import lines themselves.
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, normalize, relative} from 'node:path';
import {expect} from 'chai';

const SRC = new URL('../src/', import.meta.url).pathname;
const SOURCES = ['public-api', 'events'];

/** Layer → the layers it may import at run time (type-only imports of config/ are allowed too). */
const ALLOWED: Record<string, readonly string[]> = {
  shared: ['shared'],
  singer: ['singer', 'shared'],
  records: ['records', 'singer', 'shared'],
  engine: ['engine', 'records', 'singer', 'shared'],
  config: ['config', 'shared', ...SOURCES],
  'public-api': ['public-api', 'engine', 'records', 'singer', 'shared'],
  events: ['events', 'engine', 'records', 'singer', 'shared'],
};

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)\.js';/gms)].map((m) => ({
    from: relative(SRC, file),
    to: relative(SRC, normalize(join(dirname(file), `${m[3]}.ts`))),
    typeOnly: Boolean(m[2]),
  }));
}

const layerOf = (path: string) =>
  path.includes('/') ? (path.split('/')[0] as string) : path.replace(/\.ts$/, '');
const files = sourceFiles(SRC);
const imports = files.flatMap(importsOf);

describe('layout: import rules between the folders of src/', () => {
  it('reads the import lines of every module (the rule test sees the whole tree)', () => {
    expect(files.length).to.be.greaterThan(40);
    expect(imports.length).to.be.greaterThan(150);
    expect(new Set(files.map((f) => layerOf(relative(SRC, f))))).to.include.members([
      'cli',
      'commands',
      'config',
      'engine',
      'public-api',
      'records',
      'shared',
      'singer',
    ]);
  });

  it('each layer imports only the layers below it; sources never import each other', () => {
    const broken = imports
      .filter(({from, to, typeOnly}) => {
        const allowed = ALLOWED[layerOf(from)];
        if (!allowed) return false; // commands/ and cli.ts may import anything
        const target = layerOf(to);
        if (typeOnly && target === 'config' && !['shared', 'singer'].includes(layerOf(from))) return false;
        return !allowed.includes(target);
      })
      .map(({from, to}) => `${from} → ${to}`);
    expect(broken).to.deep.equal([]);
  });

  it('nothing but cli.ts and commands/ imports commands/', () => {
    const broken = imports
      .filter(({from, to}) => layerOf(to) === 'commands' && !['cli', 'commands'].includes(layerOf(from)))
      .map(({from, to}) => `${from} → ${to}`);
    expect(broken).to.deep.equal([]);
  });

  it('only cli.ts and commands/ touch the process object', () => {
    const touching = files
      .filter((f) => !['cli', 'commands'].includes(layerOf(relative(SRC, f))))
      .filter((f) => /\bprocess\.\w/.test(readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '')))
      .map((f) => relative(SRC, f));
    expect(touching).to.deep.equal([]);
  });
});

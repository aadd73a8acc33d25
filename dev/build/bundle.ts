// `npm run build`, step one: bundles src/cli.ts with esbuild into dist/cli.js, its lazy modes as chunks in dist/chunks/.
//
// Why a bundle: a sync loaded ~60 compiled modules of its own and ~20 of node_modules, each a
// resolve, a stat and a compile; a few bundled files start it with less CPU (README,
// Dependencies). Every `await import('./x.js')` stays a boundary (esbuild's code splitting makes
// it a chunk), so a mode still loads only what it needs: a Public-API-only sync never loads the
// event source or the AWS SDK. Types are stripped, not checked: `npm run typecheck` checks them.
import {chmodSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {type BuildOptions, build, type Plugin} from 'esbuild';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');

/**
 * The packages src/ imports, bundled apart into dist/vendor/<name>.js and imported as
 * `#vendor/<name>` (package.json `imports`), so that a chunk of dist/chunks/ holds only the
 * tap's own code: its source map then maps to src/ alone, which is what c8 reports coverage
 * of (it filters by the file that ran, never by a source inside it). ajv is not here: the tap
 * loads it with require() only when a schema was not compiled at build time, and the generated
 * validators import its runtime helpers from node_modules.
 */
const VENDOR: Record<string, string> = {
  'node-fetch': 'node-fetch',
  'client-s3': '@aws-sdk/client-s3',
  'credential-providers': '@aws-sdk/credential-providers',
};

const vendored: Plugin = {
  name: 'vendored',
  setup(build) {
    const names = new Map(Object.entries(VENDOR).map(([name, pkg]) => [pkg, name]));
    build.onResolve({filter: /^[^./]/}, (args) => {
      if (args.path.startsWith('node:')) return undefined;
      const name = names.get(args.path);
      if (name) return {path: `#vendor/${name}`, external: true};
      return {errors: [{text: `${args.path}: add it to VENDOR in dev/build/bundle.ts`}]};
    });
  },
};

const COMMON: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // The ES module build of a package that ships both (the AWS SDK): static imports of node:
  // builtins, where its CommonJS build would call require() at load time.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

rmSync(DIST, {recursive: true, force: true});
await build({
  ...COMMON,
  entryPoints: VENDOR,
  // CommonJS in these (fetch-blob's polyfill guards) calls require(); an ES module
  // has none, so each file gets one, as the unbundled code had. The tap's own code has no require().
  banner: {
    js: "import {createRequire as __createRequire} from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  outdir: join(DIST, 'vendor'),
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
});
await build({
  ...COMMON,
  entryPoints: {
    cli: 'src/cli.ts',
    // Its own entry, so that the validators dev/build/generate.ts compiles import the very format
    // code (the same module instance) that ajv uses at run time: dist/formats.js re-exports the chunk.
    formats: 'src/records/formats.ts',
  },
  outdir: DIST,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  // For c8 (coverage of src/ through dist/) and stack traces; package.json `files` packs no .map.
  // c8's `all` looks in src/ only (.c8rc.json `src`): for a chunk no test ran, which maps to many
  // sources, it would zero the first source's lines and count the others' as covered.
  sourcemap: true,
  sourcesContent: false,
  plugins: [vendored],
});
chmodSync(join(DIST, 'cli.js'), 0o755);

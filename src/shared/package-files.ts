// Where the package's own files are (package.json, schemas/, the build's generated modules), wherever this code runs from.
//
// A path relative to a module's own URL breaks when the build moves the code: from src/ (tsx) this
// file is src/shared/package-files.ts, from the build it is part of dist/cli.js or of a chunk in
// dist/chunks/. So: the package root is the nearest folder above that holds a package.json (as
// Node finds it; dist/ has none; at most three stat calls), and the build is the root's folder
// that holds this code.
import {existsSync} from 'node:fs';

const HERE = new URL('.', import.meta.url);

function packageRoot(): URL {
  for (let dir = HERE; ; ) {
    if (existsSync(new URL('package.json', dir))) return dir;
    const parent = new URL('..', dir);
    if (parent.href === dir.href) throw new Error(`no package.json above ${import.meta.url}`);
    dir = parent;
  }
}

const ROOT = packageRoot();
/** `src` under tsx, `dist` when built (or the name of a copy of dist/, as bench/events-big.ts runs). */
const TOP = HERE.href.slice(ROOT.href.length).split('/')[0];

/** A file or folder (ending in /) of the package, e.g. `package.json` or `schemas/`. */
export function packageFile(path: string): URL {
  return new URL(path, ROOT);
}

/**
 * The folder `npm run build` generates into (dist/generated/), only when this code is the build:
 * from src/ (tsx, the unit tests) the tap compiles at run time what the build compiled, even when
 * a dist/ from an earlier build lies next to it.
 */
export const GENERATED_DIR: URL | undefined = TOP === 'src' ? undefined : packageFile(`${TOP}/generated/`);

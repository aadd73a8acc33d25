// Loads a module that `npm run build` generated into dist/generated/ (none when running from src/ with tsx).
import {existsSync} from 'node:fs';
import {GENERATED_DIR} from './package-files.js';

/** The module, or undefined when it was not generated; a broken generated file throws, so a bad build shows. */
export async function loadPrebuilt<T>(name: string): Promise<T | undefined> {
  if (!GENERATED_DIR) return undefined;
  const url = new URL(`${name}.js`, GENERATED_DIR);
  return existsSync(url) ? ((await import(url.href)) as T) : undefined;
}

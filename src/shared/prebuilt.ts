// Loads a module that `npm run build` generated into dist/generated/ (absent when running from src/ with tsx).
import {existsSync} from 'node:fs';

/** The module, or undefined when it was not generated; a broken generated file throws, so a bad build shows. */
export async function loadPrebuilt<T>(name: string): Promise<T | undefined> {
  const url = new URL(`../generated/${name}.js`, import.meta.url);
  return existsSync(url) ? ((await import(url.href)) as T) : undefined;
}

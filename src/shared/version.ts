// The package's name and version, read once from package.json (shipped next to dist/).
import {readFileSync} from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  version: string;
  description: string;
};

export const NAME = pkg.name;
export const VERSION = pkg.version;
export const DESCRIPTION = pkg.description;

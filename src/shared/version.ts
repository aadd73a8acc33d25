// The package's name and version, read once from package.json (shipped next to dist/).
import {readFileSync} from 'node:fs';
import {packageFile} from './package-files.js';

const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
  name: string;
  version: string;
  description: string;
};

export const NAME = pkg.name;
export const VERSION = pkg.version;
export const DESCRIPTION = pkg.description;

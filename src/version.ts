import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './package-root.js';

/** linkfix's own version, from package.json (one source of truth). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string }
).version;

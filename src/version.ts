import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from './package-root.js';

/** linkfix's own version, from package.json (one source of truth). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version: string }
).version;

/**
 * This build of linkfix, for cache keys: the version and a digest of the
 * compiled code (written by npm run build), so that a cached result never
 * outlives the rules that computed it. `dev` where no build wrote one.
 */
export const BUILD: string = `${VERSION}+${buildDigest()}`;

function buildDigest(): string {
  try {
    return readFileSync(new URL('dist/build-id', PACKAGE_ROOT), 'utf8').trim();
  } catch {
    return 'dev';
  }
}

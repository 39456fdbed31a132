// Catalogs shipped with linkfix (one file for every release, ./store.ts, read
// only when a verdict needs it), plus one built from the user's own GOROOT when
// it is newer than every shipped release (cached under the XDG cache directory).

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LinkfixError } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { BUILD } from '../version.js';
import type { LocalGo } from './local-go.js';
import { CatalogStore, writeCatalogStore } from './store.js';
import type { Catalog } from './types.js';

export const SHIPPED_DIR = new URL('catalogs/', PACKAGE_ROOT);

/** The file in a catalogs directory that holds every shipped release. */
export const SHIPPED_FILE = 'std.catalog';

const stores = new Map<string, CatalogStore | null>();

/** The catalog file of a directory, read once per process (null when there is none). */
function shippedStore(dir: URL | string): CatalogStore | null {
  const key = String(dir);
  let store = stores.get(key);
  if (store === undefined) {
    const file = new URL(SHIPPED_FILE, dirUrl(dir));
    store = existsSync(file) ? CatalogStore.read(file) : null;
    stores.set(key, store);
  }
  return store;
}

/** A directory given as a URL, a file: URL string, or a path. */
const dirUrl = (dir: URL | string): URL =>
  typeof dir === 'string' && !dir.startsWith('file:') ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : new URL(String(dir));

/** The shipped releases, e.g. ['go1.21.13', …, 'go1.27.4'], oldest first. */
export function shippedReleases(dir: URL | string = SHIPPED_DIR): string[] {
  return shippedStore(dir)?.releases ?? [];
}

/** A shipped catalog by release (`go1.26.11`); its packages are decoded as they are asked about. */
export function shippedCatalog(release: string, dir: URL | string = SHIPPED_DIR): Catalog {
  const catalog = shippedStore(dir)?.catalog(release);
  if (!catalog) throw new LinkfixError('EIO', `no shipped catalog for ${release}`, { file: fileURLToPath(new URL(SHIPPED_FILE, dirUrl(dir))) });
  return catalog;
}

/** The shipped releases whose std may change the var `symbol` after initialisation (see ./writes.ts). */
export function releasesWritingVar(symbol: string, dir: URL | string = SHIPPED_DIR): string[] {
  return shippedReleases(dir).filter((r) => shippedCatalog(r, dir).symbols.get(symbol)?.m);
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'linkfix', 'catalogs');
}

/**
 * The catalog of a Go newer than every shipped one, built from its GOROOT on
 * first use and cached; `announce` tells the user it is happening.
 */
export async function cachedCatalog(go: LocalGo, announce: (msg: string) => void, env = process.env): Promise<Catalog> {
  const dir = cacheDir(env);
  const file = join(dir, `${go.version}-linkfix-${BUILD}.catalog`);
  if (existsSync(file)) {
    const store = CatalogStore.read(file);
    return store.catalog(store.releases[0]!)!;
  }
  announce(`linkfix: ${go.version} is newer than the shipped catalogs; building its std catalog from ${go.goroot} (cached in ${dir})`);
  // Loaded on use: only a Go newer than every shipped catalog needs the builder.
  const { buildCatalogOf } = await import('./build.js');
  const catalog = await buildCatalogOf({ goroot: go.goroot }, { copies: false });
  try {
    writeCatalogStore(file, [catalog]);
  } catch (e) {
    announce(`linkfix: warning: the catalog is not cached (${(e as Error).message}: ${file}); it will be built again next time`);
  }
  return catalog;
}

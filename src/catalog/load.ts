// Catalogs shipped with linkfix (one gzipped JSON per Go release, read only
// when a verdict needs it), plus one built from the user's own GOROOT when it
// is newer than every shipped release (cached under the XDG cache directory).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describeFsError, LinkfixError } from '../errors.js';
import { VERSION } from '../version.js';
import { CATALOG_SCHEMA, SymbolTable, goMinor, type Catalog } from './types.js';

export const SHIPPED_DIR = new URL('../../catalogs/', import.meta.url);

const loaded = new Map<string, Catalog>();

/** The shipped releases, e.g. ['go1.21.13', …, 'go1.27.4'], oldest first. */
export function shippedReleases(dir: URL | string = SHIPPED_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((n) => /^(go1\.\d+(?:\.\d+)?)\.json\.gz$/.exec(n)?.[1] ?? [])
    .sort((a, b) => goMinor(a) - goMinor(b) || patch(a) - patch(b));
}

const patch = (v: string): number => Number(/^go1\.\d+\.(\d+)/.exec(v)?.[1] ?? 0);

export function readCatalogFile(path: string | URL): Catalog {
  let data: Omit<Catalog, 'symbols'> & { symbols: string };
  try {
    data = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
  } catch (e) {
    const what = (e as NodeJS.ErrnoException).code?.startsWith('E') ? describeFsError(e, 'cannot read the catalog') : 'not a gzipped catalog';
    throw new LinkfixError('EIO', what, { file: String(path) });
  }
  if (data.schema !== CATALOG_SCHEMA) {
    throw new LinkfixError('EPARSE', `catalog ${String(path)} has schema ${data.schema}, this linkfix reads ${CATALOG_SCHEMA}`);
  }
  return { ...data, symbols: SymbolTable.fromText(data.symbols) };
}

export function writeCatalogFile(path: string, catalog: Catalog): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, gzipSync(JSON.stringify(catalog), { level: 9 }));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new LinkfixError('EIO', describeFsError(e, 'cannot write the catalog'), { file: path });
  }
}

/** A shipped catalog by release (`go1.26.11`), read once per process. */
export function shippedCatalog(release: string, dir: URL | string = SHIPPED_DIR): Catalog {
  const key = `${String(dir)}${release}`;
  let c = loaded.get(key);
  if (!c) {
    c = readCatalogFile(new URL(`${release}.json.gz`, dir));
    loaded.set(key, c);
  }
  return c;
}

/** The shipped releases whose std may change the var `symbol` after initialisation (see ./writes.ts). */
export function releasesWritingVar(symbol: string, dir: URL | string = SHIPPED_DIR): string[] {
  return shippedReleases(dir).filter((r) => shippedCatalog(r, dir).symbols.get(symbol)?.m);
}

export interface LocalGo {
  version: string;
  goroot: string;
}

/** The Go on PATH, or null when there is none. */
export function localGo(): LocalGo | null {
  try {
    const [version = '', goroot = ''] = execFileSync('go', ['env', 'GOVERSION', 'GOROOT'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n');
    return /^go1\.\d+/.test(version) ? { version, goroot } : null;
  } catch {
    return null;
  }
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
  const file = join(dir, `${go.version}-linkfix-${VERSION}.json.gz`);
  if (existsSync(file)) return readCatalogFile(file);
  announce(`linkfix: ${go.version} is newer than the shipped catalogs; building its std catalog from ${go.goroot} (cached in ${dir})`);
  // Loaded on use: only a Go newer than every shipped catalog needs the builder.
  const { buildCatalog } = await import('./build.js');
  const catalog = await buildCatalog({ goroot: go.goroot });
  try {
    writeCatalogFile(file, catalog);
  } catch (e) {
    announce(`linkfix: warning: the catalog is not cached (${(e as Error).message}: ${file}); it will be built again next time`);
  }
  return catalog;
}

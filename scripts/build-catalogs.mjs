// npm run catalog: rebuilds catalogs/std.catalog from the newest patch of
// every Go minor from 1.21 on, each read from its own toolchain (fetched from
// the Go module proxy by the go command when missing). Releases given as
// arguments (`go1.26.11 go1.27.4`) are rebuilt instead, in place of the
// shipped release of their minor.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog } from '../dist/catalog/build.js';
import { SHIPPED_FILE } from '../dist/catalog/load.js';
import { addToCatalogStore } from '../dist/catalog/store.js';
import { defaultGoroot } from '../dist/linkcheck/linkcheck.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'catalogs', SHIPPED_FILE);

function newestPatches() {
  const versions = execFileSync('go', ['list', '-m', '-versions', 'golang.org/toolchain'], { encoding: 'utf8' }).trim().split(/\s+/).slice(1);
  const newest = new Map();
  for (const v of versions) {
    const m = /^v0\.0\.1-go1\.(\d+)\.(\d+)\.linux-amd64$/.exec(v);
    if (!m || Number(m[1]) < 21) continue;
    const [minor, patch] = [Number(m[1]), Number(m[2])];
    if (!newest.has(minor) || newest.get(minor) < patch) newest.set(minor, patch);
  }
  return [...newest].sort((a, b) => a[0] - b[0]).map(([minor, patch]) => `go1.${minor}.${patch}`);
}

const releases = process.argv.length > 2 ? process.argv.slice(2) : newestPatches();
for (const release of releases) {
  const goroot = defaultGoroot(release);
  const t = performance.now();
  const catalog = await buildCatalog({ goroot });
  const held = addToCatalogStore(out, catalog);
  console.log(`${release}: ${catalog.symbols.size} symbols from ${goroot} in ${Math.round(performance.now() - t)} ms; ${out} holds ${held.map((c) => c.go).join(', ')}`);
}

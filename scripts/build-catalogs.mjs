// npm run catalog: rebuilds catalogs/ for the newest patch of every Go minor
// from 1.21 on, each read from its own toolchain (fetched from the Go module
// proxy by the go command when missing).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCatalog } from '../dist/catalog/build.js';
import { writeCatalogFile } from '../dist/catalog/load.js';
import { defaultGoroot } from '../dist/linkcheck/linkcheck.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'catalogs');
const versions = execFileSync('go', ['list', '-m', '-versions', 'golang.org/toolchain'], { encoding: 'utf8' }).trim().split(/\s+/).slice(1);
const newest = new Map();
for (const v of versions) {
  const m = /^v0\.0\.1-go1\.(\d+)\.(\d+)\.linux-amd64$/.exec(v);
  if (!m || Number(m[1]) < 21) continue;
  const [minor, patch] = [Number(m[1]), Number(m[2])];
  if (!newest.has(minor) || newest.get(minor) < patch) newest.set(minor, patch);
}
const releases = [...newest].sort((a, b) => a[0] - b[0]).map(([minor, patch]) => `go1.${minor}.${patch}`);
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out)) if (old.endsWith('.json.gz')) rmSync(join(out, old));
for (const release of releases) {
  const goroot = defaultGoroot(release);
  const t = performance.now();
  const catalog = await buildCatalog({ goroot });
  writeCatalogFile(join(out, `${release}.json.gz`), catalog);
  console.log(`${release}: ${catalog.symbols.size} symbols from ${goroot} in ${Math.round(performance.now() - t)} ms`);
}

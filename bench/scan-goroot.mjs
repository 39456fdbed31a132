// npm run bench: linkfix scan over $(go env GOROOT)/src against grep over the
// same tree, measured in the same run. Prints ratios, never asserts them.
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const src = join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src');

/** Runs the CLI in a fresh process and returns its wall time, in-process time, peak RSS and summary line. */
function linkfix(extra) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/run-cli.mjs'), 'scan', '--format', 'json', ...extra, src], { encoding: 'utf8' });
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(r.stderr);
  return { wall, ...JSON.parse(r.stderr.trim().split('\n').pop()) };
}

/** The bare Node floor: walk and read every file (bench/read-floor.mjs), in a fresh process. */
function floor(roots) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/read-floor.mjs'), ...roots], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { wall: performance.now() - start };
}

function nodeStart() {
  const start = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return { wall: performance.now() - start };
}

function grep() {
  const start = performance.now();
  spawnSync('grep', ['-rlF', 'go:linkname', '--include=*.go', '--include=*.s', src], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { wall: performance.now() - start };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm the page cache once for both tools, then alternate runs so both see the same machine state.
grep();
linkfix([]);
const runs = { grep: [], auto: [], one: [], two: [], floor: [], start: [] };
let last;
for (let i = 0; i < RUNS; i++) {
  runs.grep.push(grep().wall);
  last = linkfix([]);
  runs.auto.push(last);
  runs.one.push(linkfix(['--jobs', '1']));
  runs.two.push(linkfix(['--jobs', '2']));
  runs.floor.push(floor([src]).wall);
  runs.start.push(nodeStart().wall);
}
const files = Number(/(\d+) files/.exec(last.summary)?.[1] ?? 0);
const g = median(runs.grep);
const a = median(runs.auto.map((r) => r.wall));
console.log(`GOROOT/src: ${src} (${files} .go/.s files), median of ${RUNS} runs`);
console.log(`grep -rlF go:linkname      ${g.toFixed(0).padStart(6)} ms`);
console.log(`linkfix scan (auto jobs)   ${a.toFixed(0).padStart(6)} ms   ratio ${(a / g).toFixed(2)}x grep   ${(files / (a / 1000)).toFixed(0)} files/s`);
console.log(`linkfix scan --jobs 1      ${median(runs.one.map((r) => r.wall)).toFixed(0).padStart(6)} ms`);
console.log(`linkfix scan --jobs 2      ${median(runs.two.map((r) => r.wall)).toFixed(0).padStart(6)} ms`);
console.log(`  of which in-process scan ${median(runs.auto.map((r) => r.ms)).toFixed(0).padStart(6)} ms (the rest is Node start-up and module loading)`);
const fl = median(runs.floor);
console.log(`Node floor: walk + read    ${fl.toFixed(0).padStart(6)} ms   ratio ${(fl / g).toFixed(2)}x grep (bench/read-floor.mjs: no parsing, no output)`);
console.log(`Node start-up (node -e 0)  ${median(runs.start).toFixed(0).padStart(6)} ms`);
console.log(`peak RSS                   ${(Math.max(...runs.auto.map((r) => r.rss)) / 1024).toFixed(0).padStart(6)} MB`);
console.log(`summary: ${last.summary}`);

// Catalogs: loading one in a fresh process (what a scan pays per release it judges), and building one from a GOROOT.
const { shippedReleases } = await import(join(ROOT, 'dist/catalog/load.js'));
const { buildCatalog } = await import(join(ROOT, 'dist/catalog/build.js'));
const loadOnce = (release) =>
  Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', `
      const { readCatalogFile, SHIPPED_DIR } = await import(${JSON.stringify(join(ROOT, 'dist/catalog/load.js'))});
      const t = performance.now();
      readCatalogFile(new URL(${JSON.stringify(`${release}.json.gz`)}, SHIPPED_DIR)).symbols.get('runtime.nanotime');
      console.log(performance.now() - t);`], { encoding: 'utf8' }),
  );
const loads = shippedReleases().map((release) => [release, median(Array.from({ length: RUNS }, () => loadOnce(release)))]);
console.log(`catalog load (fresh process, median)  ${loads.map(([r, ms]) => `${r} ${ms.toFixed(0)} ms`).join(', ')}`);
const goroot = dirname(src);
const t = performance.now();
const built = await buildCatalog({ goroot });
console.log(`catalog build from ${goroot} (${built.go}, go list included)  ${(performance.now() - t).toFixed(0)} ms`);

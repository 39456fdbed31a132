// npm run bench: every row of issue 12's table and issue 13's deps row, each
// as a ratio against a baseline measured in the same run, with peak RSS, and
// the versions that deps's fixed-version search fetched. Whole processes are
// timed (start-up and module loading included), tools alternating so that
// each sees the same machine state; medians are printed. Nothing is asserted.
// On a shared machine wall times wait for a core: the CPU-time ratio (user +
// sys, from GNU time) and the load average printed with them say how much.
//
// BENCH_RUNS (default 5): runs of the rows that take a second or two.
// BENCH_LARGE_RUNS (default 3): runs of `fix` and of the 10× GOROOT/src tree.
// BENCH_ONLY (default all): the sections to run, comma-separated, of scan
// (small module and GOROOT/src), catalog, fix, tree (10× GOROOT/src), deps
// (issue 13: a ~100-module build) and search (issue 13: versions fetched by
// the fixed-version search), e.g. `BENCH_ONLY=deps,search npm run bench`.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin/linkfix.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const LARGE_RUNS = Number(process.env.BENCH_LARGE_RUNS ?? 3);
const TIME = '/usr/bin/time'; // GNU time: the peak RSS of the measured process itself
const SMALL_MODULE = join(ROOT, 'fixtures/fix/rewrite');
const FIX_MODULES = ['github.com/bytedance/mockey@v1.4.6', 'github.com/timandy/routine@v1.1.6'];
const ALL_RELEASES = ['--go', '>=1.0'];
// About 100 dependency modules with their tests' imports, none failing (deps exits 0).
const DEPS_MODULE = 'github.com/open-policy-agent/opa@v1.22.3';
// parquet-go v0.20.0, fixed in v0.23.0: the fixed-version search has newer versions to bisect.
const SEARCH_MODULE = join(ROOT, 'fixtures/deps/app');

const SECTIONS = ['scan', 'catalog', 'fix', 'tree', 'deps', 'search'];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : SECTIONS;
const unknown = only.filter((s) => !SECTIONS.includes(s));
if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (sections: ${SECTIONS.join(', ')})`);
const selected = (section) => only.includes(section);

const work = mkdtempSync(join(tmpdir(), 'linkfix-bench-'));
const rssFile = join(work, 'rss');
const sinkFile = join(work, 'out');
const hasTime = existsSync(TIME);
const modcache = join(work, 'modcache');

/**
 * Runs `cmd args` once: wall time in ms, CPU time in ms and peak RSS in MB
 * (null without GNU time). Its stdout goes to a file, or with `to: 'pipe'` into a pipe that this
 * process reads. Exit status 1 is linkfix's "something fails", not an error.
 */
function measure(cmd, args, { to = 'file', cwd = ROOT, env = process.env } = {}) {
  const out = to === 'file' ? openSync(sinkFile, 'w') : 'pipe';
  const argv = hasTime ? [TIME, '-f', '%U %S %M', '-o', rssFile, cmd, ...args] : [cmd, ...args];
  const start = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', out, 'pipe'], maxBuffer: 1 << 30 });
  const ms = performance.now() - start;
  if (typeof out === 'number') closeSync(out);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const [user, sys, kb] = hasTime ? readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
  return { ms, cpu: hasTime ? (user + sys) * 1000 : null, rss: hasTime ? kb / 1024 : null, stderr: String(r.stderr) };
}

const linkfix = (args, options) => measure(process.execPath, [CLI, ...args], options);
const nodeStart = () => measure(process.execPath, ['-e', '0']);
const grep = (dir) => measure('grep', ['-rlF', 'go:linkname', '--include=*.go', '--include=*.s', dir]);
const floor = (dir) => measure(process.execPath, [join(ROOT, 'bench/read-floor.mjs'), dir]);
const parseFloor = (dir) => measure(process.execPath, [join(ROOT, 'bench/read-floor.mjs'), '--parse', dir]);

/** Runs every job `runs` times, alternating, and returns each job's median run (by wall time), median CPU time and highest RSS. */
function alternate(runs, jobs) {
  const all = Object.fromEntries(Object.keys(jobs).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, job] of Object.entries(jobs)) all[k].push(job());
  return Object.fromEntries(
    Object.entries(all).map(([k, list]) => {
      const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const byWall = [...list].sort((a, b) => a.ms - b.ms);
      return [k, { ...byWall[Math.floor(list.length / 2)], cpu: hasTime ? median(list.map((r) => r.cpu)) : null, rss: hasTime ? Math.max(...list.map((r) => r.rss)) : null }];
    }),
  );
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const mb = (r) => (r.rss === null ? 'n/a' : `${r.rss.toFixed(0)} MB`);
const ratio = (a, b) => `${(a.ms / b.ms).toFixed(2)}x`;
const cpuRatio = (a, b) => (a.cpu === null || !b.cpu ? 'n/a' : `${(a.cpu / b.cpu).toFixed(2)}x`);
const summaryOf = (r) => r.stderr.trim().split('\n').pop();
/** One table row: what ran, its wall time, the baseline's, the wall and CPU-time ratios, linkfix's peak RSS. */
function row(what, run, baselineName, baseline) {
  console.log(`${what.padEnd(64)} ${secs(run.ms).padStart(8)}   ${`${baselineName} ${secs(baseline.ms)}`.padEnd(26)} ${ratio(run, baseline).padStart(7)} ${cpuRatio(run, baseline).padStart(7)}   ${mb(run).padStart(7)}`);
}
function header(title) {
  console.log(`\n${title}`);
  console.log(`${'run'.padEnd(64)} ${'linkfix'.padStart(8)}   ${'baseline'.padEnd(26)} ${'ratio'.padStart(7)} ${'cpu'.padStart(7)}   ${'peak RSS'.padStart(7)}`);
}
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${availableParallelism()} cores`;

/** A copy of a module from the module cache (fetched through the proxy when missing): never written into GOMODCACHE. */
function moduleCopy(modVersion) {
  const info = JSON.parse(execFileSync('go', ['mod', 'download', '-json', modVersion], { cwd: work, encoding: 'utf8' }));
  const dir = join(work, 'modules', modVersion.replace(/[/@]/g, '_'));
  cpSync(info.Dir, dir, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', dir]);
  return dir;
}

/** The module zips in a module cache's download directory, as escaped-path@version. */
function zipsIn(cache) {
  const root = join(cache, 'cache', 'download');
  const files = existsSync(root) ? readdirSync(root, { recursive: true }) : [];
  return new Set(files.filter((f) => f.endsWith('.zip')).map((f) => f.replace(`${sep}@v${sep}`, '@').replace(/\.zip$/, '').split(sep).join('/')));
}
/** A module path as the module cache spells it (an upper-case letter becomes ! and the letter). */
const escapedPath = (path) => path.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);

const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const src = join(goroot, 'src');
const started = performance.now();
try {
  console.log(`linkfix bench: ${execFileSync('go', ['version'], { encoding: 'utf8' }).trim()}, node ${process.version}; medians of ${RUNS} runs (${LARGE_RUNS} for fix and the 10x tree), peak RSS the highest of them; sections: ${only.join(', ')}`);
  console.log(load());
  if (!hasTime) console.log(`(no ${TIME}: CPU time and peak RSS not measured)`);

  if (selected('scan')) {
    // Small module, every release judged, against Node's own start-up.
    const small = alternate(RUNS, {
      scan: () => linkfix(['scan', ...ALL_RELEASES, SMALL_MODULE]),
      node: nodeStart,
    });
    header('scans');
    row(`scan of a small module (${summaryOf(small.scan).match(/\d+ files/)?.[0]}, every release judged)`, small.scan, 'node -e 0', small.node);

    // GOROOT/src: text and JSON reports against grep; the bare Node walk-and-read against grep.
    grep(src); // warm the page cache
    const std = alternate(RUNS, {
      text: () => linkfix(['scan', src]),
      json: () => linkfix(['scan', '--format', 'json', src]),
      grep: () => grep(src),
      floor: () => floor(src),
      parseFloor: () => parseFloor(src),
    });
    const stdFiles = summaryOf(std.text).match(/\d+ files/)?.[0];
    row(`scan of GOROOT/src (${stdFiles}), text`, std.text, 'grep', std.grep);
    row(`scan of GOROOT/src (${stdFiles}), JSON`, std.json, 'grep', std.grep);
    row('Node floor: walk + read + prefilter (bench/read-floor.mjs)', std.floor, 'grep', std.grep);
    row('  and parse what passes (bench/read-floor.mjs --parse)', std.parseFloor, 'grep', std.grep);
  }

  if (selected('catalog')) {
    // The catalog: in a fresh process, judging a scan for every release against the same scan unjudged.
    const catalogRuns = Array.from({ length: RUNS }, () =>
      JSON.parse(
        execFileSync(process.execPath, ['--input-type=module', '-e', `
          const { scan } = await import(${JSON.stringify(join(ROOT, 'dist/index.js'))});
          const dir = ${JSON.stringify(SMALL_MODULE)};
          await scan([dir], { verdicts: false });
          let t = performance.now();
          await scan([dir], { verdicts: false });
          const scanMs = performance.now() - t;
          t = performance.now();
          await scan([dir], { go: '>=1.0' });
          console.log(JSON.stringify({ judged: performance.now() - t, scanMs }));`], { encoding: 'utf8' }),
      ),
    ).map((r) => r.judged - r.scanMs).sort((a, b) => a - b);
    console.log(`verdict data for every release, first use in a fresh process (judging the small module's scan, less the scan): ${catalogRuns[Math.floor(RUNS / 2)].toFixed(0)} ms`);
  }

  if (selected('fix')) {
    // fix --dry-run on ~100-file modules, against Node's start-up and against a scan of the same module.
    // With a GOROOT no shipped catalog holds (a patch release between shipped ones), the first fix
    // parses the std packages it may copy from and caches what it found: that run is printed apart.
    header('fix --dry-run');
    for (const modVersion of FIX_MODULES) {
      const dir = moduleCopy(modVersion);
      const env = { ...process.env, XDG_CACHE_HOME: join(work, `xdg-fix-${modVersion.split('/').pop()}`) };
      const first = linkfix(['fix', '--dry-run', dir], { env });
      const fix = alternate(LARGE_RUNS, {
        fix: () => linkfix(['fix', '--dry-run', dir], { env }),
        scan: () => linkfix(['scan', dir], { env }),
        node: nodeStart,
      });
      const files = summaryOf(fix.scan).match(/\d+ files/)?.[0];
      const pulls = summaryOf(fix.scan).match(/\d+ pulls, \d+ asm-pulls/)?.[0];
      row(`fix --dry-run ${modVersion.split('/').pop()} (${files}, ${pulls})`, fix.fix, 'node -e 0', fix.node);
      row(`  the same`, fix.fix, 'its scan', fix.scan);
      row(`  its first run, empty linkfix cache (one run)`, first, 'node -e 0', fix.node);
    }
  }

  if (selected('tree')) {
    // GOROOT/src ten times over, hard-linked (the page cache holds it once, as it holds a real tree once read).
    const tree = join(work, 'tree');
    mkdirSync(tree);
    for (let i = 0; i < 10; i++) execFileSync('cp', ['-al', src, join(tree, `copy${i}`)]);
    grep(tree);
    const big = alternate(LARGE_RUNS, {
      one: () => linkfix(['scan', '--format', 'json', '--jobs', '1', tree]),
      two: () => linkfix(['scan', '--format', 'json', '--jobs', '2', tree]),
      grep: () => grep(tree),
      floor: () => floor(tree),
      parseFloor: () => parseFloor(tree),
    });
    const piped = alternate(1, {
      one: () => linkfix(['scan', '--format', 'json', '--jobs', '1', tree], { to: 'pipe' }),
      two: () => linkfix(['scan', '--format', 'json', '--jobs', '2', tree], { to: 'pipe' }),
    });
    const bigFiles = summaryOf(big.one).match(/\d+ files/)?.[0];
    header(`10x GOROOT/src (${bigFiles})`);
    row('scan, JSON to a file, 1 thread', big.one, 'grep', big.grep);
    row('scan, JSON to a file, 2 threads', big.two, 'grep', big.grep);
    row('scan, JSON into a pipe, 1 thread (one run)', piped.one, 'grep', big.grep);
    row('scan, JSON into a pipe, 2 threads (one run)', piped.two, 'grep', big.grep);
    row('Node floor: walk + read + prefilter', big.floor, 'grep', big.grep);
    row('  and parse what passes', big.parseFloor, 'grep', big.grep);
    console.log(`\nsummary of the 10x scan: ${summaryOf(big.one)}`);
  }

  if (selected('deps')) {
    // deps on a ~100-module build against the go list that deps itself starts (src/deps/golist.ts,
    // buildPackages: the main module's packages and their tests, for deps's default linux/amd64),
    // and against the plain `go list -deps -json` of the same packages. One untimed run of each
    // warms the module cache; linkfix's per-version result cache is emptied before each cold run
    // and kept for the warm one.
    const dir = moduleCopy(DEPS_MODULE);
    const packages = `${DEPS_MODULE.split('@')[0]}/...`;
    const goEnv = { ...process.env, GOOS: 'linux', GOARCH: 'amd64' };
    const goList = (json) => () => measure('go', ['list', '-deps', '-e', json, '-test', packages], { cwd: dir, env: goEnv });
    const depsEnv = { ...process.env, XDG_CACHE_HOME: join(work, 'xdg') };
    const resultCache = join(work, 'xdg', 'linkfix', 'deps');
    const jobs = {
      cold: () => {
        rmSync(resultCache, { recursive: true, force: true });
        return linkfix(['deps', dir], { env: depsEnv });
      },
      warm: () => linkfix(['deps', dir], { env: depsEnv }),
      goList: goList('-json=ImportPath,Dir,Standard,Module,GoFiles,CgoFiles,SFiles,ForTest,Error'),
      goListAll: goList('-json'),
    };
    const first = Object.fromEntries(Object.entries(jobs).map(([k, job]) => [k, job()]));
    const d = alternate(RUNS, jobs);
    const [, modules, pkgs] = summaryOf(d.warm).match(/(\d+) dependency modules \((\d+) packages\)/) ?? [];
    header(`deps ${DEPS_MODULE.split('/').pop()} (${modules} dependency modules, ${pkgs} packages, tests' imports included)`);
    row('deps, cold linkfix cache', d.cold, 'its go list', d.goList);
    row('deps, warm linkfix cache', d.warm, 'its go list', d.goList);
    row('deps, cold linkfix cache', d.cold, 'go list -json', d.goListAll);
    row('deps, warm linkfix cache', d.warm, 'go list -json', d.goListAll);
    console.log(`its go list: go list -deps -e -json=<the fields deps reads> -test ${packages}; go list -json: every field`);
    console.log(`the untimed first runs, in this order, on the page cache as found: deps ${secs(first.cold.ms)}, its go list ${secs(first.goList.ms)}`);
    console.log(`summary of a cold run: ${summaryOf(d.cold)}`);
    console.log(`summary of a warm run: ${summaryOf(d.warm)}`);
  }

  if (selected('search')) {
    // The fixed-version search fetches at most ⌈log2(n)⌉ + 2 versions of a module with n newer
    // ones (issue 13): counted as the versions deps reports checked, and as the module zips that
    // appear during its run in an empty module cache (fetched through the configured GOPROXY).
    const env = { ...process.env, GOMODCACHE: modcache, GOFLAGS: `${process.env.GOFLAGS ?? ''} -modcacherw`.trim() };
    execFileSync('go', ['mod', 'download'], { cwd: SEARCH_MODULE, env, stdio: 'ignore' }); // the versions in use are not the search's
    const before = zipsIn(modcache);
    const run = linkfix(['deps', '--no-cache', '--format', 'json', SEARCH_MODULE], { env });
    const fetched = [...zipsIn(modcache)].filter((zip) => !before.has(zip));
    const report = JSON.parse(readFileSync(sinkFile, 'utf8'));
    console.log(`\nfixed-version search: deps --no-cache of fixtures/deps/app on an empty module cache, ${secs(run.ms)}`);
    for (const m of report.modules.filter((m) => m.search)) {
      const n = m.search.candidates;
      const zips = fetched.filter((zip) => zip.startsWith(`${escapedPath(m.path)}@`)).length;
      const found = m.search.fixed ? `fixed in ${m.search.fixed.version}` : `no fixed version${m.search.error ? `: ${m.search.error}` : ''}`;
      console.log(`${m.path}@${m.version}: n = ${n} newer versions; ${m.search.checked.length} checked (${m.search.checked.join(' ')}), ${zips} module zips fetched; ⌈log2(n)⌉ + 2 = ${n > 0 ? Math.ceil(Math.log2(n)) + 2 : 0}; ${found}`);
    }
  }
} finally {
  // The search's module cache has read-only directories, as every module cache does.
  if (existsSync(modcache)) execFileSync('chmod', ['-R', 'u+w', modcache]);
  rmSync(work, { recursive: true, force: true });
}
console.log(`bench took ${secs(performance.now() - started)}; ${load()}`);

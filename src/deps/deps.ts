// linkfix deps: which dependency modules of a build pull what, which of those
// pulls fail on the selected Go releases, and the first newer version of each
// failing module that no longer fails. Stages: the build list (./golist.ts) →
// the compiled files of every dependency package, scanned in place and judged
// like `scan` → for each failing module, a search over its newer versions.

import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { shippedReleases } from '../catalog/load.js';
import { goMinor } from '../catalog/types.js';
import { judgeScan, knownCatalogs, selectMinors } from '../judge/judge.js';
import { FAILING } from '../judge/verdict.js';
import type { Finding } from '../model/types.js';
import { scan } from '../scan/scan.js';
import { BUILD } from '../version.js';
import { fileCache, noCache, resultCacheDir, type ResultCache } from '../catalog/result-cache.js';
import { buildPackages, compareVersions, compiledFiles, download, mainModules, moduleVersions, packagesIn, type GoEnv, type GoPackage } from './golist.js';

export interface DepsOptions {
  /** Go releases to judge, as for scan (default: from the main module's go directive to the newest known). */
  go?: string;
  /** GOOS/GOARCH of the build (default linux/amd64). */
  platform?: string;
  /** Build tags (comma-separated), passed to the go command. */
  tags?: string;
  /** Include what the main packages' tests import (default true). */
  tests?: boolean;
  /** Search newer versions of failing modules for a fixed one (default true). */
  search?: boolean;
  /** Cache results per module@version under the XDG cache dir (default true); or a directory. */
  cache?: boolean | string;
  /** Environment of the go command (GOPROXY, GOFLAGS, GOMODCACHE, …); default process.env. */
  env?: Record<string, string | undefined>;
  /** Where a message about building a catalog goes (default: stderr). */
  announce?: (message: string) => void;
  /** Told how many modules are checked and versions fetched so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The first newer version whose compiled packages have no failing pull. */
export interface FixedVersion {
  version: string;
  /** Its go.mod's `go` directive. */
  goVersion: string | null;
  /** It requires a newer Go than the main module's go directive. */
  requiresNewerGo: boolean;
  /** Packages the build uses that this version no longer has. */
  missingPackages: string[];
}

export interface VersionSearch {
  /** Null when no newer version is fixed (or none could be checked). */
  fixed: FixedVersion | null;
  /** The newest version, when it still fails: its failing pulls. */
  newest: { version: string; failing: Finding[] } | null;
  /** Versions fetched and checked, in the order they were. */
  checked: string[];
  /** Newer versions listed by the proxy. */
  candidates: number;
  /** Why the search could not finish (a fetch or listing that failed). */
  error: string | null;
}

export interface DependencyModule {
  path: string;
  /** The version in use (null for a module replaced by a directory). */
  version: string | null;
  /** Where its files are read: the module cache, vendor/, or a replacement directory. */
  dir: string;
  /** `=> path@version` or `=> ./dir` when go.mod replaces it. */
  replace: string | null;
  /** The module's compiled packages, by import path. */
  packages: string[];
  /** Pulls in compiled files, judged; `file` is relative to `dir`. */
  pulls: Finding[];
  /** A pull fails on a selected release. */
  fails: boolean;
  /** For a failing module: the search for a fixed version (null when not searched). */
  search: VersionSearch | null;
}

export interface DepsResult {
  /** The directory deps ran in (a module or a workspace). */
  dir: string;
  mainModules: { path: string; goVersion: string | null }[];
  platform: string;
  tags: string | null;
  tests: boolean;
  /** The Go releases judged, e.g. ['go1.22.12', …]. */
  releases: string[];
  /** Every dependency module with a compiled package, sorted by path. */
  modules: DependencyModule[];
  /** Problems with the build list (a package that does not load). */
  errors: string[];
  stats: { packages: number; fetched: number; cached: number; durationMs: number };
}

/** Verdicts that fail, for the pulls of a module version. */
export const failingPulls = (pulls: Finding[]): Finding[] => pulls.filter((f) => (f.verdicts ?? []).some((v) => FAILING.has(v.verdict)));

interface Run {
  goEnv: GoEnv;
  /** The selected releases as a --go spec of minors (`1.22,1.23`): exact, whatever the module's go directive. */
  goSpec: string;
  key: string;
  cache: ResultCache;
  announce: (m: string) => void;
  userGo: string | null;
  stats: DepsResult['stats'];
  progress: { done: number; total: number; tell: () => void };
}

export async function deps(dir = '.', options: DepsOptions = {}): Promise<DepsResult> {
  const started = performance.now();
  const abs = resolve(dir);
  const platform = options.platform ?? 'linux/amd64';
  const tests = options.tests ?? true;
  const goEnv: GoEnv = { platform, tags: options.tags, env: options.env };
  const announce = options.announce ?? ((m: string) => void process.stderr.write(`${m}\n`));

  const mains = await mainModules(abs, goEnv);
  const userGo = oldest(mains.map((m) => m.GoVersion ?? null));
  const catalogs = await knownCatalogs({ announce });
  const known = [...catalogs.keys()].sort((a, b) => a - b);
  const minors = selectMinors(options.go ?? (userGo ? `>=1.${Math.min(goMinor(userGo), known[known.length - 1]!)}` : `>=1.${known[0]}`), known);
  const releases = minors.map((m) => catalogs.get(m)!().go);
  const { packages, errors } = await buildPackages(abs, mains, { ...goEnv, tests });

  const cache = options.cache === false ? noCache : fileCache(typeof options.cache === 'string' ? options.cache : resultCacheDir('deps', options.env ?? process.env));
  const run: Run = {
    goEnv,
    goSpec: minors.map((m) => `1.${m}`).join(','),
    key: JSON.stringify({ linkfix: BUILD, catalogs: shippedReleases(), releases, platform, tags: options.tags ?? '' }),
    cache,
    announce,
    userGo,
    stats: { packages: 0, fetched: 0, cached: 0, durationMs: 0 },
    progress: { done: 0, total: 0, tell: () => options.onProgress?.(run.progress.done, run.progress.total) },
  };

  const modules = groupByModule(packages.filter((p) => !p.Standard && p.Module && !p.Module.Main));
  run.stats.packages = [...modules.values()].reduce((n, m) => n + m.packages.length, 0);
  run.progress.total = modules.size;
  const result = await checkInUse([...modules.values()], abs, run);
  if (options.search !== false) {
    for (const m of result.filter((m) => m.fails && m.version && !m.replace)) {
      m.search = await searchFixed(m, run);
    }
  }
  run.stats.durationMs = Math.round(performance.now() - started);
  return {
    dir: abs,
    mainModules: mains.map((m) => ({ path: m.Path, goVersion: m.GoVersion ?? null })),
    platform,
    tags: options.tags ?? null,
    tests,
    releases,
    modules: result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    errors,
    stats: run.stats,
  };
}

interface ModuleUse {
  path: string;
  version: string | null;
  dir: string;
  replace: string | null;
  /** From the module cache, so immutable: its result may be cached. */
  immutable: boolean;
  packages: GoPackage[];
}

function groupByModule(packages: GoPackage[]): Map<string, ModuleUse> {
  const out = new Map<string, ModuleUse>();
  for (const p of packages) {
    const m = p.Module!;
    let use = out.get(m.Path);
    if (!use) {
      const r = m.Replace;
      const replace = r ? (r.Version ? `${r.Path}@${r.Version}` : r.Path) : null;
      const dir = r?.Dir ?? m.Dir ?? moduleRoot(p, m.Path);
      const vendored = !m.Dir && !r?.Dir;
      use = { path: m.Path, version: r ? (r.Version ?? null) : (m.Version ?? null), dir, replace, immutable: !vendored && (!r || !!r.Version), packages: [] };
      out.set(m.Path, use);
    }
    use.packages.push(p);
  }
  return out;
}

/** A vendored package's module directory: its Dir less the import path below the module path. */
function moduleRoot(p: GoPackage, modulePath: string): string {
  const below = p.ImportPath.slice(modulePath.length);
  return below && p.Dir?.endsWith(below.split('/').join(sep)) ? p.Dir.slice(0, p.Dir.length - below.length) : (p.Dir ?? '');
}

/**
 * Scans the compiled files of every module version not in the cache in one
 * scan (one judge, one worker pool), then splits the pulls by module.
 */
async function checkInUse(uses: ModuleUse[], base: string, run: Run): Promise<DependencyModule[]> {
  const keyOf = (u: ModuleUse): string => `${run.key}|pulls|${u.path}@${u.version}|${u.packages.map((p) => p.ImportPath).sort().join(',')}`;
  const pullsOf = new Map<ModuleUse, Finding[]>();
  const todo: ModuleUse[] = [];
  for (const u of uses) {
    const hit = u.immutable ? run.cache.get<Finding[]>(keyOf(u)) : undefined;
    if (hit) {
      pullsOf.set(u, hit);
      run.stats.cached++;
    } else todo.push(u);
  }
  if (todo.length > 0) {
    const files = todo.flatMap((u) => u.packages.flatMap(compiledFiles));
    // A finding belongs to the module with the longest directory holding it (vendor/a/b is not vendor/a's).
    const byDepth = [...todo].sort((a, b) => b.dir.length - a.dir.length);
    for (const u of todo) pullsOf.set(u, []);
    for (const f of await judgeFiles(files, base, run)) {
      const file = resolve(base, f.file);
      const owner = byDepth.find((u) => file.startsWith(u.dir + sep));
      if (owner) pullsOf.get(owner)!.push(withBase(f, base, owner.dir));
    }
    for (const u of todo) if (u.immutable) run.cache.set(keyOf(u), pullsOf.get(u));
  }
  return uses.map((u) => {
    run.progress.done++;
    run.progress.tell();
    const pulls = pullsOf.get(u) ?? [];
    return {
      path: u.path,
      version: u.version,
      dir: u.dir,
      replace: u.replace,
      packages: u.packages.map((p) => p.ImportPath).sort(),
      pulls,
      fails: failingPulls(pulls).length > 0,
      search: null,
    };
  });
}

/** Scans files in place and judges their pulls for the run's releases and platform. */
async function judgeFiles(files: string[], base: string, run: Run): Promise<Finding[]> {
  if (files.length === 0) return [];
  const scanned = await scan(files, { base });
  const judged = await judgeScan(scanned, { go: run.goSpec, platform: run.goEnv.platform, tags: run.goEnv.tags, announce: run.announce });
  return judged.findings.filter((f) => f.verdicts);
}

/** A finding's paths, relative to `dir` instead of `base`. */
function withBase(f: Finding, base: string, dir: string): Finding {
  const rebase = (file: string): string => relative(dir, resolve(base, file)).split(sep).join('/');
  return { ...f, file: rebase(f.file), declaration: f.declaration ? { ...f.declaration, file: rebase(f.declaration.file) } : null };
}

interface VersionCheck {
  goVersion: string | null;
  missingPackages: string[];
  failing: Finding[];
}

/**
 * The first fixed one of `n` versions in semver order, by bisection: the newest
 * first (if it fails, none is fixed), then the middle of the range between the
 * newest known failing (at first the version in use, -1) and the oldest known
 * fixed, so the answer is a fixed version whose predecessor was seen failing —
 * at most ⌈log2 n⌉ + 1 checks. Assumes a fix stays fixed in later versions.
 */
export async function bisectFixed(n: number, fails: (i: number) => Promise<boolean>): Promise<number | null> {
  if (n === 0 || (await fails(n - 1))) return null;
  let failing = -1;
  let fixed = n - 1;
  while (fixed - failing > 1) {
    const mid = (failing + fixed) >> 1;
    if (await fails(mid)) failing = mid;
    else fixed = mid;
  }
  return fixed;
}

/** The newer versions of a failing module, searched for the first one whose same packages have no failing pull. */
async function searchFixed(m: DependencyModule, run: Run): Promise<VersionSearch> {
  const search: VersionSearch = { fixed: null, newest: null, checked: [], candidates: 0, error: null };
  let candidates: string[];
  try {
    const all = (await moduleVersions(m.path, run.goEnv)).filter((v) => compareVersions(v, m.version!) > 0);
    // A pre-release is offered only when no release is newer.
    const releases = all.filter((v) => !/^v\d+\.\d+\.\d+-/.test(v));
    candidates = (releases.length > 0 ? releases : all).sort(compareVersions);
  } catch (e) {
    search.error = (e as Error).message;
    return search;
  }
  search.candidates = candidates.length;
  run.progress.total += candidates.length > 0 ? Math.ceil(Math.log2(candidates.length)) + 1 : 0;
  const checks = new Map<number, VersionCheck>();
  try {
    const fixed = await bisectFixed(candidates.length, async (i) => {
      search.checked.push(candidates[i]!);
      const c = await checkVersion(m, candidates[i]!, run);
      checks.set(i, c);
      run.progress.done++;
      run.progress.tell();
      return c.failing.length > 0;
    });
    if (fixed !== null) {
      const c = checks.get(fixed)!;
      search.fixed = {
        version: candidates[fixed]!,
        goVersion: c.goVersion,
        requiresNewerGo: !!c.goVersion && !!run.userGo && compareGo(c.goVersion, run.userGo) > 0,
        missingPackages: c.missingPackages,
      };
    } else if (candidates.length > 0) {
      search.newest = { version: candidates[candidates.length - 1]!, failing: checks.get(candidates.length - 1)!.failing };
    }
  } catch (e) {
    search.error = (e as Error).message;
  }
  return search;
}

/** One version of a module: fetched (unless cached), its same packages' compiled files scanned and judged. */
async function checkVersion(m: DependencyModule, version: string, run: Run): Promise<VersionCheck> {
  const key = `${run.key}|version-check|${m.path}@${version}|${[...m.packages].sort().join(',')}`;
  const hit = run.cache.get<VersionCheck>(key);
  if (hit) {
    run.stats.cached++;
    return hit;
  }
  const fetched = await download(m.path, version, run.goEnv);
  run.stats.fetched++;
  const packages = await packagesIn(m.path, fetched.dir, m.packages, run.goEnv);
  const found = packages.filter((p) => !p.Error);
  const pulls = (await judgeFiles(found.flatMap((p) => compiledFiles({ ...p, Dir: p.Dir ?? fetched.dir })), fetched.dir, run)).map((f) => withBase(f, fetched.dir, fetched.dir));
  const result: VersionCheck = {
    goVersion: goDirective(fetched.goMod),
    missingPackages: packages.filter((p) => p.Error).map((p) => p.ImportPath),
    failing: failingPulls(pulls),
  };
  run.cache.set(key, result);
  return result;
}

function goDirective(goModPath: string | null): string | null {
  if (!goModPath) return null;
  try {
    return /^go\s+(\d+\.\d+(?:\.\d+)?\S*)\s*$/m.exec(readFileSync(goModPath, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** `1.22` < `1.22.3` < `1.23rc1` < `1.23.0` (only the numbers count here). */
function compareGo(a: string, b: string): number {
  const nums = (v: string): number[] => v.split(/[^\d]+/).filter(Boolean).map(Number);
  const [x, y] = [nums(a), nums(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The oldest go directive of the main modules: the release the user builds with at least. */
function oldest(versions: (string | null)[]): string | null {
  const present = versions.filter((v): v is string => !!v);
  return present.sort(compareGo)[0] ?? null;
}

/** Exit status: 2 when no dependency could be checked because the build list did not load, else 1 when a dependency fails, else 0. */
export function depsExitStatus(r: DepsResult): 0 | 1 | 2 {
  if (r.modules.length === 0 && r.errors.length > 0) return 2;
  return r.modules.some((m) => m.fails) ? 1 : 0;
}

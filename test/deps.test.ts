// linkfix deps: the dependencies of real modules (fixtures/deps/app requires
// parquet-go v0.20.0, whose hashprobe/aeshash assembly reads
// runtime·aeskeysched, fixed in v0.23.0; fixtures/deps/nofix requires the
// archived segmentio/parquet-go, never fixed) judged per Go release, the first
// newer version that is fixed, --write, and the real toolchains agreeing.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bisectFixed } from '../src/deps/deps.js';
import { FIXTURES, runCli, tempDir } from './helpers.js';

const APP = join(FIXTURES, 'deps', 'app');
const PARQUET = 'github.com/parquet-go/parquet-go';
const GOMODCACHE = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();

/** Every file under dir: path, size and content hash (a change anywhere shows). */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

interface Report {
  schemaVersion: number;
  judged: { platform: string; releases: string[] };
  modules: { path: string; version: string; packages: string[]; fails: boolean; pulls: { file: string; target: { raw: string }; verdicts: { go: string; verdict: string }[] }[]; search: { fixed: { version: string; goVersion: string; requiresNewerGo: boolean } | null; checked: string[]; candidates: number; error: string | null } | null }[];
  summary: { fetched: number; cached: number };
}

function depsJson(args: string[], env: Record<string, string>, cwd = APP): { status: number; report: Report; stderr: string } {
  const r = runCli(['deps', '--format', 'json', ...args], { cwd, env });
  return { status: r.status, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe('deps on a module whose dependency fails from Go 1.23', () => {
  const env = { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') };
  let first: ReturnType<typeof depsJson>;
  let appBefore: string;
  let inUseBefore: string;
  beforeAll(() => {
    appBefore = treeHash(APP);
    inUseBefore = treeHash(join(GOMODCACHE, `${PARQUET}@v0.20.0`));
    first = depsJson([], env);
  }, 300_000);

  test('exit 1, and the failing pulls with their verdict per release', () => {
    expect(first.status).toBe(1);
    expect(first.report.schemaVersion).toBe(1);
    expect(first.report.judged.releases.map((r) => r.replace(/^go(1\.\d+).*/, '$1'))).toEqual(['1.22', '1.23', '1.24', '1.25', '1.26', '1.27']);
    const parquet = first.report.modules.find((m) => m.path === PARQUET)!;
    expect(parquet).toMatchObject({ version: 'v0.20.0', fails: true });
    expect(parquet.pulls.length).toBeGreaterThan(0);
    for (const p of parquet.pulls) {
      expect(p.file).toBe('hashprobe/aeshash/aeshash_amd64.s');
      expect(p.target.raw).toBe('runtime.aeskeysched');
      expect(Object.fromEntries(p.verdicts.map((v) => [v.go, v.verdict]))).toEqual({
        '1.22': 'ok-unchecked', '1.23': 'rejected', '1.24': 'rejected', '1.25': 'rejected', '1.26': 'rejected', '1.27': 'missing',
      });
    }
    expect(first.report.modules.filter((m) => m.fails).map((m) => m.path)).toEqual([PARQUET]);
  });

  test('only the packages the build compiles are reported', () => {
    const parquet = first.report.modules.find((m) => m.path === PARQUET)!;
    // The module's root package (and its tests, and its purego files) are not compiled for this program.
    expect(parquet.packages).toEqual([`${PARQUET}/hashprobe/aeshash`, `${PARQUET}/sparse`]);
    const files = first.report.modules.flatMap((m) => m.pulls.map((p) => p.file));
    expect(files.filter((f) => f.endsWith('_test.go') || f.includes('purego'))).toEqual([]);
  });

  test('the first newer version that is fixed, found in at most ⌈log2 n⌉ + 2 fetches', () => {
    const { search } = first.report.modules.find((m) => m.path === PARQUET)!;
    expect(search!.error).toBeNull();
    expect(search!.fixed).toEqual({ version: 'v0.23.0', goVersion: '1.21', requiresNewerGo: false, missingPackages: [] });
    expect(search!.checked.length).toBeLessThanOrEqual(Math.ceil(Math.log2(search!.candidates)) + 2);
    expect(search!.checked).toContain('v0.23.0');
  });

  test('the text output names the module, its verdict row and the fixed version', () => {
    const r = runCli(['deps', '--go', '1.23,1.27'], { cwd: APP, env });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${PARQUET}@v0.20.0\n`);
    expect(r.stdout).toContain('1.23 rejected · 1.27 missing');
    expect(r.stdout).toContain('fixed in v0.23.0 (go 1.21)');
    const md = runCli(['deps', '--go', '1.27', '--format', 'markdown'], { cwd: APP, env });
    expect(md.stdout).toContain(`| \`${PARQUET}\` | v0.20.0 | 1.27 | fixed in v0.23.0 (go 1.21) |`);
  });

  test('a second run reads every result from the cache and fetches nothing', () => {
    const again = depsJson([], env);
    expect(again.report.summary.fetched).toBe(0);
    expect(again.report.summary.cached).toBeGreaterThan(0);
    expect(again.report.modules).toEqual(first.report.modules);
  });

  test('nothing is written into the module or the module cache', () => {
    expect(treeHash(APP)).toBe(appBefore);
    expect(treeHash(join(GOMODCACHE, `${PARQUET}@v0.20.0`))).toBe(inUseBefore);
    // The versions the search looks into, checked again without the result cache.
    const checked = first.report.modules.find((m) => m.path === PARQUET)!.search!.checked.map((v) => join(GOMODCACHE, `${PARQUET}@${v}`));
    const before = checked.map(treeHash);
    expect(runCli(['deps', '--no-cache'], { cwd: APP, env }).status).toBe(1);
    expect(checked.map(treeHash)).toEqual(before);
    expect(treeHash(APP)).toBe(appBefore);
  });

  test('the real toolchains agree: links with go1.22, invalid reference with go1.23, not defined with go1.27', () => {
    const build = (release: string) => spawnSync('go', ['build', '-o', join(tempDir(), 'app'), '.'], { cwd: APP, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: release, GOFLAGS: '-mod=mod' } });
    expect(build('go1.22.12').status).toBe(0);
    expect(build('go1.23.12').stderr).toContain('invalid reference to runtime.aeskeysched');
    expect(build('go1.27.4').stderr).toContain('relocation target runtime.aeskeysched not defined');
  }, 600_000);
});

describe('deps when no version is fixed', () => {
  // segmentio/parquet-go was archived with the pull: its last commit (no tag since) is the one in use.
  const NOFIX = join(FIXTURES, 'deps', 'nofix');
  const SEGMENTIO = 'github.com/segmentio/parquet-go';

  test('says so plainly, with the pulls that remain, and exits 1', () => {
    const env = { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') };
    const r = depsJson(['--go', '1.23'], env, NOFIX);
    expect(r.status).toBe(1);
    const m = r.report.modules.find((x) => x.path === SEGMENTIO)!;
    expect(m).toMatchObject({ version: 'v0.0.0-20230622230624-510764ae9e80', fails: true });
    expect(m.search).toMatchObject({ fixed: null, candidates: 0, error: null });
    expect(new Set(m.pulls.map((p) => `${p.file} ${p.target.raw} ${p.verdicts.map((v) => v.verdict).join()}`))).toEqual(new Set(['hashprobe/aeshash/aeshash_amd64.s runtime.aeskeysched rejected']));
    const text = runCli(['deps', '--go', '1.23'], { cwd: NOFIX, env });
    expect(text.stdout).toContain(`${SEGMENTIO}@v0.0.0-20230622230624-510764ae9e80\n`);
    expect(text.stdout).toContain('  no fixed version: no newer version is published\n');
  });

  test('the real toolchain agrees: invalid reference with go1.23', () => {
    const r = spawnSync('go', ['build', '-o', join(tempDir(), 'app'), '.'], { cwd: NOFIX, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'go1.23.12' } });
    expect(r.stderr).toContain('invalid reference to runtime.aeskeysched');
  }, 600_000);
});

describe('deps when newer versions exist and every one still fails', () => {
  // fjl/memsize stops the world through runtime.stopTheWorld and
  // runtime.startTheWorld, which no release since Go 1.23 lets a module pull;
  // v0.0.1 is in use and v0.0.2, the newest version the proxy lists, still does.
  const STILLFAILS = join(FIXTURES, 'deps', 'stillfails');
  const MEMSIZE = 'github.com/fjl/memsize';
  type Pull = { file: string; target: { raw: string }; verdicts?: { go: string; verdict: string }[] };
  type Search = NonNullable<Report['modules'][number]['search']> & { newest: { version: string; failing: Pull[] } | null };
  const rows = (pulls: Pull[]): Set<string> => new Set(pulls.map((p) => `${p.file} ${p.target.raw} ${(p.verdicts ?? []).map((v) => `${v.go}:${v.verdict}`).join()}`));
  const env = { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') };
  let json: ReturnType<typeof depsJson>;
  beforeAll(() => {
    json = depsJson(['--go', '1.23,1.27'], env, STILLFAILS);
  }, 300_000);

  test('exit 1, the module fails, and the search checked a newer version without finding a fix', () => {
    expect(json.status).toBe(1);
    const m = json.report.modules.find((x) => x.path === MEMSIZE)!;
    expect(m).toMatchObject({ version: 'v0.0.1', packages: [MEMSIZE], fails: true });
    expect(rows(m.pulls.filter((p) => p.verdicts.some((v) => v.verdict === 'rejected')))).toEqual(
      new Set(['runtimefunc.go runtime.stopTheWorld 1.23:rejected,1.27:rejected', 'runtimefunc.go runtime.startTheWorld 1.23:rejected,1.27:rejected']),
    );
    const search = m.search as Search;
    expect(search).toMatchObject({ fixed: null, error: null });
    expect(search.candidates).toBeGreaterThan(0);
    // The newest is checked first; it fails, so no older one can be the fix.
    expect(search.checked).toEqual(['v0.0.2']);
    expect(search.newest!.version).toBe('v0.0.2');
    expect(rows(search.newest!.failing)).toEqual(
      new Set(['runtimefunc.go runtime.startTheWorld 1.23:rejected,1.27:rejected', 'runtimefunc_go121.go runtime.stopTheWorld 1.23:rejected,1.27:rejected']),
    );
  });

  test('the text output says no version fixes it, and which pulls remain in the newest', () => {
    const r = runCli(['deps', '--go', '1.23'], { cwd: STILLFAILS, env });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${MEMSIZE}@v0.0.1\n`);
    expect(r.stdout).toContain('  no fixed version: the newest, v0.0.2, still fails\n');
    expect(r.stdout).toContain('  still failing in the newest version:\n');
    const remaining = r.stdout.slice(r.stdout.indexOf('still failing in the newest version:'));
    expect(remaining).toMatch(new RegExp(`${MEMSIZE}@v0\\.0\\.2/runtimefunc\\.go:\\d+:\\d+ +pull +runtime\\.startTheWorld`));
    expect(remaining).toMatch(new RegExp(`${MEMSIZE}@v0\\.0\\.2/runtimefunc_go121\\.go:\\d+:\\d+ +pull +runtime\\.stopTheWorld`));
    expect(remaining).not.toContain('runtime.chanbuf'); // pushed: it does not remain
  });

  test('the real toolchains agree: the version in use and the newest both fail to link from Go 1.23', () => {
    const build = (dir: string, release: string) => spawnSync('go', ['build', '-o', join(tempDir(), 'app'), '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: release, GOFLAGS: '-mod=mod' } });
    const invalid = 'link: github.com/fjl/memsize: invalid reference to runtime.stopTheWorld';
    expect(build(STILLFAILS, 'go1.23.12').stderr).toContain(invalid);
    const newest = tempDir('linkfix-deps-newest-');
    cpSync(STILLFAILS, newest, { recursive: true });
    const version = (json.report.modules.find((x) => x.path === MEMSIZE)!.search as Search).newest!.version;
    expect(spawnSync('go', ['get', `${MEMSIZE}@${version}`], { cwd: newest, encoding: 'utf8' }).status).toBe(0);
    expect(build(newest, 'go1.22.12').status).toBe(0);
    expect(build(newest, 'go1.23.12').stderr).toContain(invalid);
    expect(build(newest, 'go1.27.4').stderr).toContain(invalid);
  }, 600_000);
});

describe('deps per platform', () => {
  test('the amd64 assembly of a dependency is not compiled for linux/arm64: nothing fails there', () => {
    const r = depsJson(['--platform', 'linux/arm64'], { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') });
    expect(r.status).toBe(0);
    expect(r.report.modules.flatMap((m) => m.pulls.map((p) => p.file)).filter((f) => f.includes('_amd64'))).toEqual([]);
    expect(r.report.modules.find((m) => m.path === PARQUET)?.packages).toContain(`${PARQUET}/hashprobe/aeshash`);
  });
});

describe('deps on vendored builds and workspaces', () => {
  test('a vendored build is read from vendor/, and never from the cache (its files may be edited)', () => {
    const dir = tempDir('linkfix-deps-vendor-');
    cpSync(APP, dir, { recursive: true });
    expect(spawnSync('go', ['mod', 'vendor'], { cwd: dir }).status).toBe(0);
    const env = { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') };
    const vendored = depsJson(['--no-search', '--go', '1.23'], env, dir);
    expect(vendored.status).toBe(1);
    const parquet = vendored.report.modules.find((m) => m.path === PARQUET)!;
    expect(parquet).toMatchObject({ version: 'v0.20.0', dir: join(dir, 'vendor', PARQUET), fails: true });
    // Without the assembly's references, the same command finds nothing that fails.
    const asm = join(dir, 'vendor', PARQUET, 'hashprobe/aeshash/aeshash_amd64.s');
    writeFileSync(asm, readFileSync(asm, 'utf8').replaceAll('runtime·aeskeysched', '·localkeys'));
    expect(depsJson(['--no-search', '--go', '1.23'], env, dir).status).toBe(0);
  });

  test("what only the tests import is in the build list, unless --no-tests", () => {
    const dir = tempDir('linkfix-deps-tests-');
    cpSync(APP, dir, { recursive: true });
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    writeFileSync(join(dir, 'main_test.go'), 'package main\n\nimport (\n\t"testing"\n\n\t"github.com/parquet-go/parquet-go/hashprobe/aeshash"\n)\n\nfunc TestHash(t *testing.T) { _ = aeshash.Hash64(1, 2) }\n');
    const env = { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') };
    expect(depsJson(['--no-search', '--go', '1.23'], env, dir).report.modules.filter((m) => m.fails).map((m) => m.path)).toEqual([PARQUET]);
    const without = depsJson(['--no-search', '--go', '1.23', '--no-tests'], env, dir);
    expect(without.status).toBe(0);
    expect(without.report.modules).toEqual([]);
  });

  test('a go.work workspace: the build list of every module it uses', () => {
    const dir = tempDir('linkfix-deps-work-');
    cpSync(APP, join(dir, 'app'), { recursive: true });
    writeFileSync(join(dir, 'go.work'), 'go 1.22\n\nuse ./app\n');
    const r = depsJson(['--no-search', '--go', '1.23'], { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') }, dir);
    expect(r.status).toBe(1);
    expect(r.report.modules.filter((m) => m.fails).map((m) => m.path)).toEqual([PARQUET]);
  });
});

describe('deps with modules replaced by directories', () => {
  test('a module in a subdirectory of another keeps its own pulls', () => {
    const dir = tempDir('linkfix-deps-nested-');
    const pull = (pkg: string, local: string, target: string, decl: string): string => `package ${pkg}\n\nimport _ "unsafe"\n\n//go:linkname ${local} ${target}\n${decl}\n\nfunc Use() { _ = ${local} }\n`;
    mkdirSync(join(dir, 'app'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'go.mod'), 'module example.com/a\n\ngo 1.22\n');
    writeFileSync(join(dir, 'a', 'a.go'), pull('a', 'toUpper', 'strings.ToUpper', 'func toUpper(s string) string'));
    writeFileSync(join(dir, 'a', 'b', 'go.mod'), 'module example.com/a/b\n\ngo 1.22\n');
    writeFileSync(join(dir, 'a', 'b', 'b.go'), pull('b', 'ncpu', 'runtime.ncpu', 'var ncpu int32'));
    writeFileSync(join(dir, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.22\n\nrequire (\n\texample.com/a v0.0.0\n\texample.com/a/b v0.0.0\n)\n\nreplace example.com/a => ../a\n\nreplace example.com/a/b => ../a/b\n');
    writeFileSync(join(dir, 'app', 'main.go'), 'package main\n\nimport (\n\t"example.com/a"\n\t"example.com/a/b"\n)\n\nfunc main() { a.Use(); b.Use() }\n');
    const r = depsJson(['--go', '1.26'], { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') }, join(dir, 'app'));
    expect(r.report.modules.map((m) => [m.path, m.pulls.map((p) => `${p.file} ${p.target.raw}`)])).toEqual([
      ['example.com/a', ['a.go strings.ToUpper']],
      ['example.com/a/b', ['b.go runtime.ncpu']],
    ]);
    expect(r.report.modules.every((m) => m.search === null)).toBe(true); // a directory has no versions to search
  });
});

describe('deps offline', () => {
  test('GOPROXY=off: the dependencies are still judged, the version search says why it stopped', () => {
    const r = depsJson([], { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-'), GOPROXY: 'off' });
    expect(r.status).toBe(1);
    const parquet = r.report.modules.find((m) => m.path === PARQUET)!;
    expect(parquet.fails).toBe(true);
    expect(parquet.search!.fixed).toBeNull();
    expect(parquet.search!.error).toMatch(/cannot list the versions of github.com\/parquet-go\/parquet-go/);
    expect(r.stderr).toContain('linkfix: warning: github.com/parquet-go/parquet-go: cannot list the versions');
  });

  test('a directory outside any module: exit 2 and why', () => {
    const r = runCli(['deps'], { cwd: tempDir('linkfix-deps-nomod-'), env: { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not in a Go module or workspace \(no go.mod\)/);
  });

  test('a module that cannot be fetched: a clear message, and exit 2 when nothing could be checked', () => {
    const dir = tempDir('linkfix-deps-offline-');
    writeFileSync(join(dir, 'go.mod'), 'module example.com/offline\n\ngo 1.22\n\nrequire example.com/never/fetched v1.0.0\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nimport _ "example.com/never/fetched"\n\nfunc main() {}\n');
    const r = runCli(['deps'], { cwd: dir, env: { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-'), GOPROXY: 'off', GOFLAGS: '-mod=mod' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/linkfix: warning: example.com\/never\/fetched: .*(GOPROXY|module lookup disabled)/);
  });
});

describe('deps --write', () => {
  test('upgrades the failing module to its fixed version, and the check passes', () => {
    const dir = tempDir('linkfix-deps-write-');
    cpSync(APP, dir, { recursive: true });
    const r = runCli(['deps', '--write'], { cwd: dir, env: { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') } });
    expect(r.stderr).toContain(`go get ${PARQUET}@v0.23.0`);
    expect(r.stderr).toContain(`linkfix: upgraded ${PARQUET}@v0.23.0`);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toContain(`${PARQUET} v0.23.0`);
    expect(spawnSync('go', ['build', '-o', join(tempDir(), 'app'), '.'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'go1.23.12' } }).status).toBe(0);
  }, 600_000);

  test('a vendored module gets its vendor/ rebuilt for the fixed version', () => {
    const dir = tempDir('linkfix-deps-write-vendor-');
    cpSync(APP, dir, { recursive: true });
    expect(spawnSync('go', ['mod', 'vendor'], { cwd: dir }).status).toBe(0);
    const r = runCli(['deps', '--write', '--go', '1.23'], { cwd: dir, env: { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') } });
    expect(r.stderr).toContain('go mod vendor');
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'vendor', 'modules.txt'), 'utf8')).toContain(`# ${PARQUET} v0.23.0`);
  }, 600_000);

  test('restores go.mod and go.sum byte for byte when the upgrade makes things worse', () => {
    const dir = tempDir('linkfix-deps-restore-');
    cpSync(APP, dir, { recursive: true });
    // A package importing one the module does not have: go mod tidy fails after go get.
    writeFileSync(join(dir, 'broken.go'), 'package main\n\nimport _ "example.com/depsapp/missing"\n');
    const before = ['go.mod', 'go.sum'].map((f) => readFileSync(join(dir, f)));
    const r = runCli(['deps', '--write'], { cwd: dir, env: { XDG_CACHE_HOME: tempDir('linkfix-deps-cache-') } });
    expect(r.stderr).toMatch(/linkfix: restored go.mod and go.sum: go mod failed/);
    expect(r.status).toBe(1);
    expect(['go.mod', 'go.sum'].map((f) => readFileSync(join(dir, f)))).toEqual(before);
    expect(existsSync(join(dir, 'vendor'))).toBe(false);
  }, 600_000);
});

describe('bisectFixed', () => {
  // n newer versions; the first fixed is `first` (null: none is). A fix stays fixed.
  const cases: [number, number | null][] = [[1, 0], [1, null], [2, 0], [2, 1], [11, 0], [11, 5], [11, 10], [11, null], [100, 37], [100, 99]];
  test.each(cases)('%i versions, first fixed %s', async (n, first) => {
    const seen: number[] = [];
    const found = await bisectFixed(n, async (i) => {
      seen.push(i);
      return first === null || i < first;
    });
    expect(found).toBe(first);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)) + 1);
    if (found !== null && found > 0) expect(seen).toContain(found - 1); // the neighbour was seen failing
  });
});

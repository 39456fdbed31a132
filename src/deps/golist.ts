// What the go command knows about a build: its packages and their modules
// (`go list -deps`), a module's versions (`go list -m -versions`), a version
// fetched through GOPROXY (`go mod download`), and the files a package of a
// fetched module compiles (`go list -find`). Nothing here writes into the
// module cache or the user's tree: go.mod edits go to a temporary -modfile.

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkfixError } from '../errors.js';

export interface GoEnv {
  /** GOOS/GOARCH. */
  platform: string;
  /** Build tags, passed as -tags. */
  tags?: string;
  env?: Record<string, string | undefined>;
}

interface GoResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** Runs `go args…` in `cwd`; never throws for a non-zero exit (the caller reads stderr). */
export function runGo(args: string[], cwd: string, go: GoEnv, extraEnv: Record<string, string> = {}): Promise<GoResult> {
  const [goos, goarch] = go.platform.split('/');
  const env = { ...(go.env ?? process.env), GOOS: goos, GOARCH: goarch, ...extraEnv };
  return new Promise((resolvePromise, reject) => {
    execFile('go', args, { cwd, env, maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new LinkfixError('EIO', error.code === 'ENOENT' ? 'the go command is not on PATH (deps asks it for the build list)' : error.message));
      } else resolvePromise({ stdout, stderr, status: error ? Number(error.code) : 0 });
    });
  });
}

/** `go list -json` prints one object after another, not an array. */
export function parseJsonStream<T>(text: string): T[] {
  const out: T[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as T);
  }
  return out;
}

export interface GoModule {
  Path: string;
  Version?: string;
  Dir?: string;
  GoMod?: string;
  GoVersion?: string;
  Main?: boolean;
  Replace?: GoModule;
}

export interface GoPackage {
  ImportPath: string;
  Dir?: string;
  Standard?: boolean;
  Module?: GoModule;
  GoFiles?: string[];
  CgoFiles?: string[];
  SFiles?: string[];
  ForTest?: string;
  Error?: { Err: string };
  DepsErrors?: { Err: string }[];
}

/** The files of a package that the compiler reads for linknames: Go (cgo included) and assembly. */
export function compiledFiles(p: GoPackage): string[] {
  return [...(p.GoFiles ?? []), ...(p.CgoFiles ?? []), ...(p.SFiles ?? [])].map((f) => join(p.Dir ?? '', f));
}

/** The main modules: the module in `dir`, or every module of its go.work. */
export async function mainModules(dir: string, go: GoEnv): Promise<GoModule[]> {
  const r = await runGo(['list', '-m', '-json'], dir, go);
  if (r.status !== 0) throw new LinkfixError('EIO', `go list -m failed in ${dir}: ${firstLine(r.stderr)}`);
  // Outside a module the go command answers with a stand-in main module that has no go.mod.
  const mains = parseJsonStream<GoModule>(r.stdout).filter((m) => m.GoMod);
  if (mains.length === 0) throw new LinkfixError('EIO', `${dir} is not in a Go module or workspace (no go.mod): deps reads the build list of one`);
  return mains;
}

/**
 * Every package the build of the main modules compiles (with their tests' imports
 * when `tests`), as `go list -deps` sees it for the platform and tags.
 */
export async function buildPackages(dir: string, mains: GoModule[], go: GoEnv & { tests: boolean }): Promise<{ packages: GoPackage[]; errors: string[] }> {
  const args = ['list', '-deps', '-e', '-json=ImportPath,Dir,Standard,Module,GoFiles,CgoFiles,SFiles,ForTest,Error'];
  if (go.tests) args.push('-test');
  if (go.tags) args.push(`-tags=${go.tags}`);
  args.push(...mains.map((m) => `${m.Path}/...`));
  const r = await runGo(args, dir, go);
  if (r.status !== 0 && !r.stdout) throw new LinkfixError('EIO', `go list -deps failed in ${dir}: ${firstLine(r.stderr)}`);
  const seen = new Map<string, GoPackage>();
  const errors: string[] = [];
  for (const p of parseJsonStream<GoPackage>(r.stdout)) {
    if (p.Error) errors.push(`${p.ImportPath}: ${firstLine(p.Error.Err)}`);
    // A package recompiled for a test (`p [q.test]`) has the same files as p.
    if (p.ForTest || p.ImportPath.endsWith('.test')) continue;
    if (!seen.has(p.ImportPath)) seen.set(p.ImportPath, p);
  }
  return { packages: [...seen.values()], errors };
}

/**
 * The module's tagged versions as the configured GOPROXY lists them; a module
 * without tags has its latest pseudo-version (the newest commit) instead.
 */
export async function moduleVersions(path: string, go: GoEnv): Promise<string[]> {
  const list = async (query: string[]): Promise<{ Version?: string; Versions?: string[] }> => {
    const r = await outsideModule((dir) => runGo(['list', '-m', '-json', ...query], dir, go, OUTSIDE_ENV));
    if (r.status !== 0) throw new LinkfixError('EIO', `cannot list the versions of ${path}: ${firstLine(r.stderr)}`);
    return parseJsonStream<{ Version?: string; Versions?: string[] }>(r.stdout)[0] ?? {};
  };
  const tagged = (await list(['-versions', path])).Versions ?? [];
  if (tagged.length > 0) return tagged;
  const latest = (await list([`${path}@latest`])).Version;
  return latest ? [latest] : [];
}

/** Fetches module@version into the module cache (through GOPROXY) and returns its directory and go.mod. */
export async function download(path: string, version: string, go: GoEnv): Promise<{ dir: string; goMod: string | null }> {
  const r = await outsideModule((dir) => runGo(['mod', 'download', '-json', `${path}@${version}`], dir, go, OUTSIDE_ENV));
  const info = parseJsonStream<{ Dir?: string; GoMod?: string; Error?: string }>(r.stdout)[0];
  if (!info?.Dir || info.Error) throw new LinkfixError('EIO', `cannot fetch ${path}@${version}: ${info?.Error ?? firstLine(r.stderr)}`);
  return { dir: info.Dir, goMod: info.GoMod ?? null };
}

/**
 * The compiled files of `importPaths` in a module fetched into `moduleDir`,
 * selected by the local go for the platform and tags. The module's go.mod is
 * copied to a temporary -modfile (replaced by a bare one when it requires a
 * newer Go than the local one, which never switches toolchains here): nothing
 * is written next to it. A package the version does not have comes back with an Error.
 */
export async function packagesIn(module: string, moduleDir: string, importPaths: string[], go: GoEnv): Promise<GoPackage[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'linkfix-deps-'));
  try {
    const modfile = join(tmp, 'go.mod');
    const source = join(moduleDir, 'go.mod');
    if (existsSync(source)) copyFileSync(source, modfile);
    else writeFileSync(modfile, `module ${module}\n`);
    const args = ['list', '-find', '-e', `-modfile=${modfile}`, '-json=ImportPath,Dir,GoFiles,CgoFiles,SFiles,Error'];
    if (go.tags) args.push(`-tags=${go.tags}`);
    // readonly: a package this version lacks is an Error, not a lookup through the proxy.
    const env = { GOWORK: 'off', GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local' };
    const r = await runGo([...args, ...importPaths], moduleDir, go, env);
    if (r.status !== 0 && /requires go >=/.test(r.stderr)) {
      writeFileSync(modfile, `module ${module}\n`);
      return parseJsonStream<GoPackage>((await runGo([...args, ...importPaths], moduleDir, go, env)).stdout);
    }
    if (r.status !== 0 && !r.stdout) throw new LinkfixError('EIO', `go list failed in ${moduleDir}: ${firstLine(r.stderr)}`);
    return parseJsonStream<GoPackage>(r.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Module queries run outside any module and workspace, so that none is read or changed. */
const OUTSIDE_ENV = { GOWORK: 'off', GOFLAGS: '' };

async function outsideModule<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'linkfix-deps-'));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const firstLine = (s: string): string => s.trim().split('\n').find((l) => l.trim()) ?? '(no message)';

/** Go module version order (semver; a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): { nums: number[]; pre: string[] } => {
    const m = /^v(\d+)\.(\d+)\.(\d+)(?:-([^+]*))?/.exec(v);
    return m ? { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] } : { nums: [0, 0, 0], pre: [] };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i]! - y.nums[i]!;
  if (x.pre.length === 0 || y.pre.length === 0) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const [p, q] = [x.pre[i]!, y.pre[i]!];
    if (p === q) continue;
    const [pn, qn] = [/^\d+$/.test(p), /^\d+$/.test(q)];
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return x.pre.length - y.pre.length;
}

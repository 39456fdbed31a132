// The real-toolchain check: link each package that pulls, with each selected
// Go release, the way a program would use it. A naive check lies (a package
// that is only blank-imported has its pulls dead-code-eliminated, and a target
// whose package is not in the program is never checked), so the check:
//   - adds, through `go build -overlay`, a file to the package whose init keeps
//     every pulled name alive, and a main package that imports the package and
//     every target package;
//   - writes nothing into the user's tree: the overlay files live in a
//     temporary directory, removed even on SIGINT.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { LinkfixError } from '../errors.js';
import { isJudged, parseTags } from '../judge/verdict.js';
import { constraintMatches } from '../model/constraint.js';
import { importable } from '../model/modules.js';
import { parseGoFile } from '../parse/gofile.js';
import { SourceText } from '../parse/source.js';
import type { AsmDefinition, Finding, LinkOutcome, ScanResult } from '../model/types.js';
import { goMinor } from '../catalog/types.js';

const run = promisify(execFile);

export interface LinkCheckOptions {
  /** Releases to link with, e.g. ['go1.22.12', 'go1.26.11']. */
  releases: string[];
  /** One build per package (the linker stops at its first error), or one per pull. */
  mode: 'package' | 'each';
  /** GOROOT of a release (default: `GOTOOLCHAIN=<release> go env GOROOT`, which fetches it when missing). */
  gorootOf?: (release: string) => string;
  /** Run the linked program to read pulled vars (shows `detached` pulls reading zero); only for the host's platform. */
  readValues?: boolean;
  /**
   * GOOS/GOARCH to link for (default: the host's). Another platform is a cross
   * build: it links but does not run, and cgo is off (the go command's default).
   */
  platform?: string;
  /** Build tags, as for `go build -tags` (and for the judge: the files they select are built). */
  tags?: string;
  /** Builds run at once (default 2). */
  concurrency?: number;
}

/** The platform of this machine, as GOOS/GOARCH. */
export const HOST = `${process.platform === 'win32' ? 'windows' : process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`;

const KEEPALIVE = 'zz_linkfix_keepalive.go';
const MAIN_DIR = 'zz_linkfix_linkcheck';

/** Temporary directories still to remove; SIGINT stops the builds and removes them before exiting. */
const live = new Set<string>();
const interrupted = new AbortController();
let sigintHooked = false;
/** A temporary directory removed on SIGINT; the handler exists before the directory does, so no Ctrl-C can leak it. */
function trackedTempDir(): string {
  if (!sigintHooked) {
    sigintHooked = true;
    process.once('SIGINT', () => {
      interrupted.abort();
      for (const d of live) rmSync(d, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'linkfix-link-'));
  live.add(dir);
  return dir;
}
function untrack(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

export function defaultGoroot(release: string): string {
  return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: release }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

interface Target {
  finding: Finding;
  /** The Go name to keep alive: the pulled local, or the Go declaration of the TEXT symbol holding an asm reference. */
  keep: string;
  isVar: boolean;
}

interface PackageJob {
  pkgDir: string;
  pkgName: string;
  importPath: string;
  moduleDir: string;
  targets: Target[];
}

/** Links a program that imports the package (a library alone is never linked): null when it links, else the toolchain's output. */
export async function linkPackage(pkg: { dir: string; name: string; importPath: string; moduleDir: string }, goroot: string, platform = HOST, tags: string[] = []): Promise<string | null> {
  const [goos, goarch] = platform.split('/') as [string, string];
  const build = await linkOnce({ pkgDir: pkg.dir, pkgName: pkg.name, importPath: pkg.importPath, moduleDir: pkg.moduleDir, targets: [] }, [], goroot, { readValues: false, goos, goarch, tags });
  return build.ok ? null : build.output;
}

/** Checks every pull of a scan; returns, per finding, one outcome per release (in the order of `releases`). */
export async function linkCheck(result: ScanResult, options: LinkCheckOptions): Promise<Map<Finding, LinkOutcome[]>> {
  const jobs = packageJobs(result);
  const gorootOf = options.gorootOf ?? defaultGoroot;
  const [goos, goarch] = (options.platform ?? HOST).split('/') as [string, string];
  const cross = `${goos}/${goarch}` !== HOST;
  const tags = parseTags(options.tags);
  const slots = new Map<Finding, LinkOutcome[]>();
  const tasks: (() => Promise<void>)[] = [];
  options.releases.forEach((release, ri) => {
    const put = (f: Finding, o: Omit<LinkOutcome, 'release'>): void => {
      const list = slots.get(f) ?? [];
      list[ri] = { release, ...o };
      slots.set(f, list);
    };
    let goroot: string;
    try {
      goroot = gorootOf(release);
    } catch (e) {
      for (const job of jobs) for (const t of job.targets) put(t.finding, { outcome: 'unavailable', message: firstLine((e as Error).message) });
      return;
    }
    const build = { goos, goarch, goMinor: goMinor(release), tags: new Set([...(cross ? ['gc'] : ['gc', 'cgo']), ...tags]) };
    for (const job of jobs) {
      const compiled = job.targets.filter((t) => constraintMatches(t.finding.constraint, build));
      for (const t of job.targets) if (!compiled.includes(t)) put(t.finding, { outcome: 'not-compiled', message: `the file is not compiled for ${goos}/${goarch} and this release` });
      const groups = options.mode === 'each' ? compiled.map((t) => [t]) : compiled.length ? [compiled] : [];
      for (const group of groups) {
        tasks.push(async () => {
          const linked = await linkOnce(job, group, goroot, { readValues: (options.readValues ?? false) && !cross, goos, goarch, tags });
          for (const t of group) put(t.finding, attribute(linked, t, group.length));
        });
      }
    }
  });
  // Builds of different packages and releases are independent: run a few at a time.
  const queue = [...tasks];
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 2) }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await task();
  });
  await Promise.all(workers);
  return slots;
}

function packageJobs(result: ScanResult): PackageJob[] {
  const jobs = new Map<string, PackageJob>();
  const moduleDirs = result.modules.filter((m) => m.path).map((m) => ({ path: m.path!, dir: resolve(result.base, m.dir) }));
  for (const f of result.findings) {
    if (!isJudged(f) || !f.package || !f.module) continue;
    const keep = f.kind === 'asm-pull' ? enclosingText(f, result.asmDefinitions) : f.localName;
    if (!keep) continue;
    const pkgDir = dirname(resolve(result.base, f.file));
    const moduleDir = moduleDirs.find((m) => m.path === f.module)?.dir;
    if (!moduleDir) continue;
    let job = jobs.get(pkgDir);
    if (!job) {
      job = { pkgDir, pkgName: packageName(pkgDir, f), importPath: f.package, moduleDir, targets: [] };
      jobs.set(pkgDir, job);
    }
    job.targets.push({ finding: f, keep, isVar: f.declaration?.kind === 'var' });
  }
  return [...jobs.values()];
}

/** The package clause of the finding's Go file, or of the first Go file beside its assembly file. */
function packageName(pkgDir: string, f: Finding): string {
  const files = f.file.endsWith('.go') ? [basename(f.file)] : readdirSync(pkgDir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
  for (const name of files) {
    const parsed = parseGoFile(SourceText.fromBytes(readFileSync(join(pkgDir, name))));
    if (parsed.packageName) return parsed.packageName;
  }
  throw new LinkfixError('EIO', `no Go file with a package clause beside ${f.file}`, { file: f.file });
}

/** The Go name of the TEXT symbol whose body holds an asm reference. */
function enclosingText(f: Finding, defs: AsmDefinition[]): string | null {
  const def = defs.filter((d) => d.file === f.file && d.line <= f.span.start.line).pop();
  if (!def || !f.package || !def.symbol.startsWith(`${f.package}.`)) return null;
  return def.symbol.slice(f.package.length + 1);
}

interface Build {
  ok: boolean;
  output: string;
  /** Printed value of each kept-alive var, by its Go name. */
  values: Map<string, string>;
}

async function linkOnce(job: PackageJob, targets: Target[], goroot: string, { readValues, goos, goarch, tags }: { readValues: boolean; goos: string; goarch: string; tags: string[] }): Promise<Build> {
  const tmp = trackedTempDir();
  try {
    const vars = targets.filter((t) => t.isVar);
    // interface{} rather than any: the package may be written in a language version before Go 1.18.
    const keepalive = [
      `package ${job.pkgName}`,
      '',
      'var linkfixSink []interface{}',
      '',
      '// init keeps every pulled name alive, so that the linker resolves it.',
      'func init() {',
      ...targets.map((t) => `\tlinkfixSink = append(linkfixSink, ${t.isVar ? '&' : ''}${t.keep})`),
      '}',
      '',
      '// LinkfixValues reads the pulled vars.',
      'func LinkfixValues() []interface{} {',
      `\treturn []interface{}{${vars.map((t) => t.keep).join(', ')}}`,
      '}',
      '',
    ].join('\n');
    const imports = [...new Set(targets.map((t) => t.finding.target.importPath))]
      .filter((p) => p && importable(p) && p !== job.importPath)
      .sort();
    const main = [
      'package main',
      '',
      'import (',
      '\t"fmt"',
      '',
      `\tpkg ${JSON.stringify(job.importPath)}`,
      ...imports.map((p) => `\t_ ${JSON.stringify(p)}`),
      ')',
      '',
      'func main() {',
      '\tfor _, v := range pkg.LinkfixValues() {',
      '\t\tfmt.Printf("%v\\n", v)',
      '\t}',
      '}',
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'keepalive.go'), keepalive);
    writeFileSync(join(tmp, 'main.go'), main);
    const overlay = { Replace: { [join(job.pkgDir, KEEPALIVE)]: join(tmp, 'keepalive.go'), [join(job.moduleDir, MAIN_DIR, 'main.go')]: join(tmp, 'main.go') } };
    writeFileSync(join(tmp, 'overlay.json'), JSON.stringify(overlay));
    const bin = join(tmp, 'linkcheck');
    const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: process.env.GOFLAGS ?? '', GOOS: goos, GOARCH: goarch };
    delete env.GOROOT;
    try {
      await run(join(goroot, 'bin', 'go'), ['build', ...(tags.length ? ['-tags', tags.join(',')] : []), '-overlay', join(tmp, 'overlay.json'), '-o', bin, `./${MAIN_DIR}`], { cwd: job.moduleDir, env, maxBuffer: 16 << 20, signal: interrupted.signal });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? err.message}`.trim(), values: new Map() };
    }
    const values = new Map<string, string>();
    if (readValues && vars.length > 0) {
      try {
        const printed = (await run(bin, [], { timeout: 20_000, signal: interrupted.signal })).stdout.trim().split('\n');
        vars.forEach((t, i) => values.set(t.keep, printed[i] ?? ''));
      } catch (e) {
        return { ok: true, output: `linked, but running it failed: ${firstLine((e as Error).message)}`, values };
      }
    }
    return { ok: true, output: '', values };
  } finally {
    untrack(tmp);
  }
}


/** What one build says about one of the pulls it kept alive. */
function attribute(build: Build, t: Target, groupSize: number): Omit<LinkOutcome, 'release'> {
  if (build.ok) {
    const value = build.values.get(t.keep);
    return { outcome: 'ok', message: value !== undefined ? `value: ${value}` : build.output };
  }
  const name = t.finding.target.raw;
  const lines = build.output.split('\n');
  const about = (re: RegExp): string | undefined => lines.find((l) => re.test(l));
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const invalid = about(new RegExp(`invalid reference to ${esc}$`));
  if (invalid) return { outcome: 'invalid-reference', message: invalid.trim() };
  const abi = about(new RegExp(`relocation target ${esc} not defined for ABI`));
  if (abi) return { outcome: 'abi-mismatch', message: abi.trim() };
  const undef = about(new RegExp(`relocation target ${esc} not defined|undefined: ${esc}|${esc}: not defined`));
  if (undef) return { outcome: 'not-defined', message: undef.trim() };
  const link = lines.find((l) => /invalid reference to|relocation target/.test(l));
  // The linker stops at the first error: another pull's failure says nothing about this one.
  if (link && groupSize > 1) return { outcome: 'undetermined', message: `the link stopped at another pull: ${link.trim()}` };
  return { outcome: 'build-error', message: firstLine(lines.filter((l) => l && !l.startsWith('#')).join('\n')) };
}

function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim())?.trim() ?? s;
}

// npm run corpus: linkfix on public modules, with the real Go toolchains as the judge.
//
// For each `module@version` of corpus/modules.txt (fetched through the Go module
// proxy into GOMODCACHE, copied to a writable temporary directory; the cache is
// never written), it:
//   1. scans (`linkfix scan --format json`, once per platform of the line) and
//      compares the counts per finding kind and per verdict with the pinned
//      table corpus/scan-table.json (`--update` rewrites it);
//   2. runs `linkfix fix --write --unsafe-fixes` and finds the files it changed
//      (modified, created, deleted) by comparing the copy with the module cache;
//   3. on the untouched copy (the fix undone) and then on the fixed one, runs for
//      every changed package `go vet`, `go build` and `go test -short -count=1`
//      with each toolchain of TOOLCHAINS, plus `go vet` and `go build` cross
//      compiled for the platform of every changed file that has one, and
//      `gofmt -l` on the changed files: after must never be worse than before;
//   4. runs the fix a second time (it must change nothing) and scans again (no
//      pull may fail on a release where it did not fail before).
// It prints one table, the regressions (package, toolchain, check, the first
// lines of the error, the fixes that touched the package) and exits 1 on any
// regression, pinned-table mismatch or second-run change.
//
// Options: --update (rewrite the pinned table), --scan-only (step 1 alone: with
// --update, the quick way to re-pin after a scanner or catalog change), --only
// TEXT (modules whose spec contains TEXT; repeatable), --report FILE (also write
// the regressions there, after every module), --keep (keep the temporary directory).
import { spawn } from 'node:child_process';
import { cpSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LINKFIX = join(ROOT, 'bin/linkfix.js');
const MODULES_FILE = join(ROOT, 'corpus/modules.txt');
const TABLE_FILE = join(ROOT, 'corpus/scan-table.json');
export const TOOLCHAINS = ['go1.26.11', 'go1.27.4'];
export const HOST = 'linux/amd64';
/** Independent go commands at once: the machine has 2 cores. */
const GO_JOBS = 2;
const TEST_TIMEOUT = '4m';
/** Verdicts under which a pull does not link as intended (the README's exit-status list). */
const FAILING = new Set(['blocked', 'rejected', 'missing', 'detached', 'abi-mismatch']);
const SITE_KINDS = ['pull', 'asm-pull', 'handshake'];

// ---------------------------------------------------------------- corpus list

/** One line: `module@version [--platform GOOS/GOARCH]...`; `#` starts a comment. */
export function parseModules(text) {
  const entries = [];
  text.split('\n').forEach((raw, i) => {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    const [spec, ...options] = words;
    const at = spec.lastIndexOf('@');
    if (at <= 0) throw new Error(`modules.txt:${i + 1}: expected module@version, got ${spec}`);
    const platforms = [];
    for (let j = 0; j < options.length; j += 2) {
      const value = options[j + 1];
      if (options[j] !== '--platform' || !value || !/^[a-z0-9]+\/[a-z0-9]+$/.test(value)) {
        throw new Error(`modules.txt:${i + 1}: unknown option ${options.slice(j).join(' ')} (only --platform GOOS/GOARCH)`);
      }
      platforms.push(value);
    }
    entries.push({ spec, module: spec.slice(0, at), version: spec.slice(at + 1), platforms });
  });
  return entries;
}

// ---------------------------------------------------------------- build constraints

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos']);
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);
const UNIX_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris']);
/** Ports a cross build is tried on, in order of preference (`go tool dist list`, cgo off). */
const CROSS_PLATFORMS = ['linux/amd64', 'linux/arm64', 'windows/amd64', 'darwin/arm64', 'darwin/amd64', 'linux/386', 'linux/arm', 'windows/arm64', 'windows/386',
  'freebsd/amd64', 'freebsd/arm64', 'linux/riscv64', 'linux/ppc64le', 'linux/ppc64', 'linux/s390x', 'linux/loong64', 'linux/mips64le', 'linux/mips64', 'linux/mipsle', 'linux/mips',
  'openbsd/amd64', 'netbsd/amd64', 'dragonfly/amd64', 'solaris/amd64', 'illumos/amd64', 'aix/ppc64', 'android/arm64', 'ios/arm64', 'js/wasm', 'wasip1/wasm', 'plan9/amd64'];

/** The `//go:build` expression of a Go or assembly file (`// +build` lines folded into one), or null. */
export function buildExpression(text) {
  const plus = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith('//go:build ')) return t.slice('//go:build '.length).trim();
    if (t.startsWith('// +build ')) {
      plus.push(t.slice('// +build '.length).trim().split(/\s+/)
        .map((option) => option.split(',').join(' && ')).map((option) => `(${option})`).join(' || '));
    }
    if (t.startsWith('package ') || t.startsWith('TEXT') || t.startsWith('#include')) break;
  }
  return plus.length ? plus.map((p) => `(${p})`).join(' && ') : null;
}

/** Evaluates a build expression; `has(tag)` says whether a tag is set. */
export function evalExpression(expr, has) {
  const tokens = expr.match(/\(|\)|!|&&|\|\||[A-Za-z0-9_.]+/g) ?? [];
  let i = 0;
  const or = () => { let v = and(); while (tokens[i] === '||') { i++; v = and() || v; } return v; };
  const and = () => { let v = not(); while (tokens[i] === '&&') { i++; v = not() && v; } return v; };
  const not = () => {
    const t = tokens[i++];
    if (t === '!') return !not();
    if (t === '(') { const v = or(); i++; return v; }
    if (t === undefined) throw new Error(`bad build expression: ${expr}`);
    return has(t);
  };
  return or();
}

/** The GOOS/GOARCH that a file name's suffix demands (go/build's rule: not the part before the first `_`). */
function nameConstraint(name) {
  const base = name.replace(/\.[^.]*$/, '');
  const cut = base.indexOf('_');
  if (cut < 0) return {};
  const parts = base.slice(cut).split('_');
  if (parts.at(-1) === 'test') parts.pop();
  const [a, b] = [parts.at(-2), parts.at(-1)];
  if (a && b && KNOWN_OS.has(a) && KNOWN_ARCH.has(b)) return { goos: a, goarch: b };
  if (b && KNOWN_OS.has(b)) return { goos: b };
  if (b && KNOWN_ARCH.has(b)) return { goarch: b };
  return {};
}

/**
 * Whether a file is compiled for `platform`. By default gc and every release
 * tag are set, cgo is off (cross builds run with CGO_ENABLED=0) and custom tags
 * are unset; `release` (a Go minor) sets go1.1…go1.<release> only, `cgo` and
 * `custom` (tag → set) override the rest.
 */
function compiledOn(name, expr, platform, { release = Infinity, cgo = false, custom = new Set() } = {}) {
  const [goos, goarch] = platform.split('/');
  const fromName = nameConstraint(name);
  const osMatches = (want) => want === goos || (want === 'linux' && goos === 'android') || (want === 'solaris' && goos === 'illumos') || (want === 'darwin' && goos === 'ios');
  if (fromName.goos && !osMatches(fromName.goos)) return false;
  if (fromName.goarch && fromName.goarch !== goarch) return false;
  if (!expr) return true;
  return evalExpression(expr, (tag) => {
    const minor = /^go1\.(\d+)$/.exec(tag)?.[1];
    if (minor !== undefined) return Number(minor) <= release;
    return osMatches(tag) || tag === goarch || (tag === 'unix' && UNIX_OS.has(goos)) || tag === 'gc' || (tag === 'cgo' && cgo) || custom.has(tag);
  });
}

/**
 * Whether some release from `oldest` to `newest` (Go minors) compiles a file on
 * some port, with cgo on or off and any choice of its custom tags: a created
 * file that none compiles is dead code.
 */
export function satisfiable(name, text, oldest, newest) {
  const expr = buildExpression(text);
  const tags = [...new Set(expr?.match(/[A-Za-z0-9_.]+/g) ?? [])]
    .filter((t) => !KNOWN_OS.has(t) && !KNOWN_ARCH.has(t) && !/^go1\.\d+$/.test(t) && !['unix', 'gc', 'gccgo', 'cgo'].includes(t))
    .slice(0, 10);
  for (let release = oldest; release <= newest; release++) {
    for (const platform of CROSS_PLATFORMS) {
      for (const cgo of [false, true]) {
        for (let bits = 0; bits < 1 << tags.length; bits++) {
          const custom = new Set(tags.filter((_, i) => bits & (1 << i)));
          if (compiledOn(name, expr, platform, { release, cgo, custom })) return true;
        }
      }
    }
  }
  return false;
}

/**
 * The platform a file needs to be compiled at all when the host does not compile
 * it (`x_linux_arm64.go` → linux/arm64, `//go:build windows` → windows/amd64),
 * or null: the file names no platform, the host compiles it, or no port does
 * without a custom tag.
 */
export function crossPlatform(name, text) {
  const expr = buildExpression(text);
  const fromName = nameConstraint(name);
  const names = expr?.match(/[A-Za-z0-9_.]+/g) ?? [];
  const mentions = fromName.goos || fromName.goarch || names.some((t) => KNOWN_OS.has(t) || KNOWN_ARCH.has(t) || t === 'unix');
  if (!mentions || compiledOn(name, expr, HOST)) return null;
  return CROSS_PLATFORMS.find((p) => compiledOn(name, expr, p)) ?? null;
}

// ---------------------------------------------------------------- scan tables

/** The pinned cells of one module: counts per finding kind, and per verdict for each platform and release. */
export function scanCounts(scans) {
  const first = Object.values(scans)[0];
  const kinds = { ...first.summary.findings };
  const varPulls = first.findings.filter((f) => f.kind === 'pull' && f.declaration?.kind === 'var').length;
  const verdicts = {};
  for (const [platform, report] of Object.entries(scans)) {
    const perRelease = {};
    for (const f of report.findings) {
      for (const v of f.verdicts ?? []) {
        const cell = (perRelease[v.release] ??= {});
        cell[v.verdict] = (cell[v.verdict] ?? 0) + 1;
      }
    }
    verdicts[platform] = sortKeys(Object.fromEntries(Object.entries(perRelease).map(([r, c]) => [r, sortKeys(c)])));
  }
  return { kinds: sortKeys(kinds), varPulls, verdicts };
}

/** Differences between a pinned and a measured entry, one line each ("" when equal). */
export function compareCounts(pinned, measured) {
  if (!pinned) return ['not in the pinned table (run with --update and review the diff)'];
  const lines = [];
  const walk = (a, b, at) => {
    if (typeof a === 'object' && a && typeof b === 'object' && b) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], at ? `${at} ${k}` : k);
    } else if ((a ?? 0) !== (b ?? 0)) {
      lines.push(`${at}: pinned ${a ?? 0}, measured ${b ?? 0}`);
    }
  };
  walk(pinned, measured, '');
  return lines;
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The pinned table as text: one module per block, one release per line, so a diff shows the cell that moved. */
export function formatTable(table) {
  const modules = Object.keys(table).sort();
  const blocks = modules.map((spec) => {
    const e = table[spec];
    const platforms = Object.keys(e.verdicts).map((p) => `      ${JSON.stringify(p)}: {\n${Object.entries(e.verdicts[p])
      .map(([r, c]) => `        ${JSON.stringify(r)}: ${JSON.stringify(c)}`).join(',\n')}\n      }`).join(',\n');
    return `  ${JSON.stringify(spec)}: {\n    "kinds": ${JSON.stringify(e.kinds)},\n    "varPulls": ${e.varPulls},\n    "verdicts": {\n${platforms}\n    }\n  }`;
  });
  return `{\n${blocks.join(',\n')}\n}\n`;
}

/** Per pull (package, local name, target; file too for assembly): the cells where it fails. */
function failingCells(report) {
  const cells = new Map();
  for (const f of report.findings) {
    const key = [f.package ?? '', f.localName ?? '', f.target?.raw ?? '', f.verb === 'asm' ? f.file : ''].join('|');
    const set = cells.get(key) ?? new Set();
    if (f.kind === 'invalid') set.add(`invalid (${f.invalid})`);
    for (const v of f.verdicts ?? []) if (FAILING.has(v.verdict)) set.add(`${v.release} ${v.verdict}`);
    cells.set(key, set);
  }
  return cells;
}

/** Cells that fail after the fix but did not before: one line each. */
export function newlyFailing(before, after, platform) {
  const was = failingCells(before);
  const lines = [];
  for (const [key, cells] of failingCells(after)) {
    for (const cell of cells) {
      if (!was.get(key)?.has(cell)) lines.push(`${platform}: ${key.split('|').filter(Boolean).join(' ')}: ${cell}`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------- go doc

/**
 * The exported API of `go doc -all` output: name → doc text, one entry per
 * declared name (`F`, `(*T).M`, `type T`, `var A`; `package` for the package
 * doc). A declaration is a line at column 0; its doc is the 4-space-indented
 * lines under it.
 */
export function docEntries(text) {
  const entries = new Map();
  let names = null;
  let doc = [];
  const flush = () => {
    if (names) for (const n of names) entries.set(n, doc.join('\n').trim());
    names = null;
    doc = [];
  };
  let inHeader = false;
  for (const line of text.split('\n')) {
    if (/^package \S+/.test(line)) { flush(); names = ['package']; inHeader = false; continue; }
    if (/^(func|type|var|const) /.test(line)) {
      flush();
      names = declaredNames(line);
      inHeader = true;
      continue;
    }
    if (/^[A-Z][A-Z ]*$/.test(line)) { flush(); continue; } // CONSTANTS, FUNCTIONS, …
    if (!names) continue;
    if (inHeader && (line.startsWith('\t') || /^[)}]/.test(line))) {
      const grouped = /^\t(\w+(?:, \w+)*)\b/.exec(line);
      if (grouped && names.group) names.push(...grouped[1].split(', ').map((n) => `${names.group} ${n}`));
      continue;
    }
    inHeader = false;
    doc.push(line.startsWith('    ') ? line.slice(4) : line);
  }
  flush();
  return entries;
}

function declaredNames(line) {
  const fn = /^func (?:\((?:\w+ )?([^)]*)\) )?(\w+)/.exec(line);
  if (fn) return [fn[1] ? `(${fn[1]}).${fn[2]}` : fn[2]];
  const type = /^type (\w+)/.exec(line);
  if (type) return [`type ${type[1]}`];
  const [, kind, rest] = /^(var|const) (.*)$/.exec(line);
  if (rest.startsWith('(')) return Object.assign([], { group: kind });
  return (/^(\w+(?:, \w+)*)/.exec(rest)?.[1] ?? rest).split(', ').map((n) => `${kind} ${n}`);
}

/** How the exported API differs after the fix: names gone, names new, docs changed; one line each. */
export function compareDocs(before, after) {
  const lines = [];
  for (const [name, doc] of before) {
    if (!after.has(name)) lines.push(`${name} is gone from go doc`);
    else if (after.get(name) !== doc) lines.push(`${name}: its doc comment changed:\n${doc}\n→\n${after.get(name)}`);
  }
  for (const name of after.keys()) if (!before.has(name)) lines.push(`${name} is new in go doc (nothing may be newly exported)`);
  return lines;
}

// ---------------------------------------------------------------- fix results

/** Per diagnostic, the applied fix's applicability, or manual. */
export function fixCounts(fixReport) {
  const counts = { safe: 0, unsafe: 0, manual: 0 };
  for (const d of fixReport.diagnostics) {
    const applied = d.fixes.find((f) => f.applied);
    counts[applied ? applied.applicability : 'manual']++;
  }
  return counts;
}

/**
 * Issue 15's measure: of the Go pull sites whose symbol has a public replacement (a
 * class other than none in the rule table, `classOf(symbol)`), how many got an
 * applied fix; the ones that did not, counted per symbol.
 */
export function ruleCoverage(fixReport, classOf) {
  const coverage = { classed: 0, fixed: 0, unfixed: {} };
  for (const d of fixReport.diagnostics) {
    // Assembly references have no rewrite rules: the reference classes Go pulls.
    if (d.file.endsWith('.s')) continue;
    const symbol = d.target?.raw ?? '';
    const cls = classOf(symbol);
    if (!cls || cls === 'none') continue;
    coverage.classed++;
    if (d.fixes.some((f) => f.applied)) coverage.fixed++;
    else coverage.unfixed[`${symbol} (${cls})`] = (coverage.unfixed[`${symbol} (${cls})`] ?? 0) + 1;
  }
  return coverage;
}

/** The coverage of all modules, as the lines the run prints. */
export function renderCoverage(results) {
  const total = { classed: 0, fixed: 0, unfixed: {} };
  for (const r of results) {
    if (!r.coverage) continue;
    total.classed += r.coverage.classed;
    total.fixed += r.coverage.fixed;
    for (const [k, n] of Object.entries(r.coverage.unfixed)) total.unfixed[k] = (total.unfixed[k] ?? 0) + n;
  }
  const share = total.classed ? ((100 * total.fixed) / total.classed).toFixed(0) : '-';
  const unfixed = Object.entries(total.unfixed).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return [`rule coverage: ${total.fixed} of ${total.classed} Go pull sites whose symbol has a public replacement (class other than none) got an automatic fix (${share}%)`,
    ...(unfixed.length ? ['  without one:', ...unfixed.map(([k, n]) => `    ${String(n).padStart(3)}  ${k}`)] : [])].join('\n');
}

/**
 * Applied fixes that touched the package directory, or the directory of a file the
 * error names (a broken dependency of the package): their edits or the files they create or delete.
 */
export function fixesIn(fixReport, pkgDir, output = '', work = '') {
  const dirs = new Set([pkgDir]);
  for (const [, file] of output.matchAll(/(\S+\.(?:go|s)):\d+/g)) {
    const rel = work && file.startsWith(`${work}/`) ? file.slice(work.length + 1) : file.replace(/^\.\//, '');
    if (!rel.startsWith('/')) dirs.add(packageDir(rel));
  }
  const messages = new Set();
  for (const d of fixReport.diagnostics) {
    for (const f of d.fixes) {
      if (!f.applied) continue;
      const files = [...f.edits.map((e) => e.file), ...(f.files ?? []).map((x) => x.file)];
      if (files.some((file) => dirs.has(packageDir(file)))) messages.add(`${d.file}:${d.span.start.line}: ${f.applicability}: ${f.message}`);
    }
  }
  return [...messages];
}

function packageDir(file) {
  const d = dirname(file.split(sep).join('/'));
  return d === '' ? '.' : d;
}

// ---------------------------------------------------------------- before/after comparison

/**
 * Check results are keyed `package|toolchain|platform|check` with {ok, output}.
 * A check that passed before and fails after is a regression; one that failed
 * before (a test that needs the network, say) cannot regress.
 */
export function compareChecks(before, after) {
  const regressions = [];
  for (const [key, b] of before) {
    const a = after.get(key);
    if (b.ok && a && !a.ok) {
      const [pkg, toolchain, platform, check] = key.split('|');
      regressions.push({ pkg, toolchain, platform, check, output: a.output });
    }
  }
  return regressions;
}

/** "ok before → ok after / checks" per toolchain and check, for the table. */
export function checkSummary(before, after, toolchain, check) {
  let total = 0, okBefore = 0, okAfter = 0;
  for (const [key, b] of before) {
    const [, tc, , c] = key.split('|');
    if (tc !== toolchain || c !== check) continue;
    total++;
    if (b.ok) okBefore++;
    if (after.get(key)?.ok) okAfter++;
  }
  return total === 0 ? '-' : `${okBefore}→${okAfter}/${total}`;
}

/** First lines of a go command's output that say something (no download chatter). */
export function excerpt(output, lines = 6) {
  return output.split('\n').filter((l) => l.trim() && !/^go: (downloading|finding|extracting) /.test(l)).slice(0, lines).join('\n');
}

// ---------------------------------------------------------------- processes

function run(cmd, args, { cwd, env = {}, timeoutMs = 10 * 60_000 } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [], err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), signal });
    });
  });
}

/** Runs async jobs, at most `n` at a time, results in order. */
async function pool(n, jobs) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => { while (next < jobs.length) { const i = next++; results[i] = await jobs[i](); } };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return results;
}

const GO_ENV = { GOFLAGS: '-mod=mod -buildvcs=false', GOWORK: 'off', GOTOOLCHAIN: 'local' };

async function linkfix(args, cwd) {
  const r = await run(process.execPath, [LINKFIX, ...args], { cwd, env: { NO_COLOR: '1' } });
  if (r.code >= 2) throw new Error(`linkfix ${args.join(' ')} exited ${r.code} in ${cwd}:\n${excerpt(r.stderr, 10)}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`linkfix ${args.join(' ')}: no JSON on stdout in ${cwd}:\n${excerpt(r.stderr, 10)}`);
  }
}

// ---------------------------------------------------------------- trees

function listFiles(dir, base = dir, out = new Map()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, base, out);
    else if (entry.isFile()) out.set(relative(base, path).split(sep).join('/'), path);
  }
  return out;
}

/** A writable copy (the module cache is read-only and must stay untouched). */
function copyTree(from, to) {
  cpSync(from, to, { recursive: true });
  const walk = (dir) => {
    chmodSync(dir, 0o755);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p); else chmodSync(p, 0o644);
    }
  };
  walk(to);
}

/** Files of `work` that differ from `pristine`: {file, kind: modified|created|deleted}. */
function changedFiles(pristine, work) {
  const a = listFiles(pristine), b = listFiles(work);
  const changes = [];
  for (const [file, path] of b) {
    if (!a.has(file)) changes.push({ file, kind: 'created' });
    else if (!readFileSync(path).equals(readFileSync(a.get(file)))) changes.push({ file, kind: 'modified' });
  }
  for (const file of a.keys()) if (!b.has(file)) changes.push({ file, kind: 'deleted' });
  return changes.sort((x, y) => (x.file < y.file ? -1 : 1));
}

function snapshot(dir) {
  return new Map([...listFiles(dir)].map(([file, path]) => [file, readFileSync(path)]));
}

function snapshotDiff(a, b) {
  const files = new Set([...a.keys(), ...b.keys()]);
  return [...files].filter((f) => !a.get(f) || !b.get(f) || !a.get(f).equals(b.get(f))).sort();
}

// ---------------------------------------------------------------- one module

function checkJobs(packages) {
  const jobs = [];
  for (const [pkg, platforms] of packages) {
    const target = pkg === '.' ? '.' : `./${pkg}`;
    for (const toolchain of TOOLCHAINS) {
      const env = { ...GO_ENV, GOTOOLCHAIN: toolchain };
      const add = (platform, check, args, extraEnv = {}) => jobs.push({ key: `${pkg}|${toolchain}|${platform}|${check}`, args, env: { ...env, ...extraEnv } });
      add(HOST, 'vet', ['vet', target]);
      add(HOST, 'build', ['build', '-o', '/dev/null', target]);
      add(HOST, 'test', ['test', '-short', '-count=1', `-timeout=${TEST_TIMEOUT}`, target]);
      for (const platform of platforms) {
        const [GOOS, GOARCH] = platform.split('/');
        const cross = { GOOS, GOARCH, CGO_ENABLED: '0' };
        add(platform, 'vet', ['vet', target], cross);
        add(platform, 'build', ['build', '-o', '/dev/null', target], cross);
      }
    }
  }
  return jobs;
}

async function runChecks(work, jobs) {
  const results = await pool(GO_JOBS, jobs.map((job) => async () => {
    const t0 = Date.now();
    const r = await run('go', job.args, { cwd: work, env: job.env });
    return [job.key, { ok: r.code === 0, output: excerpt(`${r.stderr}\n${r.stdout}`, 8), seconds: (Date.now() - t0) / 1000 }];
  }));
  return new Map(results);
}

/** `go doc -all` of every changed package on the host and on its platforms, as docEntries (null where go doc fails). */
async function readDocs(work, packages) {
  const jobs = [];
  for (const [pkg, platforms] of packages) {
    for (const platform of [HOST, ...platforms]) {
      const [GOOS, GOARCH] = platform.split('/');
      jobs.push(async () => {
        const r = await run('go', ['doc', '-all', pkg === '.' ? '.' : `./${pkg}`], { cwd: work, env: { ...GO_ENV, GOTOOLCHAIN: TOOLCHAINS[0], GOOS, GOARCH } });
        return [`${pkg}|${platform}`, r.code === 0 ? docEntries(r.stdout) : null];
      });
    }
  }
  return new Map(await pool(GO_JOBS, jobs));
}

/** The Go minor of the module's `go` line (1.16 when it has none, as the go command assumes). */
function moduleGoMinor(work) {
  const gomod = existsSync(join(work, 'go.mod')) ? readFileSync(join(work, 'go.mod'), 'utf8') : '';
  return Number(/^go 1\.(\d+)/m.exec(gomod)?.[1] ?? 16);
}

async function gofmtUnclean(work, files) {
  const goFiles = files.filter((f) => f.endsWith('.go') && existsSync(join(work, f)));
  if (goFiles.length === 0) return new Set();
  const r = await run('gofmt', ['-l', ...goFiles], { cwd: work });
  return new Set(r.stdout.split('\n').filter(Boolean));
}

async function runModule(entry, tmp, pinned, scanOnly, classOf) {
  const problems = []; // {kind, text}
  const dl = await run('go', ['mod', 'download', '-json', entry.spec], { cwd: tmp, env: GO_ENV });
  let pristine;
  try { pristine = JSON.parse(dl.stdout).Dir; } catch { /* reported below */ }
  if (dl.code !== 0 || !pristine) throw new Error(`go mod download ${entry.spec} failed:\n${excerpt(dl.stdout + dl.stderr)}`);
  const work = join(tmp, entry.spec.replace(/[^A-Za-z0-9.-]+/g, '_'));
  copyTree(pristine, work);

  const platforms = [HOST, ...entry.platforms.filter((p) => p !== HOST)];
  const scanAll = async () => Object.fromEntries(await pool(GO_JOBS, platforms.map((p) => async () => [p, await linkfix(['scan', '--format', 'json', '--platform', p, '.'], work)])));
  const scansBefore = await scanAll();
  const counts = scanCounts(scansBefore);
  for (const line of compareCounts(pinned, counts)) problems.push({ kind: 'pinned table', text: line });
  if (scanOnly) return { entry, counts, fix: { safe: 0, unsafe: 0, manual: 0 }, changes: [], packages: new Map(), before: new Map(), after: new Map(), regressions: [], problems, secondRun: [], testsNotRunnable: [] };

  const fixReport = await linkfix(['fix', '--write', '--unsafe-fixes', '--format', 'json', '.'], work);
  const changes = changedFiles(pristine, work);
  const fixed = new Map(changes.filter((c) => c.kind !== 'deleted').map((c) => [c.file, readFileSync(join(work, c.file))]));

  // The packages to check, and the platforms their changed files need (old and new text alike).
  const packages = new Map();
  for (const c of changes) {
    const pkg = packageDir(c.file);
    const set = packages.get(pkg) ?? new Set();
    for (const text of [c.kind !== 'created' && readFileSync(join(pristine, c.file), 'utf8'), fixed.has(c.file) && fixed.get(c.file).toString('utf8')]) {
      if (!text) continue;
      const platform = crossPlatform(c.file.split('/').at(-1), text);
      if (platform) set.add(platform);
    }
    packages.set(pkg, set);
  }

  // Before: the untouched module (the fix undone in place, so the build cache serves both runs).
  for (const c of changes) {
    if (c.kind === 'created') unlinkSync(join(work, c.file));
    else writeFileSync(join(work, c.file), readFileSync(join(pristine, c.file)));
  }
  const jobs = checkJobs(packages);
  const before = await runChecks(work, jobs);
  const fmtBefore = await gofmtUnclean(work, changes.map((c) => c.file));
  const docsBefore = await readDocs(work, packages);

  // After: the fix exactly as linkfix wrote it.
  for (const c of changes) {
    if (c.kind === 'deleted') unlinkSync(join(work, c.file));
    else { mkdirSync(dirname(join(work, c.file)), { recursive: true }); writeFileSync(join(work, c.file), fixed.get(c.file)); }
  }
  const after = await runChecks(work, jobs);
  // A test that passed before and fails after gets one more try: a flaky test is not a regression of the fix.
  for (const [key, a] of after) {
    if (!a.ok && before.get(key)?.ok && key.endsWith('|test') && !a.output.includes('[build failed]')) {
      const job = jobs.find((j) => j.key === key);
      const again = await run('go', job.args, { cwd: work, env: job.env });
      if (again.code === 0) { after.set(key, { ...a, ok: true, output: '' }); problems.push({ kind: 'flaky', text: `${key}: failed once after the fix, passed on retry:\n${a.output}` }); }
    }
  }
  const fmtAfter = await gofmtUnclean(work, changes.map((c) => c.file));
  const docsAfter = await readDocs(work, packages);

  const regressions = compareChecks(before, after).map((r) => ({ ...r, fixes: fixesIn(fixReport, r.pkg, r.output, work) }));
  for (const file of fmtAfter) {
    if (!fmtBefore.has(file)) regressions.push({ pkg: packageDir(file), toolchain: 'gofmt', platform: '', check: 'gofmt', output: `${file} is not gofmt-clean after the fix`, fixes: fixesIn(fixReport, packageDir(file)) });
  }

  // The exported API keeps its names and doc comments (a doc comment left behind documents the next declaration).
  for (const [key, was] of docsBefore) {
    if (!was) continue;
    const [pkg, platform] = key.split('|');
    const now = docsAfter.get(key);
    const lines = now ? compareDocs(was, now) : ['go doc fails after the fix'];
    if (lines.length) regressions.push({ pkg, toolchain: TOOLCHAINS[0], platform, check: 'go doc', output: lines.join('\n'), fixes: fixesIn(fixReport, pkg) });
  }
  // A created file that no supported release compiles on any port is dead code.
  const oldest = moduleGoMinor(work);
  const newest = Math.max(...TOOLCHAINS.map((t) => Number(/^go1\.(\d+)/.exec(t)[1])));
  for (const c of changes) {
    if (c.kind !== 'created' || satisfiable(c.file.split('/').at(-1), fixed.get(c.file).toString('utf8'), oldest, newest)) continue;
    regressions.push({ pkg: packageDir(c.file), toolchain: '', platform: '', check: 'constraint', output: `${c.file}: no release from go1.${oldest} to go1.${newest} compiles it on any port, with any tags`, fixes: fixesIn(fixReport, packageDir(c.file)) });
  }

  // A fix that changed nothing leaves the tree as scanned: a second run and a second scan would see the same input.
  let secondRun = [];
  if (changes.length > 0) {
    const beforeSecond = snapshot(work);
    await linkfix(['fix', '--write', '--unsafe-fixes', '--format', 'json', '.'], work);
    secondRun = snapshotDiff(beforeSecond, snapshot(work));
    for (const file of secondRun) problems.push({ kind: 'second run', text: `the second fix --write changed ${file}` });
    const scansAfter = await scanAll();
    for (const p of platforms) {
      for (const line of newlyFailing(scansBefore[p], scansAfter[p], p)) problems.push({ kind: 'newly failing', text: line });
    }
  }

  const testsNotRunnable = [...before].filter(([key, b]) => key.endsWith('|test') && !b.ok).map(([key, b]) => `${key.split('|').slice(0, 2).join(' ')}: ${b.output.split('\n')[0] ?? ''}`);
  return { entry, counts, fix: fixCounts(fixReport), coverage: ruleCoverage(fixReport, classOf), changes, packages, before, after, regressions, problems, secondRun, testsNotRunnable };
}

// ---------------------------------------------------------------- output

function sites(counts) {
  return SITE_KINDS.reduce((n, k) => n + (counts.kinds[k] ?? 0), 0);
}

export function renderTable(results) {
  const head = ['module', 'sites', 'asm', 'var', 'safe', 'unsafe', 'manual', 'files', 'pkgs'];
  for (const tc of TOOLCHAINS) for (const c of ['vet', 'build', 'test']) head.push(`${tc.replace('go', '')} ${c}`);
  head.push('2nd run', 'regressions');
  const rows = [];
  const total = { sites: 0, asm: 0, var: 0, safe: 0, unsafe: 0, manual: 0, files: 0, pkgs: 0, second: 0, regressions: 0 };
  const sums = {};
  for (const r of results) {
    if (r.error) { rows.push([r.entry.spec, 'ERROR', ...Array(head.length - 2).fill('')]); continue; }
    const row = [r.entry.spec, sites(r.counts), r.counts.kinds['asm-pull'] ?? 0, r.counts.varPulls, r.fix.safe, r.fix.unsafe, r.fix.manual, r.changes.length, r.packages.size];
    total.sites += row[1]; total.asm += row[2]; total.var += row[3]; total.safe += r.fix.safe; total.unsafe += r.fix.unsafe; total.manual += r.fix.manual;
    total.files += r.changes.length; total.pkgs += r.packages.size; total.second += r.secondRun.length;
    total.regressions += r.regressions.length + r.problems.filter((p) => p.kind !== 'flaky').length;
    for (const tc of TOOLCHAINS) {
      for (const c of ['vet', 'build', 'test']) {
        row.push(checkSummary(r.before, r.after, tc, c));
        const s = (sums[`${tc} ${c}`] ??= [0, 0, 0]);
        for (const [key, b] of r.before) {
          const [, t, , ch] = key.split('|');
          if (t === tc && ch === c) { s[2]++; if (b.ok) s[0]++; if (r.after.get(key)?.ok) s[1]++; }
        }
      }
    }
    row.push(r.secondRun.length, r.regressions.length + r.problems.filter((p) => p.kind !== 'flaky').length);
    rows.push(row);
  }
  const totalRow = [`total (${results.length} modules)`, total.sites, total.asm, total.var, total.safe, total.unsafe, total.manual, total.files, total.pkgs];
  for (const tc of TOOLCHAINS) for (const c of ['vet', 'build', 'test']) { const s = sums[`${tc} ${c}`]; totalRow.push(s && s[2] ? `${s[0]}→${s[1]}/${s[2]}` : '-'); }
  totalRow.push(total.second, total.regressions);
  rows.push(totalRow);
  const cells = [head, ...rows].map((row) => row.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(cells.at(-1))].join('\n');
}

export function renderProblems(results) {
  const out = [];
  for (const r of results) {
    if (r.error) { out.push(`${r.entry.spec}: ERROR ${r.error}`); continue; }
    for (const g of r.regressions) {
      out.push(`${r.entry.spec}: REGRESSION ${g.pkg} ${g.toolchain}${g.platform && g.platform !== HOST ? ` ${g.platform}` : ''} ${g.check}`);
      out.push(...g.output.split('\n').map((l) => `    | ${l}`));
      out.push(...(g.fixes.length ? g.fixes.map((m) => `    caused by: ${m}`) : ['    caused by: (no applied fix in this package)']));
    }
    for (const p of r.problems) out.push(`${r.entry.spec}: ${p.kind.toUpperCase()} ${p.text}`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

async function main(argv) {
  const options = { update: false, scanOnly: false, only: [], report: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--update') options.update = true;
    else if (a === '--keep') options.keep = true;
    else if (a === '--scan-only') options.scanOnly = true;
    else if (a === '--only') options.only.push(argv[++i]);
    else if (a === '--report') options.report = argv[++i];
    else { console.error(`corpus: unknown option ${a}`); return 2; }
  }
  const entries = parseModules(readFileSync(MODULES_FILE, 'utf8')).filter((e) => options.only.length === 0 || options.only.some((o) => e.spec.includes(o)));
  const table = existsSync(TABLE_FILE) ? JSON.parse(readFileSync(TABLE_FILE, 'utf8')) : {};
  const { replacementFor } = await import(pathToFileURL(join(ROOT, 'dist/rules/replacements.js')).href);
  const classOf = (symbol) => replacementFor(symbol)?.class;
  const tmp = mkdtempSync(join(tmpdir(), 'linkfix-corpus-'));
  const started = Date.now();
  const results = [];
  const writeReport = () => {
    if (options.report) writeFileSync(options.report, `${new Date().toISOString()} linkfix corpus (${results.length} of ${entries.length} modules so far)\n\n${renderProblems(results) || 'no regressions'}\n\n${renderTable(results)}\n`);
  };
  try {
    for (const entry of entries) {
      const t0 = Date.now();
      process.stderr.write(`corpus: ${entry.spec} ...`);
      try {
        const r = await runModule(entry, tmp, options.update ? undefined : table[entry.spec], options.scanOnly, classOf);
        if (options.update) { table[entry.spec] = r.counts; r.problems = r.problems.filter((p) => p.kind !== 'pinned table'); }
        results.push(r);
        process.stderr.write(` ${r.changes.length} files changed, ${r.packages.size} packages checked, ${r.regressions.length} regressions (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      } catch (e) {
        results.push({ entry, error: e.message });
        process.stderr.write(` error: ${e.message}\n`);
      }
      writeReport();
    }
  } finally {
    if (!options.keep) rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    else process.stderr.write(`corpus: kept ${tmp}\n`);
  }
  if (options.update) {
    if (options.only.length === 0) for (const spec of Object.keys(table)) if (!entries.some((e) => e.spec === spec)) delete table[spec];
    writeFileSync(TABLE_FILE, formatTable(table));
    console.log(`corpus: wrote ${relative(process.cwd(), TABLE_FILE)}`);
  }
  console.log(renderTable(results));
  if (!options.scanOnly) console.log(`\n${renderCoverage(results)}`);
  const notRunnable = results.flatMap((r) => (r.testsNotRunnable ?? []).map((t) => `  ${r.entry.spec} ${t}`));
  if (notRunnable.length) console.log(`\ntests that do not pass here before the fix (so they cannot regress):\n${notRunnable.join('\n')}`);
  const slowest = results.flatMap((r) => ['before', 'after'].flatMap((when) => [...(r[when] ?? [])].map(([key, c]) => ({ what: `${r.entry.spec} ${key.replaceAll('|', ' ')} (${when})`, seconds: c.seconds }))))
    .sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  if (slowest.length) console.log(`\nslowest go commands:\n${slowest.map((s) => `  ${s.seconds.toFixed(0).padStart(4)} s  ${s.what}`).join('\n')}`);
  const problems = renderProblems(results);
  console.log(`\n${problems || 'no regressions, no pinned-table mismatch, no second-run change'}`);
  const failed = results.filter((r) => r.error || r.regressions.length || r.problems.some((p) => p.kind !== 'flaky')).length;
  console.log(`\ncorpus: ${results.length} modules in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // The plain closing line CI log readers understand, counting modules.
  console.log(`corpus: ${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 2; });
}

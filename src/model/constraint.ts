// Build constraints as data: the `//go:build` expression, legacy `// +build`
// lines, and the _GOOS/_GOARCH/_test file-name suffixes (go/build's rules).

import type { FileConstraint } from './types.js';

export const KNOWN_OS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux',
  'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos',
]);

const UNIX_OS: ReadonlySet<string> = new Set([
  'aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd',
  'openbsd', 'solaris',
]);

export const KNOWN_ARCH: ReadonlySet<string> = new Set([
  '386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle',
  'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64',
  's390', 's390x', 'sparc', 'sparc64', 'wasm',
]);

/** The ports `go tool dist list` prints: only real GOOS/GOARCH pairs can build together. */
export const PORTS: readonly (readonly [string, string])[] = (
  'aix/ppc64 android/386 android/amd64 android/arm android/arm64 darwin/amd64 darwin/arm64 dragonfly/amd64 ' +
  'freebsd/386 freebsd/amd64 freebsd/arm freebsd/arm64 freebsd/riscv64 illumos/amd64 ios/amd64 ios/arm64 js/wasm ' +
  'linux/386 linux/amd64 linux/arm linux/arm64 linux/loong64 linux/mips linux/mips64 linux/mips64le linux/mipsle ' +
  'linux/ppc64 linux/ppc64le linux/riscv64 linux/s390x netbsd/386 netbsd/amd64 netbsd/arm netbsd/arm64 ' +
  'openbsd/386 openbsd/amd64 openbsd/arm openbsd/arm64 openbsd/ppc64 openbsd/riscv64 plan9/386 plan9/amd64 ' +
  'plan9/arm solaris/amd64 wasip1/wasm windows/386 windows/amd64 windows/arm64'
)
  .split(' ')
  .map((p) => p.split('/') as [string, string]);

export type BuildExpr =
  | { op: 'tag'; tag: string }
  | { op: 'not'; x: BuildExpr }
  | { op: 'and' | 'or'; x: BuildExpr; y: BuildExpr };

/** The file-name part of a constraint: `x_linux_amd64.go`, `x_test.go`, … (go/build goodOSArchFile). */
export function fileNameConstraint(fileName: string): Pick<FileConstraint, 'goos' | 'goarch' | 'test'> {
  let name = fileName.replace(/\.[^.]*$/, '');
  const test = name.endsWith('_test');
  if (test) name = name.slice(0, -'_test'.length);
  const underscore = name.indexOf('_');
  if (underscore < 0) return { goos: null, goarch: null, test };
  const parts = name.slice(underscore).split('_');
  const n = parts.length;
  const last = parts[n - 1]!;
  const prev = parts[n - 2];
  if (n >= 3 && prev !== undefined && KNOWN_OS.has(prev) && KNOWN_ARCH.has(last)) {
    return { goos: prev, goarch: last, test };
  }
  if (KNOWN_OS.has(last)) return { goos: last, goarch: null, test };
  if (KNOWN_ARCH.has(last)) return { goos: null, goarch: last, test };
  return { goos: null, goarch: null, test };
}

export class ConstraintSyntaxError extends Error {}

/** Parses the expression of a `//go:build` line (without the `//go:build` prefix). */
export function parseBuildExpr(src: string): BuildExpr {
  const tokens = src.match(/\|\||&&|!|\(|\)|[^\s|&!()]+/g) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const fail = (what: string): never => {
    throw new ConstraintSyntaxError(`${what} in build constraint "${src.trim()}"`);
  };
  const or = (): BuildExpr => {
    let x = and();
    while (peek() === '||') {
      pos++;
      x = { op: 'or', x, y: and() };
    }
    return x;
  };
  const and = (): BuildExpr => {
    let x = unary();
    while (peek() === '&&') {
      pos++;
      x = { op: 'and', x, y: unary() };
    }
    return x;
  };
  const unary = (): BuildExpr => {
    const t = peek();
    if (t === '!') {
      pos++;
      return { op: 'not', x: unary() };
    }
    if (t === '(') {
      pos++;
      const x = or();
      if (peek() !== ')') fail('missing )');
      pos++;
      return x;
    }
    if (t === undefined || t === ')' || t === '||' || t === '&&') return fail('unexpected token');
    if (!/^[\p{L}\p{N}_.]+$/u.test(t)) fail(`invalid tag "${t}"`);
    pos++;
    return { op: 'tag', tag: t };
  };
  const expr = or();
  if (pos !== tokens.length) fail('unexpected token');
  return expr;
}

/** Translates legacy `// +build` lines (each ORs space-separated terms of comma-ANDed tags; lines AND) to an expression string. */
export function plusBuildToExpr(lines: string[]): string {
  const lineExprs = lines.map((line) => {
    const terms = line.trim().split(/\s+/).filter(Boolean).map((term) => term.split(',').join(' && '));
    return terms.length > 1 ? terms.map((t) => (t.includes('&&') ? `(${t})` : t)).join(' || ') : (terms[0] ?? '');
  });
  return lineExprs.length > 1 ? lineExprs.map((e) => (e.includes('||') ? `(${e})` : e)).join(' && ') : (lineExprs[0] ?? '');
}

export function evalBuildExpr(e: BuildExpr, has: (tag: string) => boolean): boolean {
  switch (e.op) {
    case 'tag':
      return has(e.tag);
    case 'not':
      return !evalBuildExpr(e.x, has);
    case 'and':
      return evalBuildExpr(e.x, has) && evalBuildExpr(e.y, has);
    case 'or':
      return evalBuildExpr(e.x, has) || evalBuildExpr(e.y, has);
  }
}

/** The tags an expression names, added to `out`. */
export function buildExprTags(e: BuildExpr, out = new Set<string>()): Set<string> {
  if (e.op === 'tag') out.add(e.tag);
  else if (e.op === 'not') buildExprTags(e.x, out);
  else {
    buildExprTags(e.x, out);
    buildExprTags(e.y, out);
  }
  return out;
}

/** An OS, an architecture, or `unix`: a tag that only some ports satisfy. */
export function isPlatformTag(tag: string): boolean {
  return KNOWN_OS.has(tag) || KNOWN_ARCH.has(tag) || tag === 'unix';
}

/** A build configuration: the tags a build satisfies. */
export interface BuildContext {
  goos: string;
  goarch: string;
  /** Go minor version: go1.N tags hold for every N up to this one. */
  goMinor: number;
  tags: ReadonlySet<string>;
}

function contextHas(ctx: BuildContext, tag: string): boolean {
  if (tag === ctx.goos || tag === ctx.goarch || ctx.tags.has(tag)) return true;
  if (tag === 'unix') return UNIX_OS.has(ctx.goos);
  // go/build: GOOS=android also matches linux, ios matches darwin, illumos matches solaris.
  if (tag === 'linux' && ctx.goos === 'android') return true;
  if (tag === 'darwin' && ctx.goos === 'ios') return true;
  if (tag === 'solaris' && ctx.goos === 'illumos') return true;
  const m = /^go1\.(\d+)$/.exec(tag);
  return m !== null && Number(m[1]) <= ctx.goMinor;
}

/** Does a file with this constraint take part in a build with this context? Test files count as compiled. */
export function constraintMatches(c: FileConstraint, ctx: BuildContext): boolean {
  if (c.goos !== null && !contextHas(ctx, c.goos)) return false;
  if (c.goarch !== null && c.goarch !== ctx.goarch) return false;
  if (c.expression === null) return true;
  const expr = readExpr(c.expression);
  return expr !== null && evalBuildExpr(expr, (t) => contextHas(ctx, t));
}

/**
 * A file's expression is evaluated for every port, release and tag choice a
 * question enumerates, and the same few expressions recur across a tree:
 * each is parsed once (null: it does not parse). The trees are shared, so
 * this stays private to matching.
 */
const parsedExprs = new Map<string, BuildExpr | null>();
function readExpr(src: string): BuildExpr | null {
  let expr = parsedExprs.get(src);
  if (expr === undefined) {
    try {
      expr = parseBuildExpr(src);
    } catch {
      expr = null;
    }
    parsedExprs.set(src, expr);
  }
  return expr;
}

/** The compiler tags: a build is made by exactly one compiler. */
const COMPILERS: ReadonlySet<string> = new Set(['gc', 'gccgo']);

/**
 * Can some single gc build compile both files? Enumerates the real ports, the
 * Go versions the constraints mention, and every assignment of the other tags
 * (capped), so that `_linux.go` and `_darwin.go` twins are never duplicates.
 * The compiler is gc (its rules are the ones linkfix applies): a `gccgo` file
 * is never compiled together with another.
 */
export function constraintsOverlap(a: FileConstraint, b: FileConstraint): boolean {
  const unconstrained = (c: FileConstraint): boolean => c.expression === null && c.goos === null && c.goarch === null;
  if (unconstrained(a) && unconstrained(b)) return true;
  const tags = new Set<string>();
  for (const c of [a, b]) {
    if (c.expression) {
      const expr = readExpr(c.expression);
      if (expr === null) return true;
      buildExprTags(expr, tags);
    }
  }
  const minors = [...tags].flatMap((t) => /^go1\.(\d+)$/.exec(t)?.[1] ?? []).map(Number);
  const versions = [0, ...minors, ...minors.map((m) => m - 1)];
  const free = [...tags].filter((t) => !isPlatformTag(t) && !/^go1\.\d+$/.test(t) && !COMPILERS.has(t)).slice(0, 10);
  for (const [goos, goarch] of PORTS) {
    for (const goMinor of versions) {
      for (let mask = 0; mask < 1 << free.length; mask++) {
        const ctx: BuildContext = { goos, goarch, goMinor, tags: new Set(['gc', ...free.filter((_, i) => mask & (1 << i))]) };
        if (constraintMatches(a, ctx) && constraintMatches(b, ctx)) return true;
      }
    }
  }
  return false;
}

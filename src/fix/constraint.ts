// The build constraints of the files a rewrite creates: the original file's
// own constraint (its `//go:build` line, or its legacy `// +build` lines)
// ANDed with a release tag, simplified, printed as gofmt prints it, and
// checked to be satisfiable by some release the module supports, so that no
// file is written that no build ever compiles.

import { PORTS, buildExprTags, constraintMatches, isPlatformTag, fileNameConstraint, parseBuildExpr, plusBuildToExpr, type BuildExpr } from '../model/constraint.js';
import type { ParsedGoFile } from '../parse/goshared.js';

/** The file's own constraint as an expression; null when it has none (or one that does not parse). */
export function ownConstraint(file: ParsedGoFile): BuildExpr | null {
  const text = file.goBuild ?? (file.plusBuild.length ? plusBuildToExpr(file.plusBuild) : null);
  if (!text) return null;
  try {
    return parseBuildExpr(text);
  } catch {
    return null;
  }
}

const releaseOf = (e: BuildExpr): number | null => (e.op === 'tag' ? Number(/^go1\.(\d+)$/.exec(e.tag)?.[1] ?? NaN) : NaN) || null;

function conjuncts(e: BuildExpr): BuildExpr[] {
  return e.op === 'and' ? [...conjuncts(e.x), ...conjuncts(e.y)] : [e];
}

/**
 * `x && own`, with the terms a release tag makes redundant dropped: `go1.N`
 * when `go1.M` (M > N) is also required, `!go1.M` when `!go1.N` (N < M) is.
 */
export function conjoin(x: BuildExpr, own: BuildExpr | null): BuildExpr {
  const terms = [x, ...(own ? conjuncts(own) : [])];
  const printed = terms.map(printBuildExpr);
  const atLeast = Math.max(0, ...terms.map(releaseOf).filter((n): n is number => n !== null));
  const below = Math.min(Infinity, ...terms.map((t) => (t.op === 'not' ? releaseOf(t.x) : null)).filter((n): n is number => n !== null));
  const kept = terms.filter((t, i) => {
    if (printed.indexOf(printed[i]!) !== i) return false;
    const r = releaseOf(t);
    if (r !== null) return r === atLeast;
    const nr = t.op === 'not' ? releaseOf(t.x) : null;
    return nr === null || nr === below;
  });
  return kept.reduce((acc, t) => ({ op: 'and', x: acc, y: t }));
}

/** gofmt's (go/build/constraint's) form: parentheses only where precedence needs them. */
export function printBuildExpr(e: BuildExpr): string {
  switch (e.op) {
    case 'tag':
      return e.tag;
    case 'not':
      return `!${e.x.op === 'tag' || e.x.op === 'not' ? printBuildExpr(e.x) : `(${printBuildExpr(e.x)})`}`;
    case 'and': {
      const arg = (a: BuildExpr): string => (a.op === 'or' ? `(${printBuildExpr(a)})` : printBuildExpr(a));
      return `${arg(e.x)} && ${arg(e.y)}`;
    }
    case 'or':
      return `${printBuildExpr(e.x)} || ${printBuildExpr(e.y)}`;
  }
}

/**
 * Does some build compile a file with this expression (and file name): a
 * release in `minors`, a real port, and any choice of the other tags (gc or
 * gccgo, cgo, custom tags; beyond 2^10 choices it says yes)?
 */
export function satisfiable(e: BuildExpr, fileName: string, minors: number[]): boolean {
  const free = [...buildExprTags(e)].filter((t) => !isPlatformTag(t) && !/^go1\.\d+$/.test(t));
  if (free.length > 10) return true;
  const constraint = { ...fileNameConstraint(fileName), expression: printBuildExpr(e) };
  for (const goMinor of minors) {
    for (const [goos, goarch] of PORTS) {
      for (let mask = 0; mask < 1 << free.length; mask++) {
        if (constraintMatches(constraint, { goos, goarch, goMinor, tags: new Set(free.filter((_, i) => mask & (1 << i))) })) return true;
      }
    }
  }
  return false;
}

/** Everything that decides whether a build compiles a file: its expression and its file name; null when every build does. */
function compiledWhen(name: string, parsed: ParsedGoFile): BuildExpr | null {
  const { goos, goarch } = fileNameConstraint(name.slice(name.lastIndexOf('/') + 1));
  const terms = [ownConstraint(parsed), ...[goos, goarch].map((t): BuildExpr | null => (t ? { op: 'tag', tag: t } : null))].filter((t): t is BuildExpr => t !== null);
  return terms.length ? terms.reduce((x, y) => ({ op: 'and', x, y })) : null;
}

/** Does every build (any release, port and tags) that compiles `file` compile one of `others` too? */
export function coveredBy(file: { name: string; parsed: ParsedGoFile }, others: { name: string; parsed: ParsedGoFile }[]): boolean {
  const conditions = others.map((o) => compiledWhen(o.name, o.parsed));
  if (conditions.some((c) => c === null)) return true;
  if (conditions.length === 0) return false;
  const none: BuildExpr = { op: 'not', x: (conditions as BuildExpr[]).reduce((x, y) => ({ op: 'or', x, y })) };
  const own = compiledWhen(file.name, file.parsed);
  return !satisfiable(own ? { op: 'and', x: own, y: none } : none, 'x.go', Array.from({ length: 30 }, (_, i) => i + 1));
}

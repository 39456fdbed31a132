// Will this pull link on this Go release, and does it still mean what it
// says? The rules are the linker's (cmd/link/internal/loader checkLinkname and
// its callers, per release) applied to the release's catalog.

import { constraintMatches } from '../model/constraint.js';
import type { Finding, Verdict, VerdictKind } from '../model/types.js';
import { platformBit, type Catalog, type StdSymbol } from '../catalog/types.js';
import { signatureDrifts } from './shape.js';

/** Verdicts under which the build fails, or links to something else than the code says. */
export const FAILING: ReadonlySet<VerdictKind> = new Set(['blocked', 'rejected', 'missing', 'detached', 'abi-mismatch']);

/**
 * The linker's error, per failing verdict of a func pull, once the pull is
 * used; `importersToo` when a call from an importing package fails as well
 * (a missing symbol), not only one from the directive's package (the linkname check).
 */
const LINKER_ERROR: Partial<Record<VerdictKind, { message: (name: string) => string; importersToo: boolean }>> = {
  rejected: { message: (name) => `invalid reference to ${name}`, importersToo: false },
  blocked: { message: (name) => `invalid reference to ${name}`, importersToo: false },
  missing: { message: (name) => `relocation target ${name} not defined`, importersToo: true },
  'abi-mismatch': { message: (name) => `relocation target ${name} not defined for ABIInternal`, importersToo: true },
};

/** Findings that pull something and so get verdicts. */
export function isJudged(f: Finding): boolean {
  return f.kind === 'pull' || f.kind === 'handshake' || f.kind === 'asm-pull';
}

/** Build tags as `go build -tags` takes them: comma-separated (the old space-separated form too). */
export function parseTags(tags: string | undefined): string[] {
  return (tags ?? '').split(/[,\s]+/).filter(Boolean);
}

/** `tags`: the user's build tags (as from parseTags), on top of `gc` and `cgo`. */
export function judge(f: Finding, catalog: Catalog, platform: string, tags: readonly string[] = []): Verdict {
  const base = { go: `1.${catalog.minor}`, release: catalog.go };
  const v = (verdict: VerdictKind, detail: string, extra: Partial<Verdict> = {}): Verdict => ({ ...base, verdict, detail, ...extra });
  const [goos = '', goarch = ''] = platform.split('/');
  if (!constraintMatches(f.constraint, { goos, goarch, goMinor: catalog.minor, tags: new Set(['gc', 'cgo', ...tags]) })) {
    return v('not-compiled', `the file's build constraint excludes this release on ${platform}${tags.length ? ` with tags ${tags.join(',')}` : ''}`);
  }
  if (f.target.kind !== 'std') {
    const what = f.target.kind === 'c-symbol' ? 'a C or assembly symbol' : 'a symbol outside the standard library';
    return v('ok-unchecked', `the linker checks only pulls of std symbols; this is ${what}`);
  }

  const name = `${f.target.importPath}.${f.target.symbol}`;
  platformBit(platform); // a platform the catalogs do not cover is a usage error
  const found = catalog.symbols.lookup(name);
  const sym = found?.existsOn(platform) ? found : undefined;
  const pushed = sym?.pushOn(platform);
  const users = sym?.legacyUsers;
  const documented = users ? ` (documented legacy use${users.length ? `: ${users.slice(0, 3).join(', ')}${users.length > 3 ? ', …' : ''}` : ''})` : '';
  const drift = driftOf(f, sym);
  const blocked = (): Verdict | null => {
    const allowed = catalog.blocked[name];
    if (!catalog.rules.checkLinkname || allowed === undefined || (f.package !== null && allowed.includes(f.package))) return null;
    return v('blocked', allowed.length ? `the linker allows ${name} only in ${allowed.join(', ')}` : `the linker blocks ${name} for every package`, drift);
  };

  if (f.kind === 'asm-pull') return judgeAsm();
  if (f.declaration?.kind === 'var') return judgeVar();
  return unreferenced(judgeFunc());

  /**
   * A bodyless func that its package never uses compiles to no reference, and
   * the linker checks only the references the directive's package compiles:
   * the pull links until its package calls it (measured with go1.23.12,
   * go1.26.8 and go1.27.4; test/unreferenced-pulls.test.ts). Importers' calls
   * of an exported one are not checked, but they do need the symbol and its
   * ABIInternal entry. A var is always a reference, used or not.
   */
  function unreferenced(verdict: Verdict): Verdict {
    const failure = LINKER_ERROR[verdict.verdict];
    if (f.referenced !== false || !failure) return verdict;
    const local = f.localName ?? '';
    const exported = /^\p{Lu}/u.test(local);
    if (exported && failure.importersToo) return verdict;
    const importers = exported ? ' (calls from importing packages are not checked, and link)' : '';
    return { ...verdict, verdict: 'ok-unreferenced', detail: `links only because ${f.package ?? 'its package'} never uses ${local}${importers}: its first use there fails with ${failure.message(name)}` };
  }

  function judgeFunc(): Verdict {
    if (!sym || sym.kind === 'var') return v('missing', `${name} does not exist in this release (${platform}): the link fails (relocation target not defined)`);
    const isAsm = sym.assemblyOn(platform);
    // A Go declaration with a linkname in the symbol's own package (bytealg's abigen_runtime_cmpstring) pushes it and gives it an ABIInternal entry.
    if (sym.kind === 'asm' && pushed === undefined) return v('abi-mismatch', `${name} is an assembly symbol with no Go declaration: there is no ABIInternal symbol to call`);
    if (!catalog.rules.checkLinkname) return v('ok-unchecked', 'releases before Go 1.23 do not check linknames', drift);
    const b = blocked();
    if (b) return b;
    if (pushed === 'linkname') return v('ok-pushed', `pushed at ${sym.pushedAt}${documented}`, drift);
    if (pushed === 'linknamestd') return v('rejected', `pushed with //go:linknamestd at ${sym.pushedAt}: pullable from std only`, drift);
    if (isAsm && catalog.rules.asmImplicit) return v('ok-implicit', `assembly-defined: its ABI wrapper is allowed up to Go 1.26`, drift);
    if (catalog.rules.builtinLoophole && catalog.builtins.includes(name)) return v('ok-implicit', `a compiler builtin: Go 1.23 does not check these references`, drift);
    // Measured on go1.23.12, 1.24.13, 1.25.14, 1.26.8, 1.26.11 and 1.27.4 (test/receiver-named.test.ts).
    if (f.namesReceiverType) {
      return v('ok-implicit', `the declaration names the receiver's type of ${name}, so the compiler takes the method from ${f.target.importPath}'s export data and the linker does not check the reference`, drift);
    }
    return v('rejected', `${name} is not pushed: invalid reference to ${name}`, drift);
  }

  function judgeVar(): Verdict {
    if (!sym || sym.kind !== 'var') {
      return v('detached', `${name} does not exist in this release (${platform}): the var links as a separate zero variable`);
    }
    return judgeData(sym);
  }

  function judgeAsm(): Verdict {
    if (!sym) return v('missing', `${name} does not exist in this release (${platform}): relocation target not defined`);
    // Data has no ABI: a variable is referenced as it is, and is checked like a Go pull of it.
    if (sym.kind === 'var') return judgeData(sym);
    const isAsm = sym.assemblyOn(platform) || sym.kind === 'asm';
    // A Go function has an ABI0 symbol only as a wrapper: made when it is pushed, or when its own package's assembly calls it.
    const hasWrapper = pushed !== undefined || sym.wrappedOn(platform);
    if (!isAsm && !hasWrapper) return v('abi-mismatch', `${name} is a Go function with no ABI0 symbol: relocation target not defined for ABI0`);
    if (!catalog.rules.checkLinkname) return v('ok-unchecked', 'releases before Go 1.23 do not check linknames');
    const b = blocked();
    if (b) return b;
    if (pushed === 'linkname') return v('ok-pushed', `pushed at ${sym.pushedAt}${documented}`);
    if (catalog.rules.asmImplicit) return v('ok-implicit', isAsm ? 'assembly symbols are allowed up to Go 1.26' : 'ABI wrappers are allowed up to Go 1.26');
    return v('rejected', `from Go 1.27 assembly references need a push: ${name} is not pushed`);
  }

  /** A pull of a variable that exists in this release, from Go or from assembly. */
  function judgeData(sym: StdSymbol): Verdict {
    if (!catalog.rules.checkLinkname) return v('ok-unchecked', 'releases before Go 1.23 do not check linknames', drift);
    const b = blocked();
    if (b) return b;
    if (pushed === 'linkname') return v('ok-pushed', `pushed at ${sym.pushedAt}${documented}`, drift);
    return v('rejected', `${name} is not pushed: invalid reference to ${name}`, drift);
  }
}

function driftOf(f: Finding, sym: StdSymbol | undefined): Partial<Verdict> {
  const local = f.declaration?.signature;
  const std = sym?.signature;
  if (!local || !std || !signatureDrifts(local, std)) return {};
  return { signatureDrift: { local, std } };
}

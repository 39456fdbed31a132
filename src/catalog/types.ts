// The std catalog of one Go release: what exists in its compiled standard
// library, what it pushes, what the linker blocks, and which implicit rules
// that release's linker applies. Plain JSON, shipped gzipped per release.

/** The platforms every catalog covers; a mask bit per platform, in this order. */
export const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/arm64', 'windows/amd64'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ALL_PLATFORMS_MASK = (1 << PLATFORMS.length) - 1;

export const CATALOG_SCHEMA = 1;

export interface LinkerRules {
  /** Go 1.23+: the linker checks linkname references into std (-checklinkname). */
  checkLinkname: boolean;
  /** Go ≤ 1.26: assembly TEXT symbols and ABI wrappers of std are pullable without a push. */
  asmImplicit: boolean;
  /** Go 1.23 only: references to names in cmd/internal/goobj/builtinlist.go are not checked. */
  builtinLoophole: boolean;
  /** Go 1.27+: `//go:linknamestd` pushes, pullable from std only. */
  linknamestd: boolean;
}

export interface SymbolEntry {
  /** func (also methods, keyed by linker name), var, or a TEXT symbol with no Go declaration. */
  k: 'func' | 'var' | 'asm';
  /** The Go declaration's signature, e.g. `func nanotime() int64`. */
  s?: string;
  /** Platforms where the symbol exists (omitted: all). */
  p?: number;
  /** Platforms where it is defined in assembly, i.e. has an ABI0 definition (omitted: none). */
  a?: number;
  /** Platforms where its own package's assembly calls it, so the compiler gives it an ABI0 wrapper. */
  w?: number;
  /** How it is pushed, if it is. */
  push?: 'linkname' | 'linknamestd';
  /** Platforms where the push applies (omitted: wherever it exists). */
  pp?: number;
  /** The push is documented as legacy ("hall of shame", go.dev/issue/67401): the modules listed. */
  doc?: string[];
  /** file:line of the push directive (relative to GOROOT/src). */
  at?: string;
}

export interface Catalog {
  schema: typeof CATALOG_SCHEMA;
  /** The linkfix version that generated it. */
  generator: string;
  /** `go1.26.11` */
  go: string;
  minor: number;
  platforms: readonly string[];
  rules: LinkerRules;
  /** `blockedLinknames` from cmd/link/internal/loader/loader.go: symbol → packages allowed (empty: nobody). */
  blocked: Record<string, string[]>;
  /** builtinlist.go names; only filled where `rules.builtinLoophole`. */
  builtins: string[];
  symbols: Record<string, SymbolEntry>;
}

/** Go minor version of `go1.26.11`, `go1.27rc1`, `1.22`: 26, 27, 22. */
export function goMinor(version: string): number {
  const m = /^(?:go)?1\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a Go version: ${version}`);
  return Number(m[1]);
}

export function rulesFor(minor: number): LinkerRules {
  return { checkLinkname: minor >= 23, asmImplicit: minor <= 26, builtinLoophole: minor === 23, linknamestd: minor >= 27 };
}

export function platformBit(platform: string): number {
  const i = (PLATFORMS as readonly string[]).indexOf(platform);
  if (i < 0) throw new Error(`unknown platform ${platform}`);
  return 1 << i;
}

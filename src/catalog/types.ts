// The std catalog of one Go release: what exists in its compiled standard
// library, what it pushes, what the linker blocks, and which implicit rules
// that release's linker applies. Stored with the other releases in one file
// (./store.ts, docs/catalog-format.md).

import { LinkfixError } from '../errors.js';

/** The platforms every catalog covers; a mask bit per platform, in this order. */
export const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/arm64', 'windows/amd64'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ALL_PLATFORMS_MASK = (1 << PLATFORMS.length) - 1;

export const CATALOG_SCHEMA = 5;

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
  /** A var the standard library may change after initialisation (src/catalog/writes.ts): a copy of it would be a different variable. */
  m?: true;
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
  symbols: SymbolTable;
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

/** The bit of `platform` in a catalog's masks; a platform the catalogs do not cover is a usage error. */
export function platformBit(platform: string): number {
  const i = (PLATFORMS as readonly string[]).indexOf(platform);
  if (i < 0) throw new LinkfixError('EUSAGE', `--platform: catalogs cover ${PLATFORMS.join(', ')}; not ${platform}`);
  return 1 << i;
}

/**
 * Where a table's entries come from: a map built in memory, or one release of
 * a catalog file (./store.ts), which decodes a package only when one of its
 * symbols is asked for.
 */
export interface SymbolSource {
  readonly size: number;
  get(name: string): SymbolEntry | undefined;
  /** Every name, in any order. */
  names(): Iterable<string>;
  /** The digest of a std package's source, as the copy outcomes were computed from it. */
  sourceDigest(importPath: string): string | undefined;
  /** What that source says about copying the func or var `name` (./copyable.ts encodeOutcome). */
  copyOutcome(name: string): string | undefined;
  /** All of the copy records, for writing them out. */
  copies(): CopyRecords;
}

/** What a release's std source says about copying each of its top-level funcs and vars (./copyable.ts), with each package's source digest. */
export interface CopyRecords {
  /** Import path → digest. */
  digests: ReadonlyMap<string, string>;
  /** `importPath.name` → encoded outcome. */
  outcomes: ReadonlyMap<string, string>;
}

/** The symbols of a catalog. */
export class SymbolTable {
  private constructor(private readonly source: SymbolSource) {}

  static over(source: SymbolSource): SymbolTable {
    return new SymbolTable(source);
  }

  static fromEntries(entries: Iterable<[string, SymbolEntry]>, copies: CopyRecords = { digests: new Map(), outcomes: new Map() }): SymbolTable {
    const map = new Map(entries);
    return new SymbolTable({
      size: map.size,
      get: (name) => map.get(name),
      names: () => map.keys(),
      sourceDigest: (importPath) => copies.digests.get(importPath),
      copyOutcome: (name) => copies.outcomes.get(name),
      copies: () => copies,
    });
  }

  get size(): number {
    return this.source.size;
  }

  get(name: string): SymbolEntry | undefined {
    return this.source.get(name);
  }

  /** The symbol's facts under readable names. */
  lookup(name: string): StdSymbol | undefined {
    const entry = this.source.get(name);
    return entry && new StdSymbol(entry);
  }

  /** Sorted by name. */
  *entries(): Generator<[string, SymbolEntry]> {
    for (const name of [...this.source.names()].sort(compare)) yield [name, this.source.get(name)!];
  }

  sourceDigest(importPath: string): string | undefined {
    return this.source.sourceDigest(importPath);
  }

  copyOutcome(name: string): string | undefined {
    return this.source.copyOutcome(name);
  }

  copies(): CopyRecords {
    return this.source.copies();
  }

  /** JSON.stringify writes the table as one line per symbol, copy outcome and package digest, sorted: two tables with the same text hold the same facts. */
  toJSON(): string {
    const { digests, outcomes } = this.copies();
    const sorted = (m: ReadonlyMap<string, string>): string[] => [...m].sort(([a], [b]) => compare(a, b)).map(([k, v]) => `${k}\t${v}`);
    return [...[...this.entries()].map(([name, e]) => entryLine(name, e)), '', ...sorted(outcomes), '', ...sorted(digests)].join('\n');
  }
}

/** One symbol of one release, its one-letter keys read into names; masks are asked about one platform. */
export class StdSymbol {
  constructor(private readonly entry: SymbolEntry) {}

  get kind(): SymbolEntry['k'] {
    return this.entry.k;
  }

  /** The Go declaration's signature, when it has one. */
  get signature(): string | undefined {
    return this.entry.s;
  }

  /** How it is pushed, on the platforms `pushOn` says. */
  get push(): SymbolEntry['push'] {
    return this.entry.push;
  }

  /** file:line of the push directive. */
  get pushedAt(): string | undefined {
    return this.entry.at;
  }

  /** The modules the std documents as legacy users of the push (go.dev/issue/67401). */
  get legacyUsers(): string[] | undefined {
    return this.entry.doc;
  }

  existsOn(platform: string): boolean {
    return this.entry.p === undefined || (this.entry.p & platformBit(platform)) !== 0;
  }

  /** Defined in assembly on the platform (it has an ABI0 definition). */
  assemblyOn(platform: string): boolean {
    return this.entry.a !== undefined && (this.entry.a & platformBit(platform)) !== 0;
  }

  /** Its own package's assembly calls it on the platform, so it has an ABI0 wrapper. */
  wrappedOn(platform: string): boolean {
    return this.entry.w !== undefined && (this.entry.w & platformBit(platform)) !== 0;
  }

  /** How it is pushed on the platform, if it is. */
  pushOn(platform: string): SymbolEntry['push'] {
    const { push, pp } = this.entry;
    return push !== undefined && (pp === undefined || (pp & platformBit(platform)) !== 0) ? push : undefined;
  }
}

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function entryLine(name: string, e: SymbolEntry): string {
  return [name, e.k, e.p ?? '', e.a ?? '', e.w ?? '', e.push ?? '', e.pp ?? '', e.at ?? '', e.doc ? `=${e.doc.join(' ')}` : '', e.m ? 'm' : '', e.s ?? ''].join('\t');
}

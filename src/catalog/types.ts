// The std catalog of one Go release: what exists in its compiled standard
// library, what it pushes, what the linker blocks, and which implicit rules
// that release's linker applies. Plain JSON, shipped gzipped per release.

/** The platforms every catalog covers; a mask bit per platform, in this order. */
import { LinkfixError } from '../errors.js';

export const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/arm64', 'windows/amd64'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const ALL_PLATFORMS_MASK = (1 << PLATFORMS.length) - 1;

export const CATALOG_SCHEMA = 3;

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
 * The symbols of a catalog. On disk they are one sorted tab-separated string
 * (`name k p a w push pp at doc m sig`), because parsing 25,000 JSON objects
 * took most of a catalog's load time; a lookup binary-searches the lines and
 * decodes only the one it needs.
 */
export class SymbolTable {
  private readonly lines: string[];

  private constructor(lines: string[]) {
    this.lines = lines;
  }

  static fromText(text: string): SymbolTable {
    return new SymbolTable(text === '' ? [] : text.split('\n'));
  }

  static fromEntries(entries: Iterable<[string, SymbolEntry]>): SymbolTable {
    const lines = [...entries].map(([name, e]) => encode(name, e)).sort((a, b) => compare(lineName(a), lineName(b)));
    return new SymbolTable(lines);
  }

  get size(): number {
    return this.lines.length;
  }

  get(name: string): SymbolEntry | undefined {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compare(lineName(this.lines[mid]!), name);
      if (c === 0) return decode(this.lines[mid]!)[1];
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  *entries(): Generator<[string, SymbolEntry]> {
    for (const line of this.lines) yield decode(line);
  }

  /** JSON.stringify writes the table as its text. */
  toJSON(): string {
    return this.lines.join('\n');
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const lineName = (line: string): string => line.slice(0, line.indexOf('\t'));
const num = (s: string): number | undefined => (s === '' ? undefined : Number(s));

function encode(name: string, e: SymbolEntry): string {
  return [name, e.k, e.p ?? '', e.a ?? '', e.w ?? '', e.push ?? '', e.pp ?? '', e.at ?? '', e.doc ? `=${e.doc.join(' ')}` : '', e.m ? 'm' : '', e.s ?? ''].join('\t');
}

function decode(line: string): [string, SymbolEntry] {
  const [name = '', k, p = '', a = '', w = '', push = '', pp = '', at = '', doc = '', m = '', s = ''] = line.split('\t');
  const e: SymbolEntry = { k: k as SymbolEntry['k'] };
  if (s) e.s = s;
  if (p) e.p = num(p);
  if (a) e.a = num(a);
  if (w) e.w = num(w);
  if (push) e.push = push as SymbolEntry['push'];
  if (pp) e.pp = num(pp);
  if (doc) e.doc = doc.length > 1 ? doc.slice(1).split(' ') : [];
  if (at) e.at = at;
  if (m) e.m = true;
  return [name, e];
}

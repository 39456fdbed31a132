// The catalog file: every release's catalog in one uncompressed file, laid out
// for lookup (docs/catalog-format.md). A small JSON header holds each
// release's rules and blocklist and where each package's block starts; a
// block holds the package's symbols once, each with its facts per release,
// and is split and decoded only when one of its symbols is asked for.

import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError, LinkfixError } from '../errors.js';
import { CATALOG_SCHEMA, SymbolTable, compare, type Catalog, type SymbolEntry, type SymbolSource } from './types.js';

// The first line: `linkfix-catalog <schema> <header bytes>`.
const MAGIC = 'linkfix-catalog';
const FIRST_LINE_MAX = 64;

/** What the header says of a release: the catalog but its symbols. */
type ReleaseHeader = Omit<Catalog, 'symbols' | 'schema'> & { size: number };

interface Header {
  releases: ReleaseHeader[];
  /** Package (./store.ts packageOf) → [start, end) of its block, in bytes after the header. */
  packages: Record<string, [number, number]>;
}

/** A block's text: its signatures (one a line; a symbol names one by its offset), then its symbol lines, sorted by name. */
interface Block {
  text: string;
  /** Where the symbol lines start. */
  linesStart: number;
}

/**
 * The package a symbol is filed under: its import path (`runtime`,
 * `vendor/golang.org/x/net/route`, `reflect` for `reflect.(*rtype).Name`),
 * or '' for a name without one (`_cgo_init`).
 */
export function packageOf(name: string): string {
  const dot = name.indexOf('.', name.lastIndexOf('/') + 1);
  return dot < 0 ? '' : name.slice(0, dot);
}

export class CatalogStore {
  private readonly blocks = new Map<string, Block | null>();
  private readonly views = new Map<string, Catalog>();

  private constructor(
    private readonly path: string | URL,
    private readonly header: Header,
    /** Where the blocks start in the file. */
    private readonly bodyStart: number,
  ) {}

  /** Reads the header; blocks are read from the file as they are needed. */
  static read(path: string | URL): CatalogStore {
    const first = readAt(path, 0, FIRST_LINE_MAX).toString('latin1');
    const m = /^linkfix-catalog (\d+) (\d+)\n/.exec(first);
    if (!m) throw new LinkfixError('EPARSE', `${String(path)} is not a linkfix catalog`, { file: String(path) });
    if (Number(m[1]) !== CATALOG_SCHEMA) throw new LinkfixError('EPARSE', `catalog ${String(path)} has schema ${m[1]}, this linkfix reads ${CATALOG_SCHEMA}`);
    const headerBytes = Number(m[2]);
    const header = readAt(path, m[0].length, headerBytes);
    return new CatalogStore(path, JSON.parse(header.toString('utf8')), m[0].length + headerBytes);
  }

  /** The releases held, oldest first. */
  get releases(): string[] {
    return this.header.releases.map((r) => r.go);
  }

  catalogs(): Catalog[] {
    return this.releases.map((r) => this.catalog(r)!);
  }

  /** One release's catalog, or undefined when the file does not hold it. */
  catalog(release: string): Catalog | undefined {
    let view = this.views.get(release);
    const r = this.header.releases.findIndex((h) => h.go === release);
    if (!view && r >= 0) {
      const { size, ...meta } = this.header.releases[r]!;
      const { generator, go, minor, platforms, rules, blocked, builtins } = meta;
      view = { schema: CATALOG_SCHEMA, generator, go, minor, platforms, rules, blocked, builtins, symbols: SymbolTable.over(this.source(r, size)) };
      this.views.set(release, view);
    }
    return view;
  }

  private source(r: number, size: number): SymbolSource {
    return {
      size,
      get: (name) => this.facts(name, r),
      names: () => Object.keys(this.header.packages).flatMap((pkg) => blockLines(this.block(pkg)!).map(lineName).filter((name) => this.facts(name, r))),
    };
  }

  private block(pkg: string): Block | null {
    let block = this.blocks.get(pkg);
    if (block === undefined) {
      const range = this.header.packages[pkg];
      const text = range ? readAt(this.path, this.bodyStart + range[0], range[1] - range[0]).toString('utf8') : null;
      block = text === null ? null : { text, linesStart: text.indexOf('\n') + 1 + Number(text.slice(0, text.indexOf('\n'))) };
      this.blocks.set(pkg, block);
    }
    return block;
  }

  /** Binary search over the block's text: a probe backs up to the start of the line it falls in. */
  private facts(name: string, r: number): SymbolEntry | undefined {
    const block = this.block(packageOf(name));
    if (!block) return undefined;
    const { text } = block;
    let lo = block.linesStart;
    let hi = text.length;
    while (lo < hi) {
      // The line holding the middle character (lo and hi are line starts, so it starts at or after lo).
      const lineStart = text.lastIndexOf('\n', ((lo + hi) >> 1) - 1) + 1;
      const end = text.indexOf('\n', lineStart);
      const line = text.slice(lineStart, end);
      const c = compare(lineName(line), name);
      if (c === 0) return releaseFacts(text, line, r);
      if (c < 0) lo = end + 1;
      else hi = lineStart;
    }
    return undefined;
  }
}

/** Writes catalogs (any number of releases, oldest first) as one catalog file. */
export function writeCatalogStore(path: string, catalogs: Catalog[]): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, encodeStore(catalogs));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new LinkfixError('EIO', describeFsError(e, 'cannot write the catalog'), { file: path });
  }
}

/** Adds a release to a catalog file (made if missing), in place of one of the same minor. */
export function addToCatalogStore(path: string, catalog: Catalog): Catalog[] {
  const kept = existsSync(path) ? CatalogStore.read(path).catalogs().filter((c) => c.minor !== catalog.minor) : [];
  const all = [...kept, catalog].sort((a, b) => a.minor - b.minor);
  writeCatalogStore(path, all);
  return all;
}

export function encodeStore(catalogs: Catalog[]): Buffer {
  const sorted = [...catalogs].sort((a, b) => a.minor - b.minor);
  // Package → symbol → its facts per release ('' where it does not exist).
  const packages = new Map<string, Map<string, SymbolEntry[]>>();
  sorted.forEach((c, r) => {
    for (const [name, entry] of c.symbols.entries()) {
      const pkg = packageOf(name);
      const symbols = packages.get(pkg) ?? new Map<string, SymbolEntry[]>();
      packages.set(pkg, symbols);
      const facts = symbols.get(name) ?? [];
      facts[r] = entry;
      symbols.set(name, facts);
    }
  });
  const blocks: Buffer[] = [];
  const index: Header['packages'] = {};
  let offset = 0;
  for (const pkg of [...packages.keys()].sort(compare)) {
    const block = Buffer.from(encodeBlock(packages.get(pkg)!, sorted.length), 'utf8');
    index[pkg] = [offset, offset + block.length];
    offset += block.length;
    blocks.push(block);
  }
  const header: Header = {
    releases: sorted.map((c) => ({ generator: c.generator, go: c.go, minor: c.minor, platforms: c.platforms, rules: c.rules, blocked: c.blocked, builtins: c.builtins, size: c.symbols.size })),
    packages: index,
  };
  const headerBytes = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return Buffer.concat([Buffer.from(`${MAGIC} ${CATALOG_SCHEMA} ${headerBytes.length}\n`, 'latin1'), headerBytes, ...blocks]);
}

// A block: the length of its signature section, the signatures (one a line),
// then one line per symbol: its name and, per release, its facts ('' where it
// does not exist, '^' where they are the previous release's), a signature
// named by its offset in the signature section.
function encodeBlock(symbols: Map<string, SymbolEntry[]>, releases: number): string {
  const signatures = new Map<string, number>();
  let sigLength = 0;
  const sigId = (s: string): number => {
    if (!signatures.has(s)) {
      signatures.set(s, sigLength);
      sigLength += escape(s).length + 1;
    }
    return signatures.get(s)!;
  };
  const lines: string[] = [];
  for (const name of [...symbols.keys()].sort(compare)) {
    const perRelease = symbols.get(name)!;
    const fields: string[] = [];
    let previous: string | undefined;
    for (let r = 0; r < releases; r++) {
      const e = perRelease[r];
      const facts = e ? encodeFacts(e, e.s ? sigId(e.s) : undefined) : '';
      fields.push(facts !== '' && facts === previous ? '^' : facts);
      previous = facts;
    }
    lines.push(`${escape(name)}\t${fields.join('\t')}`);
  }
  return `${sigLength}\n${[...signatures.keys()].map((s) => `${escape(s)}\n`).join('')}${lines.map((l) => `${l}\n`).join('')}`;
}

function blockLines(block: Block): string[] {
  return block.text.slice(block.linesStart, -1).split('\n');
}

const KINDS = { func: 'f', var: 'v', asm: 'a' } as const;
const KIND_OF = { f: 'func', v: 'var', a: 'asm' } as const;
const PUSHES = { linkname: 'l', linknamestd: 's' } as const;
const PUSH_OF = { l: 'linkname', s: 'linknamestd' } as const;

/** kind,p,a,w,push,pp,at,doc,m,signature id */
function encodeFacts(e: SymbolEntry, sig: number | undefined): string {
  const doc = e.doc ? `=${e.doc.map(escape).join(' ')}` : '';
  return [KINDS[e.k], e.p ?? '', e.a ?? '', e.w ?? '', e.push ? PUSHES[e.push] : '', e.pp ?? '', escape(e.at ?? ''), doc, e.m ? 'm' : '', sig ?? ''].join(',');
}

function releaseFacts(block: string, line: string, r: number): SymbolEntry | undefined {
  const fields = line.split('\t');
  let i = r + 1;
  while (fields[i] === '^') i--;
  const text = fields[i];
  if (!text) return undefined;
  const [k = 'f', p, a, w, push, pp, at, doc, m, sig] = text.split(',');
  const e: SymbolEntry = { k: KIND_OF[k as keyof typeof KIND_OF] };
  if (sig) {
    const at = block.indexOf('\n') + 1 + Number(sig);
    e.s = unescape(block.slice(at, block.indexOf('\n', at)));
  }
  if (p) e.p = Number(p);
  if (a) e.a = Number(a);
  if (w) e.w = Number(w);
  if (push) e.push = PUSH_OF[push as keyof typeof PUSH_OF];
  if (pp) e.pp = Number(pp);
  if (doc) e.doc = doc.length > 1 ? doc.slice(1).split(' ').map(unescape) : [];
  if (at) e.at = unescape(at);
  if (m) e.m = true;
  return e;
}

/** `length` bytes of a file from `position`. */
function readAt(path: string | URL, position: number, length: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(length);
    const n = readSync(fd, buffer, 0, length, position);
    return buffer.subarray(0, n);
  } catch (e) {
    throw new LinkfixError('EIO', describeFsError(e, 'cannot read the catalog'), { file: String(path) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const lineName = (line: string): string => unescape(line.slice(0, line.indexOf('\t')));

/** Text fields may hold none of the characters the format splits on. */
const escape = (s: string): string => s.replace(/[%\t\n,]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const unescape = (s: string): string => (s.includes('%') ? s.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s);

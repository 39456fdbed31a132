// The catalog file: every release's catalog in one uncompressed file, laid out
// for lookup (docs/catalog-format.md). A small JSON header holds each
// release's rules and blocklist and where each package's block starts; a
// block holds the package's symbols once, each with its facts per release,
// and is split and decoded only when one of its symbols is asked for.

import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFsError, LinkfixError } from '../errors.js';
import { CATALOG_SCHEMA, SymbolTable, compare, type Catalog, type CopyRecords, type SymbolEntry, type SymbolSource } from './types.js';

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

/** A block's text and where its sections start (see encodeBlock). */
interface Block {
  text: string;
  /** The package's source digest per release ('' where none was recorded). */
  digests: string[];
  sigStart: number;
  symbolsStart: number;
  copiesStart: number;
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
    const packages = Object.keys(this.header.packages);
    return {
      size,
      get: (name) => {
        const block = this.block(packageOf(name));
        const facts = block && field(find(block.text, block.symbolsStart, block.copiesStart, name), r);
        return facts ? decodeFacts(block, facts) : undefined;
      },
      names: () =>
        packages.flatMap((pkg) => {
          const block = this.block(pkg)!;
          return lines(block.text, block.symbolsStart, block.copiesStart).filter((line) => field(line, r)).map(lineName);
        }),
      sourceDigest: (pkg) => this.block(pkg)?.digests[r] || undefined,
      copyOutcome: (name) => {
        const block = this.block(packageOf(name));
        const outcome = block && field(find(block.text, block.copiesStart, block.text.length, name), r);
        return outcome ? unescape(outcome) : undefined;
      },
      copies: () => {
        const digests = new Map<string, string>();
        const outcomes = new Map<string, string>();
        for (const pkg of packages) {
          const block = this.block(pkg)!;
          if (block.digests[r]) digests.set(pkg, block.digests[r]);
          for (const line of lines(block.text, block.copiesStart, block.text.length)) {
            const outcome = field(line, r);
            if (outcome) outcomes.set(lineName(line), unescape(outcome));
          }
        }
        return { digests, outcomes };
      },
    };
  }

  private block(pkg: string): Block | null {
    let block = this.blocks.get(pkg);
    if (block === undefined) {
      const range = this.header.packages[pkg];
      block = range ? parseBlock(readAt(this.path, this.bodyStart + range[0], range[1] - range[0]).toString('utf8')) : null;
      this.blocks.set(pkg, block);
    }
    return block;
  }
}

/** The line of `name` in the sorted lines between `start` and `end` (line starts) of a block's text, by binary search. */
function find(text: string, start: number, end: number, name: string): string | undefined {
  let lo = start;
  let hi = end;
  while (lo < hi) {
    // The line holding the middle character (lo and hi are line starts, so it starts at or after lo).
    const lineStart = text.lastIndexOf('\n', ((lo + hi) >> 1) - 1) + 1;
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd);
    const c = compare(lineName(line), name);
    if (c === 0) return line;
    if (c < 0) lo = lineEnd + 1;
    else hi = lineStart;
  }
  return undefined;
}

/** A line's field for release r: '' where it has none, the previous release's where it says '^'. */
function field(line: string | undefined, r: number): string {
  if (line === undefined) return '';
  const fields = line.split('\t');
  let i = r + 1;
  while (fields[i] === '^') i--;
  return fields[i] ?? '';
}

function lines(text: string, start: number, end: number): string[] {
  return start === end ? [] : text.slice(start, end - 1).split('\n');
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
  const copies = sorted.map((c) => c.symbols.copies());
  // Package → name → its facts, and its copy outcomes, per release.
  const packages = new Map<string, { symbols: Map<string, SymbolEntry[]>; outcomes: Map<string, string[]> }>();
  const packageFor = (name: string): { symbols: Map<string, SymbolEntry[]>; outcomes: Map<string, string[]> } => {
    const pkg = packageOf(name);
    let p = packages.get(pkg);
    if (!p) packages.set(pkg, (p = { symbols: new Map(), outcomes: new Map() }));
    return p;
  };
  const put = <T>(map: Map<string, T[]>, name: string, r: number, value: T): void => {
    const perRelease = map.get(name) ?? [];
    perRelease[r] = value;
    map.set(name, perRelease);
  };
  sorted.forEach((c, r) => {
    for (const [name, entry] of c.symbols.entries()) put(packageFor(name).symbols, name, r, entry);
    for (const [name, outcome] of copies[r]!.outcomes) put(packageFor(name).outcomes, name, r, outcome);
    for (const pkg of copies[r]!.digests.keys()) packageFor(`${pkg}.`);
  });
  const blocks: Buffer[] = [];
  const index: Header['packages'] = {};
  let offset = 0;
  for (const pkg of [...packages.keys()].sort(compare)) {
    const { symbols, outcomes } = packages.get(pkg)!;
    const block = Buffer.from(encodeBlock(copies.map((c) => c.digests.get(pkg) ?? ''), symbols, outcomes), 'utf8');
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

// A block:
//   the package's source digest per release (tab-separated)
//   the lengths of its signature and symbol sections
//   its signatures, one a line
//   one line per symbol, sorted: its name and its facts per release
//   one line per copy outcome, sorted: the name and its outcome per release
// Per release, '' where there is nothing, '^' where it is the previous
// release's; facts name their signature by its offset in its section.
function encodeBlock(digests: string[], symbols: Map<string, SymbolEntry[]>, outcomes: Map<string, string[]>): string {
  const signatures = new Map<string, number>();
  let sigLength = 0;
  const sigId = (s: string): number => {
    if (!signatures.has(s)) {
      signatures.set(s, sigLength);
      sigLength += escape(s).length + 1;
    }
    return signatures.get(s)!;
  };
  const section = <T>(map: Map<string, T[]>, encode: (value: T) => string): string =>
    [...map.keys()].sort(compare).map((name) => {
      const perRelease = map.get(name)!;
      let previous = '';
      const fields = digests.map((_, r) => {
        const v = perRelease[r];
        const text = v === undefined ? '' : encode(v);
        const field = text !== '' && text === previous ? '^' : text;
        previous = text;
        return field;
      });
      return `${escape(name)}\t${fields.join('\t')}\n`;
    }).join('');
  const symbolSection = section(symbols, (e) => encodeFacts(e, e.s ? sigId(e.s) : undefined));
  const copySection = section(outcomes, escape);
  const sigSection = [...signatures.keys()].map((s) => `${escape(s)}\n`).join('');
  return `${digests.join('\t')}\n${sigSection.length} ${symbolSection.length}\n${sigSection}${symbolSection}${copySection}`;
}

function parseBlock(text: string): Block {
  const digestsEnd = text.indexOf('\n');
  const lengthsEnd = text.indexOf('\n', digestsEnd + 1);
  const [sigLength = 0, symbolsLength = 0] = text.slice(digestsEnd + 1, lengthsEnd).split(' ').map(Number);
  const sigStart = lengthsEnd + 1;
  return { text, digests: text.slice(0, digestsEnd).split('\t'), sigStart, symbolsStart: sigStart + sigLength, copiesStart: sigStart + sigLength + symbolsLength };
}

const KINDS = { func: 'f', var: 'v', asm: 'a' } as const;
const KIND_OF = { f: 'func', v: 'var', a: 'asm' } as const;
const PUSHES = { linkname: 'l', linknamestd: 's' } as const;
const PUSH_OF = { l: 'linkname', s: 'linknamestd' } as const;

/** kind,p,a,w,push,pp,at,doc,m,signature offset */
function encodeFacts(e: SymbolEntry, sig: number | undefined): string {
  const doc = e.doc ? `=${e.doc.map(escape).join(' ')}` : '';
  return [KINDS[e.k], e.p ?? '', e.a ?? '', e.w ?? '', e.push ? PUSHES[e.push] : '', e.pp ?? '', escape(e.at ?? ''), doc, e.m ? 'm' : '', sig ?? ''].join(',');
}

function decodeFacts(block: Block, text: string): SymbolEntry {
  const [k = 'f', p, a, w, push, pp, at, doc, m, sig] = text.split(',');
  const e: SymbolEntry = { k: KIND_OF[k as keyof typeof KIND_OF] };
  if (sig) {
    const at = block.sigStart + Number(sig);
    e.s = unescape(block.text.slice(at, block.text.indexOf('\n', at)));
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

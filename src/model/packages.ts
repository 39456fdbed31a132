// Source files grouped into packages. Files are read and parsed at most once;
// a package's other files are parsed only when a directive's local name is
// not declared in the directive's own file.

import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ParsedAsmFile } from '../parse/asmfile.js';
import type { FileResult } from '../parse/file.js';
import { parseGoFile, type GoDecl, type ParsedGoFile } from '../parse/gofile.js';
import { PREFILTER, readShared } from '../parse/prefilter.js';
import { SourceText } from '../parse/source.js';
import { constraintsOverlap, fileNameConstraint, plusBuildToExpr } from './constraint.js';
import type { Module, ModuleIndex } from './modules.js';
import type { FileConstraint, ScanMessage } from './types.js';

export interface GoFile {
  path: string;
  rel: string;
  parsed: ParsedGoFile;
  constraint: FileConstraint;
}

export interface AsmFile {
  path: string;
  rel: string;
  parsed: ParsedAsmFile;
  constraint: FileConstraint;
}

export interface Package {
  dir: string;
  name: string;
  importPath: string | null;
  module: Module | null;
  /** The files that contain linkname directives, in file-name order (the order the compiler sees them). */
  files: GoFile[];
}

/** What one pass over a directory's files found about the names its directives bind. */
interface DirIndex {
  /** Per name: the unparsed .go files that may declare it, with their bytes in `bytes`. */
  candidates: Map<string, string[]>;
  bytes: Map<string, Buffer>;
  /** Per name: the files (.go of any package, tests included, and .s) in which it occurs as a word. */
  mentions: Map<string, string[]>;
}

/** A stretch of a parsed file that does not count as a use of a name (its own directive or declaration). */
export interface OwnText {
  file: GoFile;
  start: number;
  end: number;
}

export interface DeclHit {
  file: GoFile;
  decl: GoDecl;
}

export function fileConstraint(path: string, goBuild: string | null, plusBuild: string[]): FileConstraint {
  const expression = goBuild ?? (plusBuild.length > 0 ? plusBuildToExpr(plusBuild) : null);
  return { expression, ...fileNameConstraint(basename(path)) };
}

export class SourceStore {
  /** Files parsed for their directives or declarations, by path (null: could not be read or parsed). */
  private readonly parsed = new Map<string, GoFile | null>();
  private readonly packages = new Map<string, Package>();
  private readonly dirListings = new Map<string, string[]>();
  /** Declaration lookups and name uses per directory (see dirIndex). */
  private readonly indexes = new Map<string, DirIndex>();
  /**
   * The bytes of registered files that the prefilter skipped (valid while
   * their directory is scanned, see DirectoryBytes): the directory's index
   * reads them from here rather than from disk again (on a 10× copy of
   * GOROOT/src, reopening them took a tenth of the scan).
   */
  private readonly skipped = new Map<string, Buffer>();
  filesParsed = 0;

  constructor(
    private readonly modules: ModuleIndex,
    private readonly report: (m: ScanMessage) => void,
    /** Only the files registered: no directory is read (fixSource works on one file in memory). */
    private readonly standalone = false,
  ) {}

  /**
   * Takes the result of the per-file stage: a Go file with directives joins
   * its package, an assembly file is returned for the asm classifier.
   */
  register(result: FileResult): AsmFile | null {
    switch (result.kind) {
      case 'unreadable':
        this.report({ severity: 'error', file: this.modules.rel(result.path), line: null, message: result.message });
        return null;
      case 'skipped':
        this.skipped.set(result.path, result.bytes);
        return null;
      case 'asm':
        this.filesParsed++;
        return { path: result.path, rel: this.modules.rel(result.path), parsed: result.parsed, constraint: fileConstraint(result.path, result.parsed.goBuild, result.parsed.plusBuild) };
      case 'go': {
        const file = this.goFile(result.path, result.parsed);
        this.parsed.set(result.path, file);
        this.packageOf(file);
        return null;
      }
    }
  }

  private goFile(path: string, parsed: ParsedGoFile): GoFile {
    this.filesParsed++;
    const rel = this.modules.rel(path);
    if (parsed.source.invalidUtf8Line !== null) {
      this.report({ severity: 'warning', file: rel, line: parsed.source.invalidUtf8Line, message: 'invalid UTF-8 encoding (the Go compiler rejects this file); scanned anyway' });
    }
    if (parsed.firstErrorLine !== null) {
      this.report({ severity: 'warning', file: rel, line: parsed.firstErrorLine, message: 'syntax error; directives the parser could still read are reported' });
    }
    return { path, rel, parsed, constraint: fileConstraint(path, parsed.goBuild, parsed.plusBuild) };
  }

  /** Parses `path` from `bytes` unless done before; null when it cannot be parsed or (with `needDirective`) has no directive. */
  private loadGo(path: string, bytes: Buffer | null, needDirective: boolean): GoFile | null {
    const cached = this.parsed.get(path);
    if (cached !== undefined) return cached;
    if (!bytes) return null;
    if (needDirective && !bytes.includes(PREFILTER.go)) return null;
    const file = this.goFile(path, parseGoFile(SourceText.fromBytes(bytes)));
    this.parsed.set(path, file);
    return file;
  }

  /** The bytes of `path` (shared: parse them at once), or null after reporting why it could not be read. */
  private bytesOf(path: string): Buffer | null {
    const bytes = this.skipped.get(path) ?? readShared(path);
    if (Buffer.isBuffer(bytes)) return bytes;
    this.report({ severity: 'error', file: this.modules.rel(path), line: null, message: bytes.error });
    return null;
  }

  /** The package a parsed file belongs to (created on first use). */
  packageOf(file: GoFile): Package {
    const dir = dirname(file.path);
    const name = file.parsed.packageName ?? '';
    const key = `${dir}\0${name}`;
    let pkg = this.packages.get(key);
    if (!pkg) {
      const module = this.modules.moduleFor(dir);
      const importPath = this.modules.importPath(dir);
      pkg = { dir, name, module, importPath: name.endsWith('_test') && importPath ? `${importPath}_test` : importPath, files: [] };
      this.packages.set(key, pkg);
    }
    if (!pkg.files.includes(file)) {
      pkg.files.push(file);
      pkg.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    return pkg;
  }

  /** Every package that has at least one parsed file. */
  allPackages(): Package[] {
    return [...this.packages.values()];
  }

  /** The package in `dir` (its non-test files), loading the files that hold directives; null when it has none. */
  loadPackageDir(dir: string): Package | null {
    let pkg: Package | null = null;
    for (const name of this.goFileNames(dir)) {
      if (name.endsWith('_test.go')) continue;
      const path = join(dir, name);
      const file = this.loadGo(path, this.parsed.has(path) ? null : this.bytesOf(path), true);
      if (file && !file.parsed.packageName?.endsWith('_test')) pkg = this.packageOf(file);
    }
    return pkg;
  }

  /**
   * Finds a package-level func or var `name`: first in `from`, then in the
   * package's other files, preferring those that can be compiled together with `from`.
   */
  lookupDecl(pkg: Package, from: GoFile, name: string): DeclHit | null {
    const own = from.parsed.decls.get(name);
    if (own) return { file: from, decl: own };
    // The package's files with directives are parsed already. One that builds with `from` and declares
    // the name is the declaration (Go allows no other in that build), so the directory need not be read.
    for (const file of pkg.files) {
      const decl = file.parsed.decls.get(name);
      if (decl && constraintsOverlap(from.constraint, file.constraint)) return { file, decl };
    }
    let fallback: DeclHit | null = null;
    for (const file of this.packageFiles(pkg, name)) {
      const decl = file.parsed.decls.get(name);
      if (!decl) continue;
      if (constraintsOverlap(from.constraint, file.constraint)) return { file, decl };
      fallback ??= { file, decl };
    }
    return fallback;
  }

  /** The package's files that declare `name`, in directory order, parsed one by one as the caller asks for them. */
  private *packageFiles(pkg: Package, name: string): Generator<GoFile> {
    const index = this.dirIndex(pkg.dir, name, 'declared');
    const candidates = new Set(index.candidates.get(name));
    for (const fileName of this.goFileNames(pkg.dir)) {
      const path = join(pkg.dir, fileName);
      const file = this.parsed.has(path) ? this.parsed.get(path)! : candidates.has(path) ? this.loadGo(path, index.bytes.get(path)!, false) : null;
      if (file && file.parsed.packageName === pkg.name && file.parsed.decls.has(name)) yield file;
    }
  }

  /**
   * Does `name` occur as a word in `pkg`'s directory outside `own` (its
   * directive and declaration)? Every .go file counts, whatever its build
   * tags or package (tests too), and every .s file; so do comments. Undefined
   * for a standalone store, which does not see the package's other files.
   */
  mentionedElsewhere(pkg: Package, name: string, own: OwnText[]): boolean | undefined {
    if (this.standalone) return undefined;
    const word = wordPattern([name]);
    for (const path of this.dirIndex(pkg.dir, name, 'mentioned').mentions.get(name)!) {
      const skip = own.filter((o) => o.file.path === path);
      if (skip.length === 0) return true;
      for (const m of skip[0]!.file.parsed.source.text.matchAll(word)) {
        if (!skip.some((o) => m.index >= o.start && m.index < o.end)) return true;
      }
    }
    return false;
  }

  /**
   * The index of `dir`, with `name` in it as `declared` (a name to look up
   * declarations of) or `mentioned` (a name to find uses of). The first call
   * indexes every name that a directive in the directory binds, in one pass
   * that reads each file once rather than once per name: the names its own
   * file does not declare for lookups, and all of them for uses.
   */
  private dirIndex(dir: string, name: string, as: 'declared' | 'mentioned'): DirIndex {
    let index = this.indexes.get(dir);
    if (!index) {
      const declared = new Set(as === 'declared' ? [name] : []);
      const mentioned = new Set(as === 'mentioned' ? [name] : []);
      for (const pkg of this.packages.values()) {
        if (pkg.dir !== dir) continue;
        for (const file of pkg.files) {
          for (const { args } of file.parsed.directives) {
            if (!args[0]) continue;
            const decl = file.parsed.decls.get(args[0]);
            if (!decl) declared.add(args[0]);
            // Uses matter only for pulls of a func: a bodyless declaration, or one in another file.
            if (args.length === 2 && (decl?.kind ?? 'func-bodyless') === 'func-bodyless') mentioned.add(args[0]);
          }
        }
      }
      this.indexes.set(dir, (index = this.indexDir(dir, declared, mentioned)));
    } else if (!(as === 'declared' ? index.candidates : index.mentions).has(name)) {
      const more = this.indexDir(dir, as === 'declared' ? [name] : [], as === 'mentioned' ? [name] : []);
      more.candidates.forEach((paths, n) => index!.candidates.set(n, paths));
      more.bytes.forEach((bytes, path) => index!.bytes.set(path, bytes));
      more.mentions.forEach((paths, n) => index!.mentions.set(n, paths));
    }
    return index;
  }

  /**
   * Reads each .go file of `dir` that is not parsed yet once, keeping the
   * bytes only of those that may declare one of `declared`; records the files
   * (parsed ones from their text, and the .s files) that mention one of `mentioned`.
   */
  private indexDir(dir: string, declared: Iterable<string>, mentioned: Iterable<string>): DirIndex {
    const index: DirIndex = { candidates: new Map([...declared].map((n) => [n, []])), bytes: new Map(), mentions: new Map([...mentioned].map((n) => [n, []])) };
    const mayDeclareOne = mayDeclare(index.candidates.keys());
    const mentionedIn = mentions([...index.mentions.keys()]);
    // A file declares a name only where it occurs as a word: one pattern finds both kinds of name, and most files have neither.
    const wordsIn = mentions([...new Set([...index.mentions.keys(), ...index.candidates.keys()])]);
    const record = (path: string, found: string[]): void => found.forEach((n) => index.mentions.get(n)!.push(path));
    for (const fileName of this.goFileNames(dir)) {
      const path = join(dir, fileName);
      const parsed = this.parsed.get(path);
      if (parsed) {
        record(path, mentionedIn(parsed.parsed.source.text, 'text'));
        continue;
      }
      if (this.parsed.has(path)) continue;
      const bytes = this.bytesOf(path);
      if (!bytes) continue;
      const latin1 = bytes.toString('latin1');
      const words = wordsIn(latin1);
      record(path, words.filter((n) => index.mentions.has(n)));
      const found = words.some((n) => index.candidates.has(n)) ? mayDeclareOne(latin1) : [];
      if (found.length > 0) index.bytes.set(path, Buffer.from(bytes));
      for (const name of found) index.candidates.get(name)!.push(path);
    }
    if (index.mentions.size > 0) {
      for (const fileName of this.fileNames(dir, '.s')) {
        const path = join(dir, fileName);
        const bytes = this.bytesOf(path);
        if (bytes) record(path, mentionedIn(bytes.toString('latin1')));
      }
    }
    return index;
  }

  private goFileNames(dir: string): string[] {
    return this.fileNames(dir, '.go');
  }

  /** The names in `dir` that end in `suffix`, sorted. */
  private fileNames(dir: string, suffix: '.go' | '.s'): string[] {
    if (this.standalone) return [];
    let names = this.dirListings.get(dir);
    if (!names) {
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.go') || n.endsWith('.s')).sort();
      } catch {
        names = [];
      }
      this.dirListings.set(dir, names);
    }
    return names.filter((n) => n.endsWith(suffix));
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches any of `names` (captured) as a whole word: not next to an ASCII
 * letter, digit or `_`. A non-ASCII letter next to it (or, in latin1-read
 * bytes, a byte of one) does not stop a match: a use may be counted that is
 * not one, never the other way round.
 */
function wordPattern(names: string[]): RegExp {
  return new RegExp(`(?<![A-Za-z0-9_])(${names.map(escapeRegExp).join('|')})(?![A-Za-z0-9_])`, 'g');
}

/**
 * A test of a file's text, or of its bytes read as latin1: which of `names`
 * occur in it as a word? One pattern for all of them (runtime: 760 files,
 * 60-odd pulled names). Latin1 costs a third of decoding UTF-8; a name that
 * is not ASCII is matched there by its UTF-8 bytes.
 */
function mentions(names: string[]): (content: string, as?: 'latin1' | 'text') => string[] {
  if (names.length === 0) return () => [];
  const inText = wordPattern(names);
  const byBytes = new Map(names.map((n) => [Buffer.from(n).toString('latin1'), n]));
  const inBytes = wordPattern([...byBytes.keys()]);
  return (content, as = 'latin1') => {
    const found = new Set<string>();
    if (as === 'latin1') for (const m of content.matchAll(inBytes)) found.add(byBytes.get(m[1]!)!);
    else for (const m of content.matchAll(inText)) found.add(m[1]!);
    return [...found];
  };
}

/**
 * A test of a file's bytes, read as latin1: which of `names` may it declare
 * as a package-level func or var? In a declaration the token before the name
 * is `func`, `var`, `(` or a separator (newline, `;`, `,`), or a comment ends
 * there; a file without such an occurrence is not parsed for the name. Only
 * ASCII matters around a name, and a name that is not ASCII is matched by its
 * UTF-8 bytes. (The caller has the latin1 text for the use check anyway: one
 * pattern over it costs less than a byte search per name.)
 */
export function mayDeclare(names: Iterable<string>): (latin1: string) => string[] {
  const byBytes = new Map([...names].map((n) => [Buffer.from(n).toString('latin1'), n]));
  if (byBytes.size === 0) return () => [];
  const alternatives = [...byBytes.keys()].map(escapeRegExp).join('|');
  const pattern = new RegExp(`(?:[\\n,;(]|\\bfunc|\\bvar|\\*/)\\s*(${alternatives})(?![\\w\\x80-\\xff])`, 'g');
  return (latin1) => {
    const found = new Set<string>();
    for (const m of latin1.matchAll(pattern)) found.add(byBytes.get(m[1]!)!);
    return [...found];
  };
}

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

/** The files of a directory that may declare each name looked up, with the bytes of those not parsed yet. */
interface DirLookup {
  candidates: Map<string, string[]>;
  bytes: Map<string, Buffer>;
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
  /** Declaration lookups per directory (see dirLookup). */
  private readonly lookups = new Map<string, DirLookup>();
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
    const bytes = readShared(path);
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
    const lookup = this.dirLookup(pkg.dir, name);
    const candidates = new Set(lookup.candidates.get(name));
    for (const fileName of this.goFileNames(pkg.dir)) {
      const path = join(pkg.dir, fileName);
      const file = this.parsed.has(path) ? this.parsed.get(path)! : candidates.has(path) ? this.loadGo(path, lookup.bytes.get(path)!, false) : null;
      if (file && file.parsed.packageName === pkg.name && file.parsed.decls.has(name)) yield file;
    }
  }

  /**
   * The candidate files of `dir` for `name`. The first lookup in a directory
   * indexes every name that a directive there binds but its own file does not
   * declare, in one pass over the directory rather than one per name.
   */
  private dirLookup(dir: string, name: string): DirLookup {
    let lookup = this.lookups.get(dir);
    if (!lookup) {
      const names = new Set([name]);
      for (const pkg of this.packages.values()) {
        if (pkg.dir !== dir) continue;
        for (const file of pkg.files) {
          for (const { args } of file.parsed.directives) if (args[0] && !file.parsed.decls.has(args[0])) names.add(args[0]);
        }
      }
      this.lookups.set(dir, (lookup = this.indexDeclarers(dir, names)));
    } else if (!lookup.candidates.has(name)) {
      const more = this.indexDeclarers(dir, [name]);
      lookup.candidates.set(name, more.candidates.get(name)!);
      for (const [path, bytes] of more.bytes) lookup.bytes.set(path, bytes);
    }
    return lookup;
  }

  /** Reads each unparsed .go file of `dir` once, keeping the bytes only of those that may declare one of `names`. */
  private indexDeclarers(dir: string, names: Iterable<string>): DirLookup {
    const lookup: DirLookup = { candidates: new Map([...names].map((n) => [n, []])), bytes: new Map() };
    const declared = mayDeclare(lookup.candidates.keys());
    for (const fileName of this.goFileNames(dir)) {
      const path = join(dir, fileName);
      if (this.parsed.has(path)) continue;
      const bytes = this.bytesOf(path);
      if (!bytes) continue;
      const found = declared(bytes);
      if (found.length > 0) lookup.bytes.set(path, Buffer.from(bytes));
      for (const name of found) lookup.candidates.get(name)!.push(path);
    }
    return lookup;
  }

  private goFileNames(dir: string): string[] {
    if (this.standalone) return [];
    let names = this.dirListings.get(dir);
    if (!names) {
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.go')).sort();
      } catch {
        names = [];
      }
      this.dirListings.set(dir, names);
    }
    return names;
  }
}

/**
 * A test of a file's bytes: which of `names` may it declare as a package-level
 * func or var? In a declaration the token before the name is `func`, `var`,
 * `(` or a separator (newline, `;`, `,`), or a comment ends there; a file
 * without such an occurrence is not parsed for the name. Files are read as
 * latin1: only ASCII matters around a name (and a name that is not ASCII is
 * matched by its UTF-8 bytes).
 */
export function mayDeclare(names: Iterable<string>): (bytes: Buffer) => string[] {
  const byBytes = new Map([...names].map((n) => [Buffer.from(n).toString('latin1'), n]));
  if (byBytes.size === 0) return () => [];
  const alternatives = [...byBytes.keys()].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const pattern = new RegExp(`(?:[\\n,;(]|\\bfunc|\\bvar|\\*/)\\s*(${alternatives})(?![\\w\\x80-\\xff])`, 'g');
  const needles = [...byBytes.values()].map((n) => Buffer.from(n));
  return (bytes) => {
    // Most files name none of them: a byte search spares decoding the whole file.
    if (!needles.some((n) => bytes.includes(n))) return [];
    const found = new Set<string>();
    for (const m of bytes.toString('latin1').matchAll(pattern)) found.add(byBytes.get(m[1]!)!);
    return [...found];
  };
}

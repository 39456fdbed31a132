// Source files grouped into packages. Files are read and parsed at most once;
// a package's other files are parsed only when a directive's local name is
// not declared in the directive's own file.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from '../discover/walk.js';
import { parseAsmFile, type ParsedAsmFile } from '../parse/asmfile.js';
import { parseGoFile, type GoDecl, type ParsedGoFile } from '../parse/gofile.js';
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

export interface DeclHit {
  file: GoFile;
  decl: GoDecl;
}

/** Bytes that must occur in a file before it is worth parsing. */
const PREFILTER = { go: Buffer.from('go:linkname'), asm: Buffer.from('(SB)') };

/**
 * A cheap test that a file may declare a package-level func or var `name`
 * (`func name`, `var name T`, `name T` inside a var block, `a, name T`).
 * False positives only cost a parse; false negatives would be bugs.
 */
function mayDeclare(bytes: Buffer, name: string): boolean {
  if (!bytes.includes(name)) return false;
  if (!/^\w+$/.test(name)) return true;
  const decl = new RegExp(`(?:^|\\n)[ \\t]*(?:func[ \\t]+${name}\\b|(?:var[ \\t]+\\(?[ \\t]*)?(?:\\w+[ \\t]*,[ \\t]*)*${name}\\b[ \\t]*[^\\s(.:;)\\]}])`);
  return decl.test(bytes.toString('latin1'));
}

function fileConstraint(path: string, goBuild: string | null, plusBuild: string[]): FileConstraint {
  const expression = goBuild ?? (plusBuild.length > 0 ? plusBuildToExpr(plusBuild) : null);
  return { expression, ...fileNameConstraint(basename(path)) };
}

export class SourceStore {
  /** Parsed files by path (null: could not be parsed). */
  private readonly parsed = new Map<string, GoFile | null>();
  private readonly unparsed = new Map<string, Buffer>();
  private readonly packages = new Map<string, Package>();
  private readonly dirListings = new Map<string, string[]>();
  filesParsed = 0;

  constructor(
    private readonly modules: ModuleIndex,
    private readonly report: (m: ScanMessage) => void,
  ) {}

  /** Reads a file, or reports why it cannot be read. */
  readBytes(path: string): Buffer | null {
    try {
      return readFileSync(path);
    } catch (e) {
      this.report({ severity: 'error', file: this.modules.rel(path), line: null, message: describeFsError(e, 'cannot read file') });
      return null;
    }
  }

  /** Parses a .go file that contains a linkname directive (null when it does not, or cannot be read). */
  loadGoFile(path: string, bytes?: Buffer): GoFile | null {
    const cached = this.parsed.get(path);
    if (cached !== undefined) return cached;
    const data = bytes ?? this.unparsed.get(path) ?? this.readBytes(path);
    if (!data || !data.includes(PREFILTER.go)) return null;
    const file = this.parseGo(path, data);
    this.parsed.set(path, file);
    this.unparsed.delete(path);
    return file;
  }

  private parseGo(path: string, bytes: Buffer): GoFile | null {
    const rel = this.modules.rel(path);
    const source = SourceText.fromBytes(bytes);
    let parsed: ParsedGoFile;
    try {
      parsed = parseGoFile(source);
    } catch (e) {
      this.report({ severity: 'error', file: rel, line: null, message: `cannot parse: ${(e as Error).message}` });
      return null;
    }
    this.filesParsed++;
    if (source.invalidUtf8Line !== null) {
      this.report({ severity: 'warning', file: rel, line: source.invalidUtf8Line, message: 'invalid UTF-8 encoding (the Go compiler rejects this file); scanned anyway' });
    }
    if (parsed.firstErrorLine !== null) {
      this.report({ severity: 'warning', file: rel, line: parsed.firstErrorLine, message: 'syntax error; directives the parser could still read are reported' });
    }
    return { path, rel, parsed, constraint: fileConstraint(path, parsed.goBuild, parsed.plusBuild) };
  }

  loadAsmFile(path: string, bytes: Buffer): AsmFile | null {
    if (!bytes.includes(PREFILTER.asm)) return null;
    this.filesParsed++;
    const rel = this.modules.rel(path);
    const parsed = parseAsmFile(SourceText.fromBytes(bytes));
    return { path, rel, parsed, constraint: fileConstraint(path, parsed.goBuild, parsed.plusBuild) };
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
      const file = this.loadGoFile(join(dir, name));
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
    let fallback: DeclHit | null = null;
    for (const file of this.packageFiles(pkg, name)) {
      const decl = file.parsed.decls.get(name);
      if (!decl) continue;
      if (constraintsOverlap(from.constraint, file.constraint)) return { file, decl };
      fallback ??= { file, decl };
    }
    return fallback;
  }

  /** Is `name` a package-level const or type? (A directive naming one is invalid.) */
  declaresOther(pkg: Package, name: string): boolean {
    return this.packageFiles(pkg, name).some((f) => f.parsed.otherNames.has(name));
  }

  /** Parsed files of the package whose text mentions `name` (other files cannot declare it). */
  private packageFiles(pkg: Package, name: string): GoFile[] {
    const out: GoFile[] = [];
    for (const fileName of this.goFileNames(pkg.dir)) {
      const path = join(pkg.dir, fileName);
      let file = this.parsed.get(path);
      if (file === undefined) {
        // Keep the bytes of not-yet-parsed siblings: several names may be looked up in one package.
        let bytes = this.unparsed.get(path);
        if (!bytes) {
          bytes = this.readBytes(path) ?? Buffer.alloc(0);
          this.unparsed.set(path, bytes);
        }
        if (!mayDeclare(bytes, name)) continue;
        this.unparsed.delete(path);
        file = this.parseGo(path, bytes);
        this.parsed.set(path, file);
      }
      if (file && file.parsed.packageName === pkg.name) out.push(file);
    }
    return out;
  }

  private goFileNames(dir: string): string[] {
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

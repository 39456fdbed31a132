// Can a std declaration be copied into the user's package (the vendored-copy
// fix, src/fix/vendor.ts)? What the std source alone decides: the declaration
// and, transitively, the same-package declarations it uses must be pure Go —
// no linkname, no body elsewhere, no unsafe, cgo or internal import, no type,
// no var whose value a call or `&` makes. The generator parses whole packages
// (runtime: seconds) and records the outcome of every std func and var in the
// catalog with a digest of its package's source; fix parses only when no
// catalog holds that source, or the outcome leaves the copy possible, and
// then only the files that may declare a name the closure uses. A name with
// no record in a package whose digest matches is no func or var there: fix
// parses, to say what it is.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Parser from 'tree-sitter';
import { buildExprTags, fileNameConstraint, isPlatformTag, parseBuildExpr } from '../model/constraint.js';
import { defaultPackageName, importable } from '../model/modules.js';
import { parseDirectiveComment } from '../parse/directive.js';
import { treeSitterTree } from '../parse/gofile.js';
import { packageOf } from './store.js';
import type { CopyRecords, SymbolEntry } from './types.js';

export interface StdDecl {
  name: string;
  kind: 'func' | 'var' | 'const' | 'type';
  bodyless: boolean;
  /** The node whose text is copied (a function, a declaration, or a spec of a grouped declaration). */
  node: Parser.SyntaxNode;
  nameNode: Parser.SyntaxNode;
  grouped: boolean;
  file: StdFile;
  /** Other files of the package that declare the same name (under other build tags). */
  variants: string[];
}

export interface StdFile {
  name: string;
  text: string;
  imports: Map<string, string>;
  linknamed: Set<string>;
  /** Compiled only for some platforms: a GOOS/GOARCH file-name suffix, or an OS or architecture in its build constraint. */
  platformOnly: boolean;
}

/** The non-test .go files of a std package directory (whatever their build constraints), by name. */
export type PackageSources = { name: string; text: string }[];

const MAX_CLOSURE = 24;

/** Why the closure of a declaration cannot be copied. */
export type Blocker =
  | { why: 'linkname'; name: string }
  | { why: 'import'; path: string }
  | { why: 'type'; name: string }
  | { why: 'bodyless'; name: string }
  | { why: 'size'; limit: number }
  | { why: 'allocated'; name: string; made: string }
  | { why: 'platform'; name: string; files: string[] };

/** What the std source says about copying one name of a package. */
export type CopyOutcome =
  | { decl: null }
  | { decl: 'type' | 'const'; bodyless: false }
  | { decl: 'func'; bodyless: true }
  | { decl: 'func' | 'var'; bodyless: false; blocker: Blocker | null };

/** The names of a std package directory's non-test .go files, sorted (none for a directory that cannot be read). */
export function packageFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
  } catch {
    return [];
  }
}

export function packageSources(dir: string): PackageSources {
  return packageFiles(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

/** Names a package's source: equal digests, equal outcomes. */
export function sourceDigest(sources: PackageSources): string {
  const hash = createHash('sha256');
  for (const { name, text } of sources) hash.update(`${name}\0${text.length}\0${text}\0`);
  return hash.digest('hex').slice(0, 24);
}

export function* descendants(node: Parser.SyntaxNode): Generator<Parser.SyntaxNode> {
  const cursor = node.walk();
  for (;;) {
    yield cursor.currentNode;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent() || cursor.currentNode.id === node.id) return;
    }
  }
}

/** A package's top-level declarations by name: the first of each name, files in name order, with the other files that declare it. */
export interface PackageDecls {
  get(name: string): StdDecl | undefined;
}

type FileDecl = Omit<StdDecl, 'variants'>;

/** The top-level declarations of one file, in order. */
function readFile({ name, text }: { name: string; text: string }): FileDecl[] {
  const root = treeSitterTree(text).rootNode;
  const file: StdFile = { name, text, imports: new Map(), linknamed: new Set(), platformOnly: platformOnly(name, text) };
  const out: FileDecl[] = [];
  const add = (d: Omit<FileDecl, 'file' | 'name'>): void => void out.push({ ...d, name: d.nameNode.text, file });
  for (const node of root.namedChildren) {
    if (node.type === 'comment') {
      const d = parseDirectiveComment(node.text.replace(/\r$/, ''));
      if (d?.args[0]) file.linknamed.add(d.args[0]);
    } else if (node.type === 'import_declaration') {
      for (const spec of descendants(node)) {
        if (spec.type !== 'import_spec') continue;
        const path = spec.childForFieldName('path')!.text.slice(1, -1);
        file.imports.set(spec.childForFieldName('name')?.text ?? defaultPackageName(path), path);
      }
    } else if (node.type === 'function_declaration') {
      const nameNode = node.childForFieldName('name');
      if (nameNode) add({ kind: 'func', bodyless: !node.childForFieldName('body'), node, nameNode, grouped: false });
    } else if (node.type === 'var_declaration' || node.type === 'const_declaration' || node.type === 'type_declaration') {
      const kind = node.type.split('_')[0] as 'var' | 'const' | 'type';
      const specs = [...descendants(node)].filter((n) => n.type === `${kind}_spec` && (n.parent?.id === node.id || n.parent?.parent?.id === node.id));
      const grouped = specs.length > 0 && specs[0]!.parent?.id !== node.id;
      for (const spec of specs) {
        const nameNodes = kind === 'type' ? [spec.childForFieldName('name')!] : spec.childrenForFieldName('name');
        for (const nameNode of nameNodes) add({ kind, bodyless: false, node: grouped || specs.length > 1 ? spec : node, nameNode, grouped: grouped || specs.length > 1 });
      }
    }
  }
  return out;
}

/** Adds one file's declarations to `decls`: a name's first declaration stays, other files that declare it are its variants. */
function addFile(decls: Map<string, StdDecl>, fileDecls: FileDecl[]): void {
  for (const d of fileDecls) {
    const first = decls.get(d.name);
    if (!first) decls.set(d.name, { ...d, variants: [] });
    else if (first.file !== d.file) first.variants.push(d.file.name);
  }
}

/** The top-level declarations of a package, every file parsed (the catalog generator asks about each of them). */
export function readPackage(sources: PackageSources): Map<string, StdDecl> {
  const decls = new Map<string, StdDecl>();
  for (const source of sources) addFile(decls, readFile(source));
  return decls;
}

/**
 * The same, parsing only the files that may declare a name asked for: fix
 * asks about one symbol's closure, and parsing all of runtime takes seconds.
 * A declared name follows `func`, `var`, `const`, `type`, `(`, a
 * separator (newline, `;`, `,`) or the end of a comment, so a file with
 * no such occurrence of the name cannot declare it.
 */
export function lazyPackage(sources: PackageSources): PackageDecls {
  const declarable = sources.map(({ text }) => new Set(Array.from(text.matchAll(DECLARABLE), (m) => m[1]!)));
  const parsed = new Map<number, FileDecl[]>();
  const decls = new Map<string, StdDecl | undefined>();
  return {
    get(name) {
      if (decls.has(name)) return decls.get(name);
      const found = new Map<string, StdDecl>();
      sources.forEach((source, i) => {
        if (!declarable[i]!.has(name)) return;
        let fileDecls = parsed.get(i);
        if (!fileDecls) parsed.set(i, (fileDecls = readFile(source)));
        addFile(found, fileDecls.filter((d) => d.name === name));
      });
      decls.set(name, found.get(name));
      return found.get(name);
    },
  };
}

// A lookbehind, not a match of the token before: `type T` is `type` after a newline, then `T` after `type`.
const DECLARABLE = /(?<=(?:[\n,;(]|\bfunc|\bvar|\bconst|\btype|\*\/)\s*)([\p{L}_][\p{L}\p{N}_]*)/gu;

/** Whether a std file is compiled only for some platforms (its name's suffix, or an OS or architecture its constraint names). */
function platformOnly(name: string, text: string): boolean {
  const suffix = fileNameConstraint(name);
  if (suffix.goos || suffix.goarch) return true;
  const head = text.slice(0, text.search(/^package\s/m));
  const constraint = /^\/\/go:build\s+(.*)$/m.exec(head)?.[1];
  if (constraint === undefined) return false;
  try {
    return [...buildExprTags(parseBuildExpr(constraint))].some(isPlatformTag);
  } catch {
    return true; // a constraint that does not parse: no copy from it
  }
}

/** What a declaration's text refers to, in order of first appearance: an import (by path), or another declaration of its package. */
type Reference = { path: string } | { decl: StdDecl };

/**
 * What a declaration refers to, read as far as a walk has needed it: whole
 * packages are analysed, closures overlap, and most walks stop early.
 */
class References {
  private readonly read: Reference[] = [];
  private readonly rest: Generator<Reference>;

  constructor(d: StdDecl, decls: PackageDecls) {
    this.rest = referencesIn(d, decls);
  }

  at(i: number): Reference | undefined {
    while (this.read.length <= i) {
      const next = this.rest.next();
      if (next.done) return undefined;
      this.read.push(next.value);
    }
    return this.read[i];
  }
}

const referencesOf = new WeakMap<StdDecl, References>();
const madeBy = new WeakMap<StdDecl, string | null>();

function references(d: StdDecl, decls: PackageDecls): References {
  let refs = referencesOf.get(d);
  if (!refs) referencesOf.set(d, (refs = new References(d, decls)));
  return refs;
}

function* referencesIn(d: StdDecl, decls: PackageDecls): Generator<Reference> {
  const seen = new Set<string | StdDecl>();
  for (const node of descendants(d.node)) {
    if (node.type === 'package_identifier' || (node.type === 'identifier' && node.parent?.type === 'selector_expression' && node.parent.childForFieldName('operand')?.id === node.id)) {
      const path = d.file.imports.get(node.text);
      if (path) {
        if (!seen.has(path)) yield { path };
        seen.add(path);
        continue;
      }
    }
    if (node.type !== 'identifier' && node.type !== 'type_identifier') continue;
    const used = decls.get(node.text);
    if (!used || used === d || seen.has(used)) continue;
    seen.add(used);
    yield { decl: used };
  }
}

/** A declaration's outcome, and for one that may be copied, what the copy takes: the closure (the declaration first) and its imports. */
export function copyAnalysis(decls: PackageDecls, name: string): { outcome: CopyOutcome; closure: StdDecl[]; imports: Set<string> } {
  const root = decls.get(name);
  const imports = new Set<string>();
  if (!root) return { outcome: { decl: null }, closure: [], imports };
  if (root.kind === 'type' || root.kind === 'const') return { outcome: { decl: root.kind, bodyless: false }, closure: [], imports };
  if (root.bodyless) return { outcome: { decl: 'func', bodyless: true }, closure: [], imports };
  const closure: StdDecl[] = [root];
  const blocker = walkClosure(closure, decls, imports) ?? allocated(closure);
  return { outcome: { decl: root.kind, bodyless: false, blocker }, closure, imports };
}

/** Grows `closure` by the same-package declarations it uses, transitively; the first reason it cannot be copied stops it. */
function walkClosure(closure: StdDecl[], decls: PackageDecls, imports: Set<string>): Blocker | null {
  for (let i = 0; i < closure.length; i++) {
    const d = closure[i]!;
    if (d.file.linknamed.has(d.name)) return { why: 'linkname', name: d.name };
    // A copy is one file for every platform the pull was compiled on: it cannot take one platform's version.
    if (d.variants.length > 0 || d.file.platformOnly) return { why: 'platform', name: d.name, files: [d.file.name, ...d.variants] };
    const refs = references(d, decls);
    for (let j = 0, ref = refs.at(0); ref; ref = refs.at(++j)) {
      if ('path' in ref) {
        if (ref.path === 'unsafe' || ref.path === 'C' || !importable(ref.path)) return { why: 'import', path: ref.path };
        imports.add(ref.path);
        continue;
      }
      const used = ref.decl;
      if (closure.includes(used)) continue;
      if (used.kind === 'type') return { why: 'type', name: used.name };
      if (used.bodyless) return { why: 'bodyless', name: used.name };
      closure.push(used);
      if (closure.length > MAX_CLOSURE) return { why: 'size', limit: MAX_CLOSURE };
    }
  }
  return null;
}

/**
 * A var of the closure whose initial value is made by a call or an `&` (an
 * error, a pointer, a channel): the copy would make another one, never equal
 * to the std's, e.g. to the error its functions return.
 */
function allocated(closure: StdDecl[]): Blocker | null {
  for (const d of closure) {
    if (d.kind !== 'var') continue;
    let made = madeBy.get(d);
    if (made === undefined) {
      const node = [...descendants(d.node)].find((n) => n.type === 'call_expression' || (n.type === 'unary_expression' && n.child(0)?.type === '&'));
      madeBy.set(d, (made = node ? node.text.split('\n')[0]! : null));
    }
    if (made !== null) return { why: 'allocated', name: d.name, made };
  }
  return null;
}

/**
 * The copy outcome of every top-level func and var (whatever its file's build
 * constraints) of the std packages a release's catalog names, with each
 * package's source digest.
 */
export async function copyRecords(goroot: string, symbols: Iterable<[string, SymbolEntry]>): Promise<CopyRecords> {
  const packages = new Set<string>();
  for (const [name] of symbols) packages.add(packageOf(name));
  packages.delete('');
  const digests = new Map<string, string>();
  const outcomes = new Map<string, string>();
  for (const pkg of [...packages].sort()) {
    const sources = packageSources(join(goroot, 'src', pkg));
    if (sources.length === 0) continue;
    digests.set(pkg, sourceDigest(sources));
    const decls = readPackage(sources);
    for (const [name, d] of decls) {
      if (d.kind === 'func' || d.kind === 'var') outcomes.set(`${pkg}.${name}`, encodeOutcome(copyAnalysis(decls, name).outcome));
    }
    // tree-sitter frees a package's trees in finalizers, which run only between turns of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { digests, outcomes };
}

// The catalog's text for an outcome: `-` no such declaration, `T`/`C` a type
// or const, `b` a bodyless func, `f`/`v` a func or var, followed by its
// blocker if it has one (`L:name`, `I:path`, `T:name`, `B:name`, `N:limit`,
// `A:name:made`).
const WHY = { linkname: 'L', import: 'I', type: 'T', bodyless: 'B', size: 'N', allocated: 'A', platform: 'P' } as const;

export function encodeOutcome(o: CopyOutcome): string {
  if (o.decl === null) return '-';
  if (o.decl === 'type' || o.decl === 'const') return o.decl === 'type' ? 'T' : 'C';
  if (!('blocker' in o)) return 'b';
  const head = o.decl === 'func' ? 'f' : 'v';
  const b = o.blocker;
  if (!b) return head;
  const arg = b.why === 'import' ? b.path : b.why === 'size' ? String(b.limit) : b.why === 'allocated' ? `${b.name}:${b.made}` : b.why === 'platform' ? `${b.name}:${b.files.join(',')}` : b.name;
  return `${head}${WHY[b.why]}:${arg}`;
}

export function decodeOutcome(text: string): CopyOutcome {
  if (text === '-') return { decl: null };
  if (text === 'T' || text === 'C') return { decl: text === 'T' ? 'type' : 'const', bodyless: false };
  if (text === 'b') return { decl: 'func', bodyless: true };
  const decl = text[0] === 'v' ? 'var' : 'func';
  if (text.length === 1) return { decl, bodyless: false, blocker: null };
  const arg = text.slice(3);
  const blocker = ((): Blocker => {
    switch (text[1]) {
      case 'L': return { why: 'linkname', name: arg };
      case 'I': return { why: 'import', path: arg };
      case 'T': return { why: 'type', name: arg };
      case 'B': return { why: 'bodyless', name: arg };
      case 'N': return { why: 'size', limit: Number(arg) };
      case 'P': return { why: 'platform', name: arg.slice(0, arg.indexOf(':')), files: arg.slice(arg.indexOf(':') + 1).split(',') };
      default: return { why: 'allocated', name: arg.slice(0, arg.indexOf(':')), made: arg.slice(arg.indexOf(':') + 1) };
    }
  })();
  return { decl, bodyless: false, blocker };
}

// The Go files a plan edits, read and parsed once, and the small text
// operations every strategy needs (whole-line removals, declarations, imports)
// written so that gofmt has nothing to change afterwards.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileNameConstraint } from '../model/constraint.js';
import { defaultPackageName } from '../model/modules.js';
import { parseGoFile, type ParsedGoFile } from '../parse/gofile.js';
import type { GoDecl, ImportDecl } from '../parse/goshared.js';
import { SourceText } from '../parse/source.js';
import type { Plan, TextEdit } from './types.js';

/** A file as the plan read it: the one baseline every edit of it is made against and applied to. */
export interface EditableFile {
  /** Path relative to the plan's base. */
  rel: string;
  bytes: Buffer;
  parsed: ParsedGoFile;
  eol: string;
}

export class FileCache {
  private readonly files = new Map<string, EditableFile>();
  private readonly identifiers = new Map<string, Set<string>>();
  private readonly directories = new Map<string, { name: string; rel: string; text: string }[]>();
  /** `sources`: file contents by relative path, used instead of the disk (in-memory fixing). */
  constructor(
    readonly base: string,
    private readonly sources?: ReadonlyMap<string, Buffer>,
  ) {}

  get(rel: string): EditableFile {
    let f = this.files.get(rel);
    if (!f) {
      const bytes = this.sources ? this.sources.get(rel) : readFileSync(resolve(this.base, rel));
      if (!bytes) throw new Error(`${rel} is not among the in-memory sources`);
      const parsed = parseGoFile(SourceText.fromBytes(bytes));
      f = { rel, bytes, parsed, eol: parsed.source.crlf ? '\r\n' : '\n' };
      this.files.set(rel, f);
    }
    return f;
  }


  /**
   * The Go and assembly files of the directory of `rel` (any build constraint),
   * with their texts: read once per directory, from the in-memory sources when
   * there are some.
   */
  filesNear(rel: string): { name: string; rel: string; text: string }[] {
    const dir = dirname(rel);
    let files = this.directories.get(dir);
    if (!files) {
      const names = this.sources
        ? [...this.sources.keys()].filter((n) => dirname(n) === dir).map((n) => n.slice(n.lastIndexOf('/') + 1))
        : readdirSync(resolve(this.base, dir), { withFileTypes: true }).flatMap((e) => (e.isFile() ? [e.name] : []));
      files = names
        .filter((n) => n.endsWith('.go') || n.endsWith('.s'))
        .map((name) => {
          const path = dir === '.' ? name : `${dir}/${name}`;
          return { name, rel: path, text: this.sources ? this.sources.get(path)!.toString('utf8') : readFileSync(resolve(this.base, path), 'utf8') };
        });
      this.directories.set(dir, files);
    }
    return files;
  }

  /**
   * Every identifier-like word of every Go file in the directory of `rel`,
   * whatever its build constraint (a superset of the package's names: a name
   * linkfix adds must clash with none of them on any platform).
   */
  wordsNear(rel: string): Set<string> {
    const dir = dirname(rel);
    let words = this.identifiers.get(dir);
    if (!words) {
      words = new Set();
      for (const f of this.filesNear(rel)) if (f.name.endsWith('.go')) for (const w of f.text.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []) words.add(w);
      this.identifiers.set(dir, words);
    }
    return words;
  }
}

/**
 * The files each plan read and parsed: apply edits that same baseline instead
 * of reading and parsing the files again (a plan made elsewhere has none, and
 * apply reads its files).
 */
export const planBaselines = new WeakMap<Plan, FileCache>();

/** The files of a plan, as it read them (read now for a plan that was made elsewhere). */
export function planFiles(plan: Plan, sources?: ReadonlyMap<string, Buffer>): FileCache {
  let files = planBaselines.get(plan);
  if (!files) planBaselines.set(plan, (files = new FileCache(plan.base, sources)));
  return files;
}

/**
 * A fresh unexported name for a package-level helper linkfix adds next to the
 * declaration `local` (`NanoTime` + `Start` → `nanoTimeStart`): never exported,
 * so the package's API stays the same, and numbered until no file of the
 * package uses it.
 */
export function helperName(files: FileCache, rel: string, local: string, suffix: string): string {
  const lead = /^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/.exec(local)?.[0] ?? '';
  const base = `${lead.toLowerCase()}${local.slice(lead.length)}${suffix}`;
  const words = files.wordsNear(rel);
  let name = base;
  for (let i = 2; words.has(name); i++) name = `${base}${i}`;
  words.add(name);
  return name;
}

/**
 * A new file next to `rel` that is compiled under the same file-name rules:
 * `tag` goes before the `_GOOS`, `_GOARCH` and `_test` suffixes
 * (`bits_amd64.go` + `fastrand_go122` → `bits_fastrand_go122_amd64.go`), which
 * would otherwise stop being suffixes and constraints.
 */
export function siblingFile(rel: string, tag: string): string {
  const slash = rel.lastIndexOf('/') + 1;
  const name = rel.slice(slash).replace(/\.go$/, '');
  const suffix = constraintSuffix(rel);
  return `${rel.slice(0, slash)}${name.slice(0, name.length - suffix.length)}_${tag}${suffix}.go`;
}

/** The `_GOOS`, `_GOARCH` and `_test` suffixes of a Go file's name, which go/build reads as constraints. */
export function constraintSuffix(rel: string): string {
  const { goos, goarch, test } = fileNameConstraint(rel.slice(rel.lastIndexOf('/') + 1));
  return `${goos ? `_${goos}` : ''}${goarch ? `_${goarch}` : ''}${test ? '_test' : ''}`;
}

const isBlank = (line: string): boolean => line.trim() === '';
/** The line of `text` that starts at `at`, with its newline ('' at the end). */
const lineFrom = (text: string, at: number): string => text.slice(at, text.indexOf('\n', at) + 1 || text.length);

/**
 * The comment block a file starts with (a licence, an attribution), for the
 * files made out of it: the first comment lines, when a blank line ends them
 * and they are neither a build constraint nor the package's doc comment.
 */
export function leadingHeader(f: EditableFile): string[] {
  const lines: string[] = [];
  for (const raw of f.parsed.source.text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.startsWith('//')) return isBlank(line) && lines.length > 0 ? lines : [];
    if (/^\/\/(go:build|\s*\+build)(\s|$)/.test(line)) return [];
    lines.push(line);
  }
  return [];
}

/**
 * The range that removes the whole lines holding [start, end) of `text`, tidy
 * as gofmt leaves it: when the removed lines sat between blank lines, one of
 * those goes too; when they ran to the end of the file, so do the blank lines
 * before them (a file ends with one newline).
 */
export function lineRemoval(text: string, start: number, end: number): { start: number; end: number } {
  let from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', Math.max(end - 1, start));
  to = to < 0 ? text.length : to + 1;
  let before = text.slice(text.lastIndexOf('\n', from - 2) + 1, from);
  const afterEnd = text.indexOf('\n', to);
  const after = text.slice(to, afterEnd < 0 ? text.length : afterEnd + 1);
  // A bare `//` that separated a doc comment from the directive would end the comment: gofmt drops it, so we do.
  if (before.trim() === '//' && !after.trim().startsWith('//')) {
    from -= before.length;
    before = text.slice(text.lastIndexOf('\n', from - 2) + 1, from);
  }
  if ((from === 0 || isBlank(before)) && isBlank(after) && after !== '') to += after.length;
  // gofmt keeps no blank line at either end of a ( … ) group: the last spec of an import group goes with the blank line above it.
  if (after.trim().startsWith(')')) {
    while (from > 0 && isBlank(before)) {
      from -= before.length;
      before = text.slice(text.lastIndexOf('\n', from - 2) + 1, from);
    }
  }
  if (before.trim().endsWith('(')) {
    for (let next = lineFrom(text, to); next !== '' && isBlank(next); next = lineFrom(text, to)) to += next.length;
  }
  if (isBlank(text.slice(to))) {
    to = text.length;
    while (from > 0 && isBlank(before)) {
      from -= before.length;
      before = text.slice(text.lastIndexOf('\n', from - 2) + 1, from);
    }
  }
  return { start: from, end: to };
}

/** Removes the whole lines holding [start, end) (see lineRemoval). */
export function removeLines(f: EditableFile, start: number, end: number): TextEdit {
  return { file: f.rel, ...lineRemoval(f.parsed.source.text, start, end), newText: '' };
}

/** Removes the whole lines holding each range; ranges on the same or adjacent lines go as one edit. */
export function removeAll(f: EditableFile, ranges: [number, number][]): TextEdit[] {
  const text = f.parsed.source.text;
  const lineEnd = (i: number): number => {
    const nl = text.indexOf('\n', Math.max(i - 1, 0));
    return nl < 0 ? text.length : nl + 1;
  };
  const spans = ranges.map(([a, b]) => [f.parsed.source.lineStart(a), lineEnd(Math.max(a + 1, b))] as [number, number]).sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged.map(([a, b]) => ({ file: f.rel, ...lineRemoval(text, a, b), newText: '' }));
}

/** A `//go:name` line comment other than linkname, build and generate: the compiler applies it to the next declaration. */
export interface Pragma {
  name: string;
  /** The comment, without its line's indentation and end. */
  text: string;
  start: number;
  end: number;
}

/** Pragmas a function may carry only while it has no Go body (measured: `can only use //go:noescape with external func implementations`). */
const BODYLESS_ONLY = new Set(['noescape', 'wasmimport']);

export const legalWithBody = (p: Pragma): boolean => !BODYLESS_ONLY.has(p.name);

/**
 * What sits above a declaration and belongs to it: its doc comment (the
 * comment lines right above it, directives among them) and every pragma line
 * between the code before it and the declaration, as the compiler attaches
 * them.
 */
export interface DeclHead {
  /** Start of the first line of the doc comment, or of the declaration's line. */
  docStart: number;
  /** The doc comment's text lines, without its directives and without a trailing bare `//` (gofmt drops it). */
  doc: string[];
  pragmas: Pragma[];
}

const PRAGMA = /^\/\/go:([a-z_]+)\b/;

export function declHead(f: EditableFile, decl: GoDecl): DeclHead {
  const text = f.parsed.source.text;
  let docStart = f.parsed.source.lineStart(decl.start);
  const pragmas: Pragma[] = [];
  let inDoc = true;
  for (let end = docStart - 1; end > 0; ) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '') inDoc = false;
    else if (!trimmed.startsWith('//')) break;
    else {
      if (inDoc) docStart = start;
      const m = PRAGMA.exec(trimmed);
      if (m && !['linkname', 'linknamestd', 'build', 'generate'].includes(m[1]!)) {
        const at = start + line.indexOf('//');
        pragmas.unshift({ name: m[1]!, text: trimmed, start: at, end: at + trimmed.length });
      }
    }
    end = start - 1;
  }
  const doc = text
    .slice(docStart, f.parsed.source.lineStart(decl.start))
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('//') && !PRAGMA.test(l));
  while (doc[doc.length - 1] === '//') doc.pop();
  return { docStart, doc, pragmas };
}

/** The line start of `index`. */
export function lineStartOf(f: EditableFile, index: number): number {
  return f.parsed.source.lineStart(index);
}

/** A package name the file can use for `path`, and the edit that imports it when needed. */
export interface ImportUse {
  name: string;
  edit: TextEdit | null;
}

/**
 * Imports `path` into the file (if it is not already) in gofmt order: into the
 * first import group when there is a parenthesised import, else as a new
 * import declaration after the last one. The name is aliased (`randv2`) when
 * the default name is taken by another import or a package-level name.
 */
export function ensureImport(f: EditableFile, path: string, { blank = false } = {}): ImportUse {
  const specs = f.parsed.imports.flatMap((d) => d.specs);
  const existing = specs.find((s) => s.path === path && (blank || (s.name !== '_' && s.name !== '.')));
  if (existing) return { name: existing.name ?? defaultPackageName(path), edit: null };
  const taken = new Set([...specs.map((s) => s.name ?? defaultPackageName(s.path)), ...f.parsed.decls.keys()]);
  let name = defaultPackageName(path);
  let alias: string | null = null;
  if (!blank && taken.has(name)) {
    const suffix = /\/(v\d+)$/.exec(path)?.[1] ?? '2';
    alias = `${name}${suffix}`;
    name = alias;
  }
  if (blank) alias = '_';
  const specText = `${alias ? `${alias} ` : ''}"${path}"`;
  const grouped = f.parsed.imports.find((d) => d.grouped && d.specs.length > 0);
  if (grouped) return { name, edit: insertIntoGroup(f, grouped, path, specText) };
  const last = f.parsed.imports[f.parsed.imports.length - 1];
  const text = f.parsed.source.text;
  if (last) {
    const lineEnd = text.indexOf('\n', last.end);
    // After the import's line; before it when code follows it there (`import _ "unsafe"; var x int`).
    const rest = text.slice(last.end, lineEnd < 0 ? text.length : lineEnd).trim();
    const at = rest !== '' && !rest.startsWith('//') ? f.parsed.source.lineStart(last.start) : lineEnd < 0 ? text.length : lineEnd + 1;
    return { name, edit: { file: f.rel, start: at, end: at, newText: `import ${specText}${f.eol}` } };
  }
  const pkg = /^package\s+\S+[^\n]*\n?/m.exec(text);
  const at = pkg ? pkg.index + pkg[0].length : 0;
  return { name, edit: { file: f.rel, start: at, end: at, newText: `${f.eol}import ${specText}${f.eol}` } };
}

/** Imports each path (see ensureImport): the name each package has in the file, by its default name, and the edits. */
export function importAll(f: EditableFile, paths: readonly string[]): { names: Record<string, string>; edits: TextEdit[] } {
  const names: Record<string, string> = {};
  const edits: TextEdit[] = [];
  for (const path of paths) {
    const use = ensureImport(f, path);
    names[defaultPackageName(path)] = use.name;
    if (use.edit) edits.push(use.edit);
  }
  return { names, edits };
}

/** Inserts a spec into the first blank-line-separated group of an import block, at its sorted place. */
function insertIntoGroup(f: EditableFile, decl: ImportDecl, path: string, specText: string): TextEdit {
  const text = f.parsed.source.text;
  const lineOf = (i: number): number => f.parsed.source.lineIndex(i);
  const group = [decl.specs[0]!];
  for (const s of decl.specs.slice(1)) {
    if (lineOf(s.start) - lineOf(group[group.length - 1]!.end) > 1) break;
    group.push(s);
  }
  const indent = text.slice(lineStartOf(f, group[0]!.start), group[0]!.start);
  const next = group.find((s) => s.path > path);
  if (next) {
    const at = lineStartOf(f, next.start);
    return { file: f.rel, start: at, end: at, newText: `${indent}${specText}${f.eol}` };
  }
  const last = group[group.length - 1]!;
  const lineEnd = text.indexOf('\n', last.end);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  return { file: f.rel, start: at, end: at, newText: `${indent}${specText}${f.eol}` };
}

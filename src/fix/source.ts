// The Go files a plan edits, read and parsed once, and the small text
// operations every strategy needs (whole-line removals, declarations, imports)
// written so that gofmt has nothing to change afterwards.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseGoFile, type ParsedGoFile } from '../parse/gofile.js';
import type { ImportDecl } from '../parse/goshared.js';
import { SourceText } from '../parse/source.js';
import type { TextEdit } from './types.js';

export interface EditableFile {
  /** Path relative to the plan's base. */
  rel: string;
  parsed: ParsedGoFile;
  eol: string;
}

export class FileCache {
  private readonly files = new Map<string, EditableFile>();
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
      f = { rel, parsed, eol: parsed.source.crlf ? '\r\n' : '\n' };
      this.files.set(rel, f);
    }
    return f;
  }
}

const isBlank = (line: string): boolean => line.trim() === '';

/**
 * Removes the whole lines holding [start, end). When that leaves two blank
 * lines together (the removed lines sat between blank lines), one goes too.
 */
export function removeLines(f: EditableFile, start: number, end: number): TextEdit {
  const text = f.parsed.source.text;
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
  return { file: f.rel, start: from, end: to, newText: '' };
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

/** The name a package is imported under by default: the last path element (before a /vN suffix). */
export function defaultPackageName(path: string): string {
  const parts = path.split('/');
  const last = parts[parts.length - 1]!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2]! : last;
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
    const at = lineEnd < 0 ? text.length : lineEnd + 1;
    return { name, edit: { file: f.rel, start: at, end: at, newText: `import ${specText}${f.eol}` } };
  }
  const pkg = /^package\s+\S+[^\n]*\n?/m.exec(text);
  const at = pkg ? pkg.index + pkg[0].length : 0;
  return { name, edit: { file: f.rel, start: at, end: at, newText: `${f.eol}import ${specText}${f.eol}` } };
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

// The model of one Go file that the scanner needs, and the pieces both
// parsers (tree-sitter, and the fast skimmer) build it with.

import type { DeclarationKind } from '../model/types.js';
import { parseDirectiveComment, type DirectiveText } from './directive.js';
import { detach, type SourceText } from './source.js';

/**
 * The linker's name for a method's receiver: `(r *T[K])` → `(*T)`, `(T)` → `T`.
 * Null when the text is not a receiver.
 */
export function methodReceiver(receiverText: string): string | null {
  const m = /^\(\s*(?:[\p{L}_][\p{L}\p{N}_]*\s+)?(\*?)\s*([\p{L}_][\p{L}\p{N}_]*)\s*(?:\[[^\]]*\]\s*)?,?\s*\)$/u.exec(receiverText.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').replace(/\s+/g, ' '));
  if (!m) return null;
  return m[1] ? `(*${m[2]})` : m[2]!;
}

/**
 * A package-level func, method or var. Methods are keyed by their linker name
 * (`(*T).M`, `T.M`), which no directive's local name can collide with.
 * Indices are UTF-16 offsets into `SourceText.text`.
 */
export interface GoDecl {
  name: string;
  kind: DeclarationKind;
  start: number;
  end: number;
  /** End of the part shown as the signature (before a func body). */
  signatureEnd: number;
}

/** A line comment that the compiler reads as a linkname directive. */
export interface DirectiveSite extends DirectiveText {
  start: number;
  end: number;
  /** Not alone on its line: the compiler says "misplaced compiler directive". */
  misplaced: boolean;
}

export interface ImportSpec {
  /** `_`, `.`, an alias, or null. */
  name: string | null;
  path: string;
  start: number;
  end: number;
}

/** `import "x"` or `import ( … )`. */
export interface ImportDecl {
  start: number;
  end: number;
  grouped: boolean;
  specs: ImportSpec[];
}

export interface ParsedGoFile {
  source: SourceText;
  packageName: string | null;
  importsUnsafe: boolean;
  imports: ImportDecl[];
  /** Package-level funcs and vars by name (a name may repeat in a file with syntax errors). */
  decls: Map<string, GoDecl>;
  directives: DirectiveSite[];
  /** The `//go:build` expression, or null. */
  goBuild: string | null;
  /** Legacy `// +build` lines (their text after `+build`). */
  plusBuild: string[];
  /** `// Code generated … DO NOT EDIT.` before the package clause (go/ast.IsGenerated). */
  generated: boolean;
  /** Line of the first syntax error tree-sitter found, or null. */
  firstErrorLine: number | null;
  /** How many ERROR and MISSING nodes tree-sitter found (0 for a file the skimmer read: it reads only well-formed ones). */
  syntaxErrors: number;
}

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/;

export function emptyParsedGoFile(source: SourceText): ParsedGoFile {
  return {
    source,
    packageName: null,
    importsUnsafe: false,
    imports: [],
    decls: new Map(),
    directives: [],
    goBuild: null,
    plusBuild: [],
    generated: false,
    firstErrorLine: null,
    syntaxErrors: 0,
  };
}

/** A comment before the package clause: build constraints and the generated-code marker. */
export function readHeaderComment(comment: string, out: ParsedGoFile): void {
  if (GENERATED.test(comment)) out.generated = true;
  // Detached: a file's constraint lives as long as its findings, and a slice would keep the whole file's text.
  if (comment.startsWith('//go:build') && /^\/\/go:build(\s|$)/.test(comment)) {
    out.goBuild ??= detach(comment.slice('//go:build'.length).trim());
  } else if (/^\/\/\s*\+build(\s|$)/.test(comment)) {
    out.plusBuild.push(detach(comment.replace(/^\/\/\s*\+build/, '').trim()));
  }
}

/**
 * Records the line comment at [start, end) if the compiler reads it as a
 * linkname directive; `end` may include a trailing \r.
 */
export function addDirectiveComment(out: ParsedGoFile, start: number, end: number): void {
  const text = out.source.text;
  const comment = text.slice(start, end).replace(/\r$/, '');
  const parsed = parseDirectiveComment(comment);
  if (!parsed) return;
  const misplaced = text.slice(out.source.lineStart(start), start).trim() !== '';
  out.directives.push({ ...parsed, start, end: start + comment.length, misplaced });
}

export function addImportSpec(out: ParsedGoFile, decl: ImportDecl, spec: ImportSpec): void {
  decl.specs.push(spec);
  if (spec.path === 'unsafe') out.importsUnsafe = true;
}

export function addDecl(out: ParsedGoFile, decl: GoDecl): void {
  if (decl.name !== '_' && !out.decls.has(decl.name)) out.decls.set(decl.name, decl);
}

export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** The signature text of a declaration: `func f(x int) bool` or `var v T`. */
export function declSignature(file: ParsedGoFile, decl: GoDecl): string {
  const text = file.source.text.slice(decl.start, decl.signatureEnd).replace(/\s+/g, ' ').trim();
  return detach(decl.kind.startsWith('var') ? `var ${text}` : text);
}


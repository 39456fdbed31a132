import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';
import type { DeclarationKind } from '../model/types.js';
import { parseDirectiveComment, type DirectiveText } from './directive.js';
import { SourceText } from './source.js';

/** A package-level func or var. Indices are UTF-16 offsets into `SourceText.text`. */
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

export interface ParsedGoFile {
  source: SourceText;
  packageName: string | null;
  importsUnsafe: boolean;
  /** Package-level funcs and vars by name (a name may repeat in a file with syntax errors). */
  decls: Map<string, GoDecl>;
  /** Package-level consts and types: a directive naming one is invalid. */
  otherNames: Set<string>;
  directives: DirectiveSite[];
  /** The `//go:build` expression, or null. */
  goBuild: string | null;
  /** Legacy `// +build` lines (their text after `+build`). */
  plusBuild: string[];
  /** `// Code generated … DO NOT EDIT.` before the package clause (go/ast.IsGenerated). */
  generated: boolean;
  /** Line of the first syntax error tree-sitter found, or null. */
  firstErrorLine: number | null;
}

const parser = new Parser();
parser.setLanguage(Go as unknown as Parser.Language);

const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/;

export function parseGoFile(source: SourceText): ParsedGoFile {
  const text = source.text;
  // Node bindings read the input in chunks; a buffer as large as the text avoids re-entry on big files.
  const tree = parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
  const root = tree.rootNode;
  const result: ParsedGoFile = {
    source,
    packageName: null,
    importsUnsafe: false,
    decls: new Map(),
    otherNames: new Set(),
    directives: [],
    goBuild: null,
    plusBuild: [],
    generated: false,
    firstErrorLine: root.hasError ? firstErrorLine(root, source) : null,
  };

  let beforePackage = true;
  for (const node of root.namedChildren) {
    switch (node.type) {
      case 'comment':
        if (beforePackage) readHeaderComment(node.text.replace(/\r$/, ''), result);
        break;
      case 'package_clause':
        beforePackage = false;
        result.packageName = node.namedChildren[0]?.text ?? null;
        break;
      case 'import_declaration':
        if (importsUnsafe(node)) result.importsUnsafe = true;
        break;
      case 'function_declaration':
        addFunc(node, result);
        break;
      case 'var_declaration':
        for (const spec of specs(node, 'var_spec')) addVarSpec(spec, result);
        break;
      case 'const_declaration':
        for (const spec of specs(node, 'const_spec')) for (const n of spec.childrenForFieldName('name')) result.otherNames.add(n.text);
        break;
      case 'type_declaration':
        for (const spec of node.namedChildren) {
          const name = spec.childForFieldName('name');
          if (name) result.otherNames.add(name.text);
        }
        break;
    }
  }

  // Directives are comments, possibly inside function bodies: find the text,
  // then ask the tree whether a line comment really starts there (and not a
  // block comment or a string literal).
  for (let i = text.indexOf('//go:linkname'); i !== -1; i = text.indexOf('//go:linkname', i + 1)) {
    const node = root.descendantForIndex(i, i + 1);
    if (node.type !== 'comment' || node.startIndex !== i) continue;
    const comment = text.slice(i, node.endIndex).replace(/\r$/, '');
    const parsed = parseDirectiveComment(comment);
    if (!parsed) continue;
    const misplaced = text.slice(source.lineStart(i), i).trim() !== '';
    result.directives.push({ ...parsed, start: i, end: i + comment.length, misplaced });
  }
  return result;
}

function readHeaderComment(comment: string, out: ParsedGoFile): void {
  if (GENERATED.test(comment)) out.generated = true;
  if (comment.startsWith('//go:build') && /^\/\/go:build(\s|$)/.test(comment)) {
    out.goBuild ??= comment.slice('//go:build'.length).trim();
  } else if (/^\/\/\s*\+build(\s|$)/.test(comment)) {
    out.plusBuild.push(comment.replace(/^\/\/\s*\+build/, '').trim());
  }
}

function importsUnsafe(decl: Parser.SyntaxNode): boolean {
  return specs(decl, 'import_spec').some((spec) => {
    const path = spec.childForFieldName('path');
    return path !== null && path.text.slice(1, -1) === 'unsafe';
  });
}

/** The specs of a declaration, whether written `var x T` or `var ( … )`. */
function specs(decl: Parser.SyntaxNode, type: string): Parser.SyntaxNode[] {
  const out: Parser.SyntaxNode[] = [];
  for (const child of decl.namedChildren) {
    if (child.type === type) out.push(child);
    else if (child.type.endsWith('_list')) out.push(...child.namedChildren.filter((c) => c.type === type));
  }
  return out;
}

function addFunc(node: Parser.SyntaxNode, out: ParsedGoFile): void {
  const name = node.childForFieldName('name');
  if (!name) return;
  const body = node.childForFieldName('body');
  const signatureEnd = body ? trimEnd(out.source.text, node.startIndex, body.startIndex) : node.endIndex;
  addDecl(out, { name: name.text, kind: body ? 'func' : 'func-bodyless', start: node.startIndex, end: node.endIndex, signatureEnd });
}

function addVarSpec(spec: Parser.SyntaxNode, out: ParsedGoFile): void {
  const value = spec.childForFieldName('value');
  const kind = value ? 'var-initialized' : 'var';
  // The signature stops before `= value`: initialisers can be pages long.
  const signatureEnd = value ? trimEnd(out.source.text, spec.startIndex, out.source.text.lastIndexOf('=', value.startIndex)) : spec.endIndex;
  for (const name of spec.childrenForFieldName('name')) {
    addDecl(out, { name: name.text, kind, start: spec.startIndex, end: spec.endIndex, signatureEnd });
  }
}

function addDecl(out: ParsedGoFile, decl: GoDecl): void {
  if (decl.name !== '_' && !out.decls.has(decl.name)) out.decls.set(decl.name, decl);
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** The signature text of a declaration: `func f(x int) bool` or `var v T`. */
export function declSignature(file: ParsedGoFile, decl: GoDecl): string {
  const text = file.source.text.slice(decl.start, decl.signatureEnd).replace(/\s+/g, ' ').trim();
  return decl.kind.startsWith('var') ? `var ${text}` : text;
}

function firstErrorLine(root: Parser.SyntaxNode, source: SourceText): number {
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.type === 'ERROR' || node.isMissing) return source.position(node.startIndex).line;
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return source.position(root.startIndex).line;
    }
  }
}

// Go files parsed with tree-sitter-go, and the entry point that prefers the
// fast skimmer when it can vouch for a file.

import { createRequire } from 'node:module';
import type Parser from 'tree-sitter';
import { addDecl, addDirectiveComment, addImportSpec, emptyParsedGoFile, methodReceiver, readHeaderComment, trimEnd, type ImportDecl, type ParsedGoFile } from './goshared.js';
import { skimGoFile } from './goskim.js';
import { SourceText } from './source.js';

export type { DirectiveSite, GoDecl, ParsedGoFile } from './goshared.js';
export { declSignature } from './goshared.js';

/**
 * The skimmer reads well-formed files about ten times faster than tree-sitter
 * parses them (measured on GOROOT/src); anything it is not sure of, and every
 * file with a syntax error, goes to tree-sitter. test/skim.test.ts holds the
 * two to identical results.
 */
export function parseGoFile(source: SourceText): ParsedGoFile {
  return skimGoFile(source) ?? parseGoFileWithTreeSitter(source);
}

let parser: Parser | undefined;

/** Tree-sitter loads on first use: scans of well-formed code never need it. */
function treeSitter(): Parser {
  if (!parser) {
    const require = createRequire(import.meta.url);
    const TreeSitter = require('tree-sitter') as typeof Parser;
    parser = new TreeSitter();
    parser.setLanguage(require('tree-sitter-go') as Parser.Language);
  }
  return parser;
}

/** The tree-sitter tree of a text (for the few callers that need more than ParsedGoFile). */
export function treeSitterTree(text: string): Parser.Tree {
  return treeSitter().parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 2 + 2) });
}

/** How many ERROR and MISSING nodes tree-sitter finds: a rewrite must never make this grow. */
export function syntaxErrorCount(text: string): number {
  return parseGoFileWithTreeSitter(SourceText.fromString(text)).syntaxErrors;
}

/** Parses with tree-sitter: exact for any input, including files with syntax errors. */
export function parseGoFileWithTreeSitter(source: SourceText): ParsedGoFile {
  const text = source.text;
  // Node bindings read the input in chunks; a buffer as large as the text avoids re-entry on big files.
  const root = treeSitterTree(text).rootNode;
  const result = emptyParsedGoFile(source);
  if (root.hasError) countErrors(root, result);

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
        addImportDecl(node, result);
        break;
      case 'function_declaration':
      case 'method_declaration':
        addFunc(node, result);
        break;
      case 'var_declaration':
        for (const spec of specs(node, 'var_spec')) addVarSpec(spec, result);
        break;
    }
  }

  // Directives are comments, possibly inside function bodies: find the text,
  // then ask the tree whether a line comment really starts there (and not a
  // block comment or a string literal).
  for (let i = text.indexOf('//go:linkname'); i !== -1; i = text.indexOf('//go:linkname', i + 1)) {
    const node = root.descendantForIndex(i, i + 1);
    if (node.type === 'comment' && node.startIndex === i) addDirectiveComment(result, i, node.endIndex);
  }
  return result;
}

function addImportDecl(node: Parser.SyntaxNode, out: ParsedGoFile): void {
  const decl: ImportDecl = { start: node.startIndex, end: node.endIndex, grouped: node.namedChildren.some((c) => c.type === 'import_spec_list'), specs: [] };
  for (const spec of specs(node, 'import_spec')) {
    const path = spec.childForFieldName('path');
    if (!path) continue;
    const name = spec.childForFieldName('name');
    addImportSpec(out, decl, { name: name ? name.text : null, path: path.text.slice(1, -1), start: spec.startIndex, end: spec.endIndex });
  }
  out.imports.push(decl);
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
  const nameNode = node.childForFieldName('name');
  if (!nameNode) return;
  let name = nameNode.text;
  const receiverNode = node.childForFieldName('receiver');
  if (receiverNode) {
    const receiver = methodReceiver(receiverNode.text);
    if (receiver === null) return;
    name = `${receiver}.${name}`;
  }
  const body = node.childForFieldName('body');
  const signatureEnd = body ? trimEnd(out.source.text, node.startIndex, body.startIndex) : node.endIndex;
  addDecl(out, { name, kind: body ? 'func' : 'func-bodyless', start: node.startIndex, end: node.endIndex, signatureEnd });
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

/** The ERROR and MISSING nodes of a tree (only subtrees that have errors are visited), and the line of the first. */
function countErrors(root: Parser.SyntaxNode, out: ParsedGoFile): void {
  const walk = (node: Parser.SyntaxNode): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      out.syntaxErrors++;
      out.firstErrorLine ??= out.source.position(node.startIndex).line;
    }
    if (node.hasError) for (const child of node.children) walk(child);
  };
  walk(root);
  out.firstErrorLine ??= out.source.position(root.startIndex).line;
}

// Which package-level vars of the standard library the standard library itself
// changes after initialisation. A copy of such a var (linkfix's vendored fix)
// would be a different variable: the std's writes, locks and atomics would no
// longer reach it. Without type information every doubt counts as a write:
// an assignment of any kind to the var or to a part of it (`x = …`, `x += …`,
// `x++`, `x[i] = …`, `x.f = …`, `*x = …`), its address (`&x`, `&x.f`), a slice
// of it, a call of it or of a method or field-func on it (`x.Lock()`, `x()`: a
// func value may keep state), passing it or a part of it to a function
// (builtins that only read it aside), a channel operation, a //go:linkname on
// it, and a reference from std assembly. Writes through an
// alias (`p := x; p[0] = 1`, a method value `f := x.Lock`) are not seen: a
// local of the same name as the var counts as the var, which errs the other way.

import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type Parser from 'tree-sitter';
import { parseDirectiveComment, splitSymbol } from '../parse/directive.js';
import { treeSitterTree } from '../parse/gofile.js';

/** The package-level vars to decide about, and the name each std package's clause gives it. */
export interface StdVarIndex {
  /** Import path (`encoding/json`, `vendor/golang.org/x/net/…`) → names of its package-level vars. */
  vars: ReadonlyMap<string, ReadonlySet<string>>;
  /** Import path → package name. */
  names: ReadonlyMap<string, string>;
}

/** A non-test `.go` or `.s` file of a std package. */
export interface StdSourceFile {
  importPath: string;
  name: string;
  text: string;
}

/** Builtins and predeclared conversions that only read their arguments. */
const READS_ONLY = new Set([
  'len', 'cap', 'min', 'max', 'print', 'println', 'panic', 'real', 'imag', 'complex',
  'bool', 'string', 'byte', 'rune', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr',
  'float32', 'float64', 'complex64', 'complex128',
]);

const GO_KEYWORDS = new Set(['break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var']);

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

/** `P.name` of every var of `index` that one of `files` writes (its own declaration is not a write), with the first file seen writing it. */
export function varsWrittenByStd(files: Iterable<StdSourceFile>, index: StdVarIndex): Map<string, string> {
  const written = new Map<string, string>();
  for (const file of files) {
    if (file.name.endsWith('.s')) asmReferences(file, index, written);
    else goWrites(file, index, written);
  }
  return written;
}

/** Assembly can write any var it names (`·x(SB)`, `pkg·x+8(SB)`): all count. */
function asmReferences(file: StdSourceFile, index: StdVarIndex, written: Written): void {
  for (const m of file.text.matchAll(/([\w./∕]*)·(\w+)/g)) {
    const path = m[1] ? m[1].replace(/∕/g, '/') : file.importPath;
    if (index.vars.get(path)?.has(m[2]!)) record(written, `${path}.${m[2]}`, file);
  }
}

/** How a file's names reach vars: its own package's by name, imported ones through their qualifier, dot-imported ones by name. */
interface Scope {
  bare: Map<string, string[]>;
  qualified: Map<string, string>;
}

function scopeOf(file: StdSourceFile, imports: string[], index: StdVarIndex): Scope {
  const bare = new Map<string, string[]>();
  const addBare = (path: string, exportedOnly: boolean): void => {
    for (const name of index.vars.get(path) ?? []) {
      if (!exportedOnly || /^[A-Z]/.test(name)) bare.set(name, [...(bare.get(name) ?? []), path]);
    }
  };
  addBare(file.importPath, false);
  const qualified = new Map<string, string>();
  for (const piece of imports) {
    for (const m of piece.replace(/^import\s*/, '').matchAll(/(?:^|\s)(?:([A-Za-z_]\w*|\.)\s+)?"([^"\n]+)"/g)) {
      const path = resolveImport(m[2]!, index);
      if (m[1] === '.') addBare(path, true);
      else qualified.set(m[1] ?? index.names.get(path) ?? path.slice(path.lastIndexOf('/') + 1), path);
    }
  }
  return { bare, qualified };
}

/**
 * Where a cheap superset of the uses `writes` counts occurs, on the text
 * alone: a name that may be a var after a unary `&` or `*` or `<-`; followed
 * (past selectors, index and slice expressions) by an assignment, `++`, `--`,
 * `<-`, `,` (a list being assigned), a comment, a call after a selector, or a
 * slice; or standing whole between `(` or `,` and `,` or `)` (an argument)
 * unless the call is to a builtin that only reads. Only the declarations
 * holding one are parsed.
 */
function suspiciousUses(text: string, scope: Scope, index: StdVarIndex): { at: number; symbols: string[] }[] {
  const uses: { at: number; symbols: string[] }[] = [];
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const end = m.index + word.length;
    // `pkg.X` starts at the qualifier; a name after a dot may also be bare (the dot can end a comment).
    const dot = before(text, m.index);
    if (text[dot] === '.') {
      let start = before(text, dot) + 1;
      while (start > 0 && /\w/.test(text[start - 1]!)) start--;
      const path = scope.qualified.get(text.slice(start, before(text, dot) + 1));
      if (path && index.vars.get(path)?.has(word) && suspicious(text, start, end)) uses.push({ at: m.index, symbols: [`${path}.${word}`] });
    }
    const symbols = (scope.bare.get(word) ?? []).map((path) => `${path}.${word}`);
    if (symbols.length > 0 && suspicious(text, m.index, end)) uses.push({ at: m.index, symbols });
  }
  return uses;
}

function suspicious(text: string, start: number, end: number): boolean {
  const prev = before(text, start);
  const c = text[prev] ?? '';
  // `a & x`, `a * x` are binary: an operand ends just before (`return &x` is unary).
  const operandEnd = before(text, prev);
  const word = /\w+$/.exec(text.slice(Math.max(0, operandEnd - 15), operandEnd + 1))?.[0];
  const unary = !/[\w)\]}]/.test(text[operandEnd] ?? '') || (word !== undefined && GO_KEYWORDS.has(word));
  if ((c === '&' || c === '*') && unary) return true;
  if (text.startsWith('<-', prev - 1)) return true;
  const next = after(text, end);
  if (next === 'write') return true;
  if (/^(?:(?:[-+*/%&|^]|<<|>>|&\^)?=(?!=)|\+\+|--|<-|,|\/\*)/.test(next)) return true;
  if (c !== '(' && c !== ',') return false;
  // A whole argument (or a parenthesised var): is the call one that only reads?
  if (!/^(?:\)|\.\.\.)/.test(next)) return false;
  if (c === ',') return true;
  // A bare builtin's name just before the `(` (not `[]int(`, `p.len(`).
  const callee = /(?:^|[^\w.\]])(\w+)\s*$/.exec(text.slice(Math.max(0, prev - 16), prev))?.[1];
  return callee === undefined || !READS_ONLY.has(callee);
}

/** Index of the last non-blank character before `i` (-1 at the start). */
function before(text: string, i: number): number {
  let j = i - 1;
  while (j >= 0 && /\s/.test(text[j]!)) j--;
  return j;
}

/** What follows a name past its selectors and index expressions ('write' for a slice, a call, or what cannot be read). */
function after(text: string, i: number): string {
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '.' && text[i + 1] !== '.') {
      i++;
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] === '(') {
        i = closing(text, i);
        if (i < 0) return 'write';
        continue;
      }
      const field = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
      if (!field) return 'write';
      i += field[0].length;
      continue;
    }
    if (text[i] === '[') {
      const end = closing(text, i);
      if (end < 0 || sliceIndex(text.slice(i + 1, end - 1))) return 'write';
      i = end;
      continue;
    }
    break;
  }
  if (text[i] === '(') return 'write';
  return text.slice(i, i + 4);
}

/** The index after the bracket that closes the one at `i`, or -1. */
function closing(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

/** A `:` outside nested brackets: `x[i:j]`. */
function sliceIndex(inner: string): boolean {
  let depth = 0;
  for (const c of inner) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ':' && depth === 0) return true;
  }
  return false;
}

/** Top-level declarations of a gofmt-formatted file: each starts at a keyword in column 0. */
const TOP_LEVEL = /^(?=(?:func|var|const|type|import)\b)/m;

function goWrites(file: StdSourceFile, index: StdVarIndex, written: Written): void {
  for (const line of file.text.matchAll(/^\/\/go:linkname\s.*$/gm)) linknamed(line[0], file, index, written);
  const pieces: { start: number; text: string }[] = [];
  let offset = 0;
  for (const text of file.text.split(TOP_LEVEL)) {
    pieces.push({ start: offset, text });
    offset += text.length;
  }
  const scope = scopeOf(file, pieces.filter((p) => p.text.startsWith('import')).map((p) => p.text), index);
  const uses = suspiciousUses(file.text, scope, index);
  const open = (u: { symbols: string[] }): boolean => u.symbols.some((sym) => !written.has(sym));
  const mark = (path: string, name: string, use: Parser.SyntaxNode): void => {
    if (index.vars.get(path)?.has(name) && writes(use)) record(written, `${path}.${name}`, file);
  };
  // Parse only the func and var declarations that hold a use of a var not yet known to be written; the whole
  // file if one does not parse alone or a use is elsewhere (a raw string with a keyword in column 0 fools the split).
  const PREFIX = 'package p\n';
  for (const piece of pieces) {
    const inside = uses.filter((u) => u.at >= piece.start && u.at < piece.start + piece.text.length && open(u));
    if (inside.length === 0) continue;
    const root = /^(?:func|var)\b/.test(piece.text) ? treeSitterTree(PREFIX + piece.text).rootNode : null;
    if (!root || root.hasError) {
      judgeUses(treeSitterTree(file.text).rootNode, uses.filter(open), 0, scope, mark);
      return;
    }
    judgeUses(root, inside, PREFIX.length - piece.start, scope, mark);
  }
}

/** Judges each use, found at its offset plus `shift` in the tree. */
function judgeUses(root: Parser.SyntaxNode, uses: { at: number }[], shift: number, scope: Scope, mark: (path: string, name: string, use: Parser.SyntaxNode) => void): void {
  for (const { at } of uses) {
    const node = root.descendantForIndex(at + shift);
    const parent = node.parent;
    if (node.type === 'identifier') {
      // A var spec's names declare (the package's var itself, or a local): not writes.
      if (parent?.type === 'var_spec' && parent.childrenForFieldName('name').some((n) => n.id === node.id)) continue;
      for (const path of scope.bare.get(node.text) ?? []) mark(path, node.text, node);
    } else if (node.type === 'field_identifier' && parent?.type === 'selector_expression') {
      const operand = parent.childForFieldName('operand');
      const path = operand?.type === 'identifier' ? scope.qualified.get(operand.text) : undefined;
      if (path) mark(path, node.text, parent);
    }
  }
}

/** Std code imports its vendored packages without the `vendor/` prefix their import paths have. */
function resolveImport(path: string, index: StdVarIndex): string {
  return !index.names.has(path) && index.names.has(`vendor/${path}`) ? `vendor/${path}` : path;
}

/** `//go:linkname local target` on a var: it is shared with another package, in either direction. */
function linknamed(comment: string, file: StdSourceFile, index: StdVarIndex, written: Written): void {
  const d = parseDirectiveComment(comment);
  if (!d || d.verb !== 'linkname' || !d.args[0]) return;
  if (index.vars.get(file.importPath)?.has(d.args[0])) record(written, `${file.importPath}.${d.args[0]}`, file);
  const target = d.args[1] ? splitSymbol(d.args[1]) : null;
  if (target && index.vars.get(target.importPath)?.has(target.symbol)) record(written, `${target.importPath}.${target.symbol}`, file);
}

/** Written vars, each with the first file (`importPath/name`) seen writing it. */
type Written = Map<string, string>;

function record(written: Written, symbol: string, file: StdSourceFile): void {
  if (!written.has(symbol)) written.set(symbol, `${file.importPath}/${file.name}`);
}

/** Does this use of a var (an identifier or `pkg.X`) possibly change it? */
function writes(use: Parser.SyntaxNode): boolean {
  let top = use;
  for (let p = top.parent; p; p = top.parent) {
    const isOperand = p.childForFieldName('operand')?.id === top.id;
    if (isOperand && (p.type === 'selector_expression' || p.type === 'index_expression' || p.type === 'type_assertion_expression')) {
      // x.f, x[i], x.(T): part of the var
    } else if (isOperand && p.type === 'slice_expression') {
      return true;
    } else if (p.type === 'parenthesized_expression' || p.type === 'variadic_argument' || p.type === 'type_conversion_expression' || (p.type === 'unary_expression' && p.child(0)?.type === '*')) {
      // (x).f, *x, f(x...), []T(x): still the var's storage
    } else break;
    top = p;
  }
  const p = top.parent;
  if (!p) return false;
  switch (p.type) {
    case 'inc_statement':
    case 'dec_statement':
      return true;
    case 'unary_expression':
      return p.child(0)?.type === '&' || p.child(0)?.type === '<-';
    case 'send_statement':
      return p.childForFieldName('channel')?.id === top.id;
    case 'call_expression':
      // x.M(), x.f(), and x() (a func value may keep state, like sync.OnceFunc's)
      return p.childForFieldName('function')?.id === top.id;
    case 'expression_list': {
      const statement = p.parent;
      const assigns = statement?.type === 'assignment_statement' || ((statement?.type === 'range_clause' || statement?.type === 'receive_statement') && statement.children.some((c) => c.type === '='));
      return assigns && statement!.childForFieldName('left')?.id === p.id;
    }
    case 'assignment_statement':
      return p.childForFieldName('left')?.id === top.id;
    case 'argument_list': {
      const callee = p.parent?.childForFieldName('function');
      if (callee?.type !== 'identifier') return true;
      if (callee.text === 'copy') return p.namedChildren[0]?.id === top.id;
      return !READS_ONLY.has(callee.text);
    }
    default:
      return false;
  }
}

/**
 * Every non-test `.go` and `.s` file of the std packages under `goroot/src`,
 * whatever its build constraints (a write on any platform counts), except
 * generator programs (`package main`).
 */
export function* stdSources(goroot: string): Generator<StdSourceFile> {
  const src = join(goroot, 'src');
  const dirs = [''];
  for (let rel = dirs.pop(); rel !== undefined; rel = dirs.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(src, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(path === 'cmd' || e.name === 'testdata' || /^[._]/.test(e.name))) dirs.push(path);
        continue;
      }
      if (!rel || !/\.(go|s)$/.test(e.name) || e.name.endsWith('_test.go')) continue;
      const text = readFileSync(join(src, path), 'utf8');
      if (e.name.endsWith('.go') && /^package\s+main\b/m.test(text)) continue;
      yield { importPath: rel, name: e.name, text };
    }
  }
}

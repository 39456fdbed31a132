// A fast reader of well-formed Go files: a lexer with Go's semicolon rule and
// a parser of just the top level (package, imports, funcs, vars). It returns
// exactly what the tree-sitter parser returns, or null when it meets anything
// it is not sure of (unbalanced brackets, unterminated literals, stray tokens),
// and the caller then parses the file with tree-sitter.

import { addDecl, addDirectiveComment, addImportSpec, emptyParsedGoFile, methodReceiver, readHeaderComment, trimEnd, type ImportDecl, type ParsedGoFile } from './goshared.js';
import type { SourceText } from './source.js';

const enum Tok {
  EOF,
  Semi,
  Ident,
  Lit,
  Op,
  Assign,
  Comma,
  Open,
  Close,
}

const KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go',
  'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);
/** Keywords after which a newline ends the statement (Go spec, "Semicolons"). */
const SEMI_KEYWORDS = new Set(['break', 'continue', 'fallthrough', 'return']);

class Unsure extends Error {}

class Lexer {
  pos = 0;
  start = 0;
  end = 0;
  kind: Tok = Tok.EOF;
  /** The bracket character of an Open or Close token. */
  bracket = '';
  private insertSemi = false;

  constructor(
    private readonly text: string,
    private readonly onLineComment: (start: number, end: number) => void,
  ) {}

  get word(): string {
    return this.text.slice(this.start, this.end);
  }

  /** Is the current token `kind` (and, for brackets, this bracket)? */
  at(kind: Tok, bracket?: string): boolean {
    return this.kind === kind && (bracket === undefined || this.bracket === bracket);
  }

  private token(kind: Tok, start: number, end: number, insertSemi: boolean): Tok {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.pos = end;
    this.insertSemi = insertSemi;
    return kind;
  }

  next(): Tok {
    const t = this.text;
    const n = t.length;
    for (;;) {
      let p = this.pos;
      let c = t.charCodeAt(p);
      while (c === 32 || c === 9 || c === 13) c = t.charCodeAt(++p);
      this.pos = p;
      if (p >= n) return this.insertSemi ? this.token(Tok.Semi, p, p, false) : this.token(Tok.EOF, p, p, false);
      if (c === 10) {
        if (this.insertSemi) return this.token(Tok.Semi, p, p + 1, false);
        this.pos = p + 1;
        continue;
      }
      const c2 = t.charCodeAt(p + 1);
      if (c === 47 /* / */ && c2 === 47) {
        let e = t.indexOf('\n', p);
        if (e < 0) e = n;
        this.onLineComment(p, e);
        this.pos = e;
        continue;
      }
      if (c === 47 && c2 === 42 /* * */) {
        const e = t.indexOf('*/', p + 2);
        if (e < 0) throw new Unsure('unterminated comment');
        this.pos = e + 2;
        // A general comment spanning lines acts like a newline.
        if (this.insertSemi && t.lastIndexOf('\n', e) > p) return this.token(Tok.Semi, p, e + 2, false);
        continue;
      }
      if (isIdentStart(c)) {
        let e = p + 1;
        while (e < n && isIdentPart(t.charCodeAt(e))) e++;
        const word = t.slice(p, e);
        return this.token(Tok.Ident, p, e, !KEYWORDS.has(word) || SEMI_KEYWORDS.has(word));
      }
      if (isDigit(c) || (c === 46 /* . */ && isDigit(c2))) {
        let e = p + 1;
        for (;;) {
          const d = t.charCodeAt(e);
          if (isIdentPart(d) || d === 46) e++;
          else if ((d === 43 || d === 45) && /[eEpP]/.test(t[e - 1]!)) e++;
          else break;
        }
        return this.token(Tok.Lit, p, e, true);
      }
      switch (c) {
        case 34 /* " */:
        case 39 /* ' */:
          return this.token(Tok.Lit, p, this.quoted(p, c), true);
        case 96 /* ` */: {
          const e = t.indexOf('`', p + 1);
          if (e < 0) throw new Unsure('unterminated raw string');
          return this.token(Tok.Lit, p, e + 1, true);
        }
        case 40 /* ( */:
        case 91 /* [ */:
        case 123 /* { */:
          this.bracket = t[p]!;
          return this.token(Tok.Open, p, p + 1, false);
        case 41 /* ) */:
        case 93 /* ] */:
        case 125 /* } */:
          this.bracket = t[p]!;
          return this.token(Tok.Close, p, p + 1, true);
        case 44 /* , */:
          return this.token(Tok.Comma, p, p + 1, false);
        case 59 /* ; */:
          return this.token(Tok.Semi, p, p + 1, false);
      }
      if ((c === 43 || c === 45) && c2 === c) return this.token(Tok.Op, p, p + 2, true); // ++ --
      if (c2 === 61 /* = */ && '=!<>:+-*/%&|^'.includes(t[p]!)) return this.token(Tok.Op, p, p + 2, false);
      if (c === 61) return this.token(Tok.Assign, p, p + 1, false);
      return this.token(Tok.Op, p, p + 1, false);
    }
  }

  /**
   * Skips the bracket group whose opening bracket is the current token, without
   * tokenising it: only brackets, comments and literals matter inside a body or
   * a const/type group. Brackets must still balance and literals end; the
   * group's closing bracket becomes the current token. Returns its end.
   */
  skipBrackets(): number {
    const t = this.text;
    const stack: number[] = [CLOSER_CODE[this.bracket]!];
    let p = this.end;
    SPECIAL.lastIndex = p;
    while (stack.length > 0) {
      // test() rather than exec(): a body has a special character every few bytes, and exec allocates a match for each.
      if (!SPECIAL.test(t)) throw new Unsure('unbalanced');
      p = SPECIAL.lastIndex - 1;
      const c = t.charCodeAt(p);
      switch (c) {
        case 40 /* ( */:
          stack.push(41);
          p++;
          break;
        case 91 /* [ */:
          stack.push(93);
          p++;
          break;
        case 123 /* { */:
          stack.push(125);
          p++;
          break;
        case 41:
        case 93:
        case 125:
          if (stack.pop() !== c) throw new Unsure('mismatched bracket');
          p++;
          break;
        case 34 /* " */:
        case 39 /* ' */:
          p = this.quoted(p, c);
          break;
        case 96 /* ` */: {
          const e = t.indexOf('`', p + 1);
          if (e < 0) throw new Unsure('unterminated raw string');
          p = e + 1;
          break;
        }
        default: {
          // '/': a comment, or division.
          const c2 = t.charCodeAt(p + 1);
          if (c2 === 47) {
            let e = t.indexOf('\n', p);
            if (e < 0) e = t.length;
            this.onLineComment(p, e);
            p = e;
          } else if (c2 === 42) {
            const e = t.indexOf('*/', p + 2);
            if (e < 0) throw new Unsure('unterminated comment');
            p = e + 2;
          } else p++;
        }
      }
      SPECIAL.lastIndex = p;
    }
    this.bracket = t[p - 1]!;
    this.token(Tok.Close, p - 1, p, true);
    return p;
  }

  /** End of a "…" or '…' literal starting at p. */
  private quoted(p: number, quote: number): number {
    const t = this.text;
    for (let e = p + 1; e < t.length; e++) {
      const c = t.charCodeAt(e);
      if (c === quote) return e + 1;
      if (c === 92 /* \ */) e++;
      else if (c === 10) break;
    }
    throw new Unsure('unterminated literal');
  }
}

/** What matters inside a brace group: brackets, literal quotes, and '/' (comments). */
const SPECIAL = /[(){}[\]"'`/]/g;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

const CLOSER_CODE: Record<string, number> = { '(': 41, '[': 93, '{': 125 };

/** Skims a Go file; null when the file needs a real parser. */
export function skimGoFile(source: SourceText): ParsedGoFile | null {
  try {
    return skim(source);
  } catch (e) {
    if (e instanceof Unsure) return null;
    throw e;
  }
}

function skim(source: SourceText): ParsedGoFile {
  const text = source.text;
  const out = emptyParsedGoFile(source);
  let beforePackage = true;
  const lx = new Lexer(text, (start, end) => {
    if (beforePackage) readHeaderComment(text.slice(start, end).replace(/\r$/, ''), out);
    if (text.startsWith('//go:linkname', start)) addDirectiveComment(out, start, end);
  });

  /**
   * Consumes a balanced group whose opening token is current; returns the end
   * of its closing token. Braces are skipped by brackets alone; inside ( and [
   * (signatures, types, initialisers) a statement cannot end, so a newline
   * that would end one means the file needs the real parser.
   */
  const skipGroup = (): number => {
    if (lx.bracket === '{') return lx.skipBrackets();
    const stack = [lx.bracket];
    while (stack.length > 0) {
      const tok = lx.next();
      if (tok === Tok.EOF) throw new Unsure('unbalanced');
      if (tok === Tok.Open) {
        if (lx.bracket === '{') lx.skipBrackets();
        else stack.push(lx.bracket);
      } else if (tok === Tok.Close && CLOSER_CODE[stack.pop()!] !== lx.bracket.charCodeAt(0)) throw new Unsure('mismatched bracket');
      else if (tok === Tok.Semi) throw new Unsure('newline inside ( or [');
    }
    return lx.end;
  };
  const endOfDecl = (tok: Tok): void => {
    if (tok !== Tok.Semi && tok !== Tok.EOF) throw new Unsure('expected end of declaration');
  };

  for (let tok = lx.next(); tok !== Tok.EOF; tok = lx.next()) {
    if (tok === Tok.Semi) continue;
    if (tok !== Tok.Ident) throw new Unsure('unexpected token at top level');
    switch (lx.word) {
      case 'package':
        beforePackage = false;
        if (lx.next() !== Tok.Ident) throw new Unsure('package name');
        out.packageName ??= lx.word;
        endOfDecl(lx.next());
        break;
      case 'import':
        skimImport();
        break;
      case 'func':
        skimFunc(lx.start);
        break;
      case 'var': {
        const first = lx.next();
        if (lx.at(Tok.Open, '(')) {
          for (let t = lx.next(); !(lx.at(Tok.Close, ')')); t = lx.next()) {
            if (t === Tok.Semi) continue;
            if (t !== Tok.Ident) throw new Unsure('var spec');
            if (skimVarSpec(true)) break;
          }
          endOfDecl(lx.next());
        } else if (first === Tok.Ident) skimVarSpec(false);
        else throw new Unsure('var');
        break;
      }
      case 'const':
      case 'type':
        skipStatement();
        break;
      default:
        throw new Unsure('unexpected word at top level');
    }
  }
  return out;

  function skimImport(): void {
    const decl: ImportDecl = { start: lx.start, end: 0, grouped: false, specs: [] };
    let tok = lx.next();
    const spec = (): Tok => {
      const start = lx.start;
      let name: string | null = null;
      if (tok === Tok.Ident || (tok === Tok.Op && lx.word === '.')) {
        name = lx.word;
        tok = lx.next();
      }
      if (tok !== Tok.Lit) throw new Unsure('import path');
      addImportSpec(out, decl, { name, path: text.slice(lx.start + 1, lx.end - 1), start, end: lx.end });
      decl.end = lx.end;
      return lx.next();
    };
    if (lx.at(Tok.Open, '(')) {
      decl.grouped = true;
      for (tok = lx.next(); !(lx.at(Tok.Close, ')')); ) {
        if (tok === Tok.Semi) tok = lx.next();
        else tok = spec();
      }
      decl.end = lx.end;
      endOfDecl(lx.next());
    } else endOfDecl(spec());
    out.imports.push(decl);
  }

  function skimFunc(start: number): void {
    let tok = lx.next();
    let receiver: string | null = null;
    if (lx.at(Tok.Open, '(')) {
      const recvStart = lx.start;
      receiver = methodReceiver(text.slice(recvStart, skipGroup()));
      if (receiver === null) throw new Unsure('receiver');
      tok = lx.next();
    }
    if (tok !== Tok.Ident) throw new Unsure('func name');
    const name = receiver === null ? lx.word : `${receiver}.${lx.word}`;
    let lastEnd = lx.end;
    let prevWord = '';
    for (tok = lx.next(); ; tok = lx.next()) {
      if (tok === Tok.Semi || tok === Tok.EOF) {
        addDecl(out, { name, kind: 'func-bodyless', start, end: lastEnd, signatureEnd: lastEnd });
        return;
      }
      if (lx.at(Tok.Open, '{') && prevWord !== 'struct' && prevWord !== 'interface') {
        const signatureEnd = trimEnd(text, start, lx.start);
        const end = skipGroup();
        addDecl(out, { name, kind: 'func', start, end, signatureEnd });
        endOfDecl(lx.next());
        return;
      }
      if (tok === Tok.Open) {
        lastEnd = skipGroup();
        prevWord = '';
        continue;
      }
      if (tok === Tok.Close) throw new Unsure('unbalanced');
      prevWord = tok === Tok.Ident ? lx.word : '';
      lastEnd = lx.end;
    }
  }

  /** The current token is the spec's first name. Returns true when the spec ended at the block's `)`. */
  function skimVarSpec(inBlock: boolean): boolean {
    const start = lx.start;
    const names = [lx.word];
    let lastEnd = lx.end;
    let tok = lx.next();
    while (tok === Tok.Comma) {
      if (lx.next() !== Tok.Ident) throw new Unsure('var name');
      names.push(lx.word);
      lastEnd = lx.end;
      tok = lx.next();
    }
    let assignAt = -1;
    let closedBlock = false;
    for (; ; tok = lx.next()) {
      if (tok === Tok.Semi || tok === Tok.EOF) break;
      if (tok === Tok.Close) {
        if (inBlock && lx.bracket === ')') {
          closedBlock = true;
          break;
        }
        throw new Unsure('unbalanced');
      }
      if (tok === Tok.Assign && assignAt < 0) assignAt = lx.start;
      lastEnd = tok === Tok.Open ? skipGroup() : lx.end;
    }
    const kind = assignAt >= 0 ? 'var-initialized' : 'var';
    const signatureEnd = assignAt >= 0 ? trimEnd(text, start, assignAt) : lastEnd;
    for (const name of names) addDecl(out, { name, kind, start, end: lastEnd, signatureEnd });
    return closedBlock;
  }

  /** A const or type declaration: one statement, or a parenthesised group. */
  function skipStatement(): void {
    if (lx.next() === Tok.Open && lx.bracket === '(') {
      lx.skipBrackets();
      endOfDecl(lx.next());
      return;
    }
    for (let tok = lx.kind; ; tok = lx.next()) {
      if (tok === Tok.Semi || tok === Tok.EOF) return;
      if (tok === Tok.Open) skipGroup();
      else if (tok === Tok.Close) throw new Unsure('unbalanced');
    }
  }
}

// Go assembly (.s) files: TEXT definitions and `pkg·sym(SB)` references.
// Symbols use `·` for `.` and `∕` for `/`; a leading `·` means the file's own
// package. `sym<>` is a file-local static when the file defines it (TEXT, DATA
// or GLOBL): then it is neither a definition nor a reference. Any other
// `pkg·sym<>` names pkg's symbol, and is a reference: the linker binds it to
// the global symbol when that is one of its builtins (runtime·morestack_noctxt<>),
// and fails otherwise (relocation target not defined; measured with go1.22 to go1.27).

import { normaliseAsmSymbol } from './directive.js';
import { detach, type SourceText } from './source.js';

export interface AsmSymbolSite {
  /** Normalised symbol; starts with '.' when it names the file's own package. */
  symbol: string;
  start: number;
  end: number;
  line: number;
  abi: 'ABI0' | 'ABIInternal';
}

export interface ParsedAsmFile {
  source: SourceText;
  definitions: AsmSymbolSite[];
  /** References with a package qualifier or a leading `·` (C-style names are not collected). */
  references: AsmSymbolSite[];
  goBuild: string | null;
  plusBuild: string[];
}

// A reference is `sym<>?<ABIx>? [+-off] (SB)`, the symbol a run of characters
// other than the separators below that has a `·` before its last character.
// Every `(SB)` outside a comment is read backwards from there: this visits far
// fewer places than matching a symbol pattern at every offset.
const COMMENT_START_OR_SB = /\/[/*]|\(SB\)/g;
const SEPARATORS = new Set([...',$()*+-<>;/"\''].map((c) => c.charCodeAt(0)));
/** JavaScript's `\s`. */
const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const isSymbolChar = (c: number): boolean => !SEPARATORS.has(c) && !isSpace(c);
const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const OFFSET = /^(?:0x[0-9a-fA-F]+|\d+)$/;
const ABI_SUFFIX = /<(ABI\w+)>$/;
const TEXT_PREFIX = /^\s*TEXT\s+$/;
const STATIC_DEFINITION_PREFIX = /^\s*(?:TEXT|DATA|GLOBL)\s+$/;

export function parseAsmFile(source: SourceText): ParsedAsmFile {
  const text = source.text;
  const out: ParsedAsmFile = { source, definitions: [], references: [], goBuild: null, plusBuild: [] };
  readHeader(text, out);
  const pattern = new RegExp(COMMENT_START_OR_SB);
  // The file's own statics are known only at its end: a reference may come before the definition.
  const definedStatics = new Set<string>();
  const staticReferences = new Set<AsmSymbolSite>();
  // test() rather than exec(): no match object per comment and per (SB); the last character matched tells which it was.
  while (pattern.test(text)) {
    const after = pattern.lastIndex;
    const last = text.charCodeAt(after - 1);
    if (last !== 41 /* the ) of (SB) */) {
      // Skip the comment (an unterminated block comment runs to the end).
      const lineComment = last === 47; // the second / of //
      const end = lineComment ? text.indexOf('\n', after) : text.indexOf('*/', after);
      pattern.lastIndex = end < 0 ? text.length : lineComment ? end : end + 2;
      continue;
    }
    const sb = after - 4;
    const ref = referenceBefore(text, sb);
    if (!ref) continue;
    const lineStart = source.lineStart(ref.start);
    const site: AsmSymbolSite = {
      symbol: normaliseAsmSymbol(ref.symbol),
      start: ref.start,
      end: after,
      line: source.lineIndex(ref.start) + 1,
      abi: ref.abi === 'ABIInternal' ? 'ABIInternal' : 'ABI0',
    };
    const before = text.slice(lineStart, ref.start);
    if (ref.isStatic) {
      if (STATIC_DEFINITION_PREFIX.test(before)) definedStatics.add(site.symbol);
      else {
        staticReferences.add(site);
        out.references.push(site);
      }
      continue;
    }
    // The symbol right after TEXT is the one the line defines; any other is a reference.
    if (TEXT_PREFIX.test(before)) out.definitions.push(site);
    else out.references.push(site);
  }
  if (staticReferences.size > 0) out.references = out.references.filter((r) => !staticReferences.has(r) || !definedStatics.has(r.symbol));
  return out;
}

/** The package-qualified symbol whose `(SB)` starts at `sb`, and whether it is spelled as a static (`sym<>`); null for names without `·`. */
function referenceBefore(text: string, sb: number): { symbol: string; start: number; abi: string | null; isStatic: boolean } | null {
  const skipSpaceBack = (i: number): number => {
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    return i;
  };
  let end = skipSpaceBack(sb);
  // An offset: `+8`, `- 0x10`.
  let wordStart = end;
  while (wordStart > 0 && isWordChar(text.charCodeAt(wordStart - 1))) wordStart--;
  const sign = skipSpaceBack(wordStart) - 1;
  if (wordStart < end && OFFSET.test(text.slice(wordStart, end)) && (text[sign] === '+' || text[sign] === '-')) end = skipSpaceBack(sign);
  let abi: string | null = null;
  if (text[end - 1] === '>') {
    const m = ABI_SUFFIX.exec(text.slice(Math.max(0, text.lastIndexOf('<', end - 1)), end));
    if (m) {
      abi = m[1]!;
      end -= m[0].length;
    }
  }
  const isStatic = text.startsWith('<>', end - 2);
  if (isStatic) end -= 2;
  let start = end;
  while (start > 0 && isSymbolChar(text.charCodeAt(start - 1))) start--;
  const dot = text.indexOf('\u00b7', start);
  if (dot < 0 || dot >= end - 1) return null;
  return { symbol: detach(text.slice(start, end)), start, abi, isStatic };
}

/** Build constraints sit in the comment lines before the first line of code. */
function readHeader(text: string, out: ParsedAsmFile): void {
  for (const raw of text.split('\n', 64)) {
    const line = raw.trim();
    // Detached, as in goshared.ts: the constraint outlives the file's text.
    if (/^\/\/go:build(\s|$)/.test(line)) out.goBuild ??= detach(line.slice('//go:build'.length).trim());
    else if (/^\/\/\s*\+build(\s|$)/.test(line)) out.plusBuild.push(detach(line.replace(/^\/\/\s*\+build/, '').trim()));
    else if (line !== '' && !/^(\/\/|\/\*|\*)/.test(line)) return;
  }
}

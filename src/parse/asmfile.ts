// Go assembly (.s) files: TEXT definitions and `pkg·sym(SB)` references.
// Symbols use `·` for `.` and `∕` for `/`; a leading `·` means the file's own
// package, and `name<>` is a file-local static that never crosses packages.

import { normaliseAsmSymbol } from './directive.js';
import type { SourceText } from './source.js';

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

// One pass over the text: comments are matched (and skipped) before symbol references, so a
// reference inside a comment is never taken.
const COMMENT_OR_REF =
  /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|([^\s,$()*+\-<>;/"']*\u00b7[^\s,$()*+\-<>;/"']+)(<>)?(?:<(ABI\w+)>)?\s*(?:[+-]\s*(?:0x[0-9a-fA-F]+|\d+)\s*)?\(SB\)/gu;
const TEXT_PREFIX = /^\s*TEXT\s+$/;

export function parseAsmFile(source: SourceText): ParsedAsmFile {
  const text = source.text;
  const out: ParsedAsmFile = { source, definitions: [], references: [], goBuild: null, plusBuild: [] };
  readHeader(text, out);
  for (const m of text.matchAll(COMMENT_OR_REF)) {
    if (m[1] === undefined || m[2]) continue; // a comment, or a file-local `name<>` static
    const start = m.index;
    const lineStart = source.lineStart(start);
    const site: AsmSymbolSite = {
      symbol: normaliseAsmSymbol(m[1]),
      start,
      end: start + m[0].length,
      line: source.position(start).line,
      abi: m[3] === 'ABIInternal' ? 'ABIInternal' : 'ABI0',
    };
    // The symbol right after TEXT is the one the line defines; any other is a reference.
    if (TEXT_PREFIX.test(text.slice(lineStart, start))) out.definitions.push(site);
    else out.references.push(site);
  }
  return out;
}

/** Build constraints sit in the comment lines before the first line of code. */
function readHeader(text: string, out: ParsedAsmFile): void {
  for (const raw of text.split('\n', 64)) {
    const line = raw.trim();
    if (/^\/\/go:build(\s|$)/.test(line)) out.goBuild ??= line.slice('//go:build'.length).trim();
    else if (/^\/\/\s*\+build(\s|$)/.test(line)) out.plusBuild.push(line.replace(/^\/\/\s*\+build/, '').trim());
    else if (line !== '' && !/^(\/\/|\/\*|\*)/.test(line)) return;
  }
}

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

const SYMBOL_REF =
  /([^\s,$()*+\-<>;/"']*\u00b7[^\s,$()*+\-<>;/"']+)(<>)?(?:<(ABI\w+)>)?\s*(?:[+-]\s*(?:0x[0-9a-fA-F]+|\d+)\s*)?\(SB\)/gu;
const TEXT_LINE = /^\s*TEXT\s/;

export function parseAsmFile(source: SourceText): ParsedAsmFile {
  const out: ParsedAsmFile = { source, definitions: [], references: [], goBuild: null, plusBuild: [] };
  const code = blankComments(source.text);
  const lines = source.text.split('\n');
  let offset = 0;
  let inHeader = true;
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li]!;
    const line = code.slice(offset, offset + raw.length);
    if (inHeader) inHeader = readHeaderLine(raw.replace(/\r$/, ''), line, out);
    const isText = TEXT_LINE.test(line);
    let first = true;
    for (const m of line.matchAll(SYMBOL_REF)) {
      if (m[2]) continue;
      const start = offset + m.index!;
      const site: AsmSymbolSite = {
        symbol: normaliseAsmSymbol(m[1]!),
        start,
        end: start + m[0].length,
        line: li + 1,
        abi: m[3] === 'ABIInternal' ? 'ABIInternal' : 'ABI0',
      };
      if (isText && first) out.definitions.push(site);
      else out.references.push(site);
      first = false;
    }
    offset += raw.length + 1;
  }
  return out;
}

/** Header lines (before the first code line) may carry build constraints. Returns whether the header goes on. */
function readHeaderLine(raw: string, code: string, out: ParsedAsmFile): boolean {
  const trimmed = raw.trim();
  if (/^\/\/go:build(\s|$)/.test(trimmed)) out.goBuild ??= trimmed.slice('//go:build'.length).trim();
  else if (/^\/\/\s*\+build(\s|$)/.test(trimmed)) out.plusBuild.push(trimmed.replace(/^\/\/\s*\+build/, '').trim());
  return code.trim() === '';
}

/** Replaces comments with spaces (keeping newlines), so that indices still match the source. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

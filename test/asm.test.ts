// The assembly reader walks back from each `(SB)`. Its specification is the
// one regular expression below (a reference outside comments), which is slow
// but plain, with the rule for statics (`sym<>` the file defines on a TEXT,
// DATA or GLOBL line is file-local); the two must agree on every .s file of GOROOT.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseAsmFile } from '../src/parse/asmfile.js';
import { normaliseAsmSymbol } from '../src/parse/directive.js';
import { SourceText } from '../src/parse/source.js';
import { goroot } from './helpers.js';

const COMMENT_OR_REF =
  /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|([^\s,$()*+\-<>;/"']*\u00b7[^\s,$()*+\-<>;/"']+)(<>)?(?:<(ABI\w+)>)?\s*(?:[+-]\s*(?:0x[0-9a-fA-F]+|\d+)\s*)?\(SB\)/gu;

function bySpecification(source: SourceText): object[] {
  const text = source.text;
  const matches = [...text.matchAll(COMMENT_OR_REF)].filter((m) => m[1] !== undefined);
  const lineBefore = (at: number): string => text.slice(text.lastIndexOf('\n', at - 1) + 1, at);
  const isStatic = (m: RegExpExecArray): boolean => m[2] !== undefined;
  const definesStatic = (m: RegExpExecArray): boolean => isStatic(m) && /^\s*(TEXT|DATA|GLOBL)\s+$/.test(lineBefore(m.index));
  const fileLocal = new Set(matches.filter(definesStatic).map((m) => normaliseAsmSymbol(m[1]!)));
  return matches
    .filter((m) => !isStatic(m) || !fileLocal.has(normaliseAsmSymbol(m[1]!)))
    .map((m) => ({
      symbol: normaliseAsmSymbol(m[1]!),
      start: m.index,
      end: m.index + m[0].length,
      line: source.position(m.index).line,
      abi: m[3] === 'ABIInternal' ? 'ABIInternal' : 'ABI0',
    }));
}

function asmFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) asmFiles(path, out);
    else if (name.endsWith('.s')) out.push(path);
  }
  return out;
}

const tricky = [
  'TEXT ·f(SB),0,$0\n\tMOVQ a·b +8(SB), AX\n\tMOVQ c·d- 0x10 (SB), AX\n\tCALL e·f<ABIInternal>(SB)\n\tCALL g·h<><ABI0>(SB)\n',
  '\tCALL a·b+c·d(SB)\n\tCALL x·123(SB)\n\tCALL a·b+0x(SB)\n\tCALL ·(SB)\n\tCALL p·(SB)\n/* CALL q·r(SB)',
  '\tCALL a·b0x10(SB) // CALL s·t(SB)\n\tDATA $"http://x·y(SB)"\n\tCALL internal∕cpu·X86\u00a0(SB)\n',
  'TEXT ·s<>(SB),0,$0\n\tCALL ·s<>(SB)\n\tCALL runtime·morestack_noctxt<>(SB)\n\tMOVQ p·t<>+8(SB), AX\nDATA p·t<>+0(SB)/8, $1\nGLOBL p·t<>(SB), 8, $16\n\tCALL p·u<> (SB)\n',
];

// Measured with go1.22.12, go1.23.12 and go1.27.4: a `pkg·sym<>` the file does not define names pkg's symbol
// (`CALL runtime·morestack_noctxt<>(SB)` links; `CALL runtime·stopTheWorld<>(SB)` fails with `relocation
// target runtime.stopTheWorld not defined`, as does a reference the file defines only as `·stopTheWorld<>`
// in another package); one the file defines on a TEXT, DATA or GLOBL line stays in the file.
test.each([
  ['TEXT ·f(SB),0,$0\n\tCALL runtime·morestack_noctxt<>(SB)\n', ['runtime.morestack_noctxt']],
  ['TEXT ·f(SB),0,$0\n\tCALL runtime·stopTheWorld<><ABI0>(SB)\n', ['runtime.stopTheWorld']],
  ['TEXT ·f(SB),0,$0\n\tCALL runtime·helper<>(SB)\n\tRET\nTEXT runtime·helper<>(SB),0,$0\n\tRET\n', []],
  ['TEXT ·f(SB),0,$0\n\tMOVQ p·table<>+8(SB), AX\nDATA p·table<>+0(SB)/8, $1\nGLOBL p·table<>(SB), 8, $16\n', []],
  ['TEXT ·helper<>(SB),0,$0\n\tRET\nTEXT ·f(SB),0,$0\n\tCALL ·helper<>(SB)\n\tCALL runtime·helper<>(SB)\n', ['runtime.helper']],
])('static references in %j', (src, references) => {
  const parsed = parseAsmFile(SourceText.fromString(src));
  expect(parsed.references.map((r) => r.symbol)).toEqual(references);
  expect(parsed.definitions.map((d) => d.symbol)).toEqual(['.f']);
});

test.each(tricky)('agrees with the specification on %j', (src) => {
  const source = SourceText.fromString(src);
  const parsed = parseAsmFile(source);
  const sites = [...parsed.definitions, ...parsed.references].sort((a, b) => a.start - b.start);
  expect(sites.length).toBeGreaterThan(0);
  expect(sites).toEqual(bySpecification(source));
});

test('agrees with the specification on every .s file of GOROOT', () => {
  const files = asmFiles(join(goroot(), 'src'));
  const differ = files.filter((file) => {
    const source = SourceText.fromBytes(readFileSync(file));
    const parsed = parseAsmFile(source);
    const sites = [...parsed.definitions, ...parsed.references].sort((a, b) => a.start - b.start);
    return JSON.stringify(sites) !== JSON.stringify(bySpecification(source));
  });
  expect(files.length).toBeGreaterThan(400);
  expect(differ).toEqual([]);
});

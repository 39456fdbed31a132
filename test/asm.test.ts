// The assembly reader walks back from each `(SB)`. Its specification is the
// one regular expression below (a reference outside comments), which is slow
// but plain; the two must agree on every .s file of GOROOT.

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
  const sites: object[] = [];
  for (const m of source.text.matchAll(COMMENT_OR_REF)) {
    if (m[1] === undefined || m[2]) continue;
    const abi = m[3] === 'ABIInternal' ? 'ABIInternal' : 'ABI0';
    sites.push({ symbol: normaliseAsmSymbol(m[1]), start: m.index, end: m.index + m[0].length, line: source.position(m.index).line, abi });
  }
  return sites;
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
];

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

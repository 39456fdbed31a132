// Scanner and verdict defects found on public code (issue 11): each case is
// Go or assembly in, findings and verdicts out. The verdicts were measured
// with real builds (go1.22.12, go1.23.12, go1.27.4) before they were written here.

import { describe, expect, test } from 'vitest';
import { shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import { explain } from '../src/judge/explain.js';
import { judgeScan } from '../src/judge/judge.js';
import { scanSync } from '../src/scan/scan.js';
import { writeModule } from './helpers.js';

/** Writes a module example.com/m with the given files, scans and judges it for the given releases. */
async function scanModule(files: Record<string, string>, go: string) {
  const dir = writeModule({ 'go.mod': 'module example.com/m\n\ngo 1.21\n', ...files }, 'linkfix-defects-');
  return judgeScan(scanSync([dir], { base: dir }), { go, useLocalGo: false });
}

/** `target: 1.22 v1 · 1.23 v2 …` for every finding. */
const verdictLines = (findings: Awaited<ReturnType<typeof scanModule>>['findings']): string[] =>
  findings.map((f) => `${f.kind} ${f.target.raw}: ${(f.verdicts ?? []).map((v) => `${v.go} ${v.verdict}`).join(' · ')}`);

const asmReading = (symbol: string): Record<string, string> => ({
  'p/p.go': 'package p\n\nfunc load() uint32\n',
  'p/p_amd64.s': `#include "textflag.h"\n\nTEXT ·load(SB), NOSPLIT, $0-4\n\tMOVL runtime·${symbol}(SB), AX\n\tMOVL AX, ret+0(FP)\n\tRET\n`,
});

describe('an assembly reference to a std variable (data has no ABI)', () => {
  // Measured: writeBarrier links on all three; ncpu links on 1.22, is an invalid reference on 1.23
  // and is not defined on 1.27; zerobase links on 1.22 and is an invalid reference on 1.23 and 1.27.
  test.each([
    ['writeBarrier', 'asm-pull runtime.writeBarrier: 1.22 ok-unchecked · 1.23 ok-pushed · 1.27 ok-pushed'],
    ['ncpu', 'asm-pull runtime.ncpu: 1.22 ok-unchecked · 1.23 rejected · 1.27 missing'],
    ['zerobase', 'asm-pull runtime.zerobase: 1.22 ok-unchecked · 1.23 rejected · 1.27 rejected'],
  ])('MOVL runtime·%s(SB), AX', async (symbol, want) => {
    const result = await scanModule(asmReading(symbol), '1.22,1.23,1.27');
    expect(verdictLines(result.findings)).toEqual([want]);
  });
});

describe('duplicate //go:linkname only where one build compiles both files', () => {
  const pull = (constraint: string): string =>
    `${constraint}\n\npackage p\n\nimport _ "unsafe"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n`;
  test.each([
    // gc and gccgo never compile the same build.
    ['//go:build gccgo', '//go:build gc && go1.20', ['pull', 'pull']],
    ['//go:build gccgo', '//go:build !gccgo', ['pull', 'pull']],
    ['// +build gccgo', '//go:build gc', ['pull', 'pull']],
    // gc compiles both.
    ['//go:build gc', '//go:build go1.20', ['pull', 'invalid duplicate']],
    ['//go:build !gccgo', '', ['pull', 'invalid duplicate']],
  ])('%j and %j', async (first, second, want) => {
    const result = await scanModule({ 'p/a.go': pull(first), 'p/b.go': pull(second) }, '1.26');
    const kinds = result.findings.sort((x, y) => x.file.localeCompare(y.file)).map((f) => (f.kind === 'invalid' ? `invalid ${f.invalid}` : f.kind));
    expect(kinds).toEqual(want);
  });
});

describe('assembly references spelled as statics (pkg·sym<>)', () => {
  const asm = (body: string): Record<string, string> => ({
    'p/p.go': 'package p\n\nfunc f()\n',
    'p/p_amd64.s': `#include "textflag.h"\n\n${body}`,
  });
  test('one the file does not define is a reference to the global symbol (measured: links on 1.22, 1.23, 1.27)', async () => {
    const result = await scanModule(asm('TEXT ·f(SB), NOSPLIT, $0-0\n\tCALL runtime·morestack_noctxt<>(SB)\n\tRET\n'), '1.22,1.23,1.27');
    expect(verdictLines(result.findings)).toEqual(['asm-pull runtime.morestack_noctxt: 1.22 ok-unchecked · 1.23 ok-pushed · 1.27 ok-pushed']);
  });
  test('one the file defines stays in the file', async () => {
    const result = await scanModule(asm('TEXT runtime·helper<>(SB), NOSPLIT, $0-0\n\tRET\n\nTEXT ·f(SB), NOSPLIT, $0-0\n\tCALL runtime·helper<>(SB)\n\tRET\n'), '1.26');
    expect(result.findings).toEqual([]);
  });
});

describe('a pull of a std-looking symbol that the workspace pushes (timandy/routine)', () => {
  // Measured: links and runs on 1.22, 1.23, 1.26 and 1.27; the symbols are defined outside the std, which the linker does not check.
  test('is a handshake, judged like any symbol outside the standard library', async () => {
    const result = await scanModule(
      {
        'g/g.go': 'package g\n\nimport _ "unsafe"\n\n//go:linkname isNil routine.isNil\nfunc isNil(i any) bool { return i == nil }\n\n//go:linkname getgp runtime.getgp\nfunc getgp() int { return 42 }\n',
        'main.go': 'package main\n\nimport (\n\t_ "unsafe"\n\n\t_ "example.com/m/g"\n)\n\n//go:linkname isNil routine.isNil\nfunc isNil(i any) bool\n\n//go:linkname getgp runtime.getgp\nfunc getgp() int\n\nfunc main() { println(isNil(nil), getgp()) }\n',
      },
      '1.22,1.23,1.27',
    );
    const pulls = result.findings.filter((f) => f.file === 'main.go');
    expect(verdictLines(pulls)).toEqual([
      'handshake routine.isNil: 1.22 ok-unchecked · 1.23 ok-unchecked · 1.27 ok-unchecked',
      'handshake runtime.getgp: 1.22 ok-unchecked · 1.23 ok-unchecked · 1.27 ok-unchecked',
    ]);
    expect(pulls.map((f) => f.target.kind)).toEqual(['workspace', 'workspace']);
  });
});

describe('explain prints signatures that read as Go', () => {
  const catalogs = shippedReleases().map((r) => shippedCatalog(r));
  test('a struct var whose fields have comments: no comment runs into the fields after it', () => {
    const e = explain('runtime.writeBarrier', catalogs, 'linux/amd64');
    for (const r of e.releases) {
      expect(r.signature).toMatch(/^var writeBarrier struct \{.*\}$/);
      expect(r.signature).not.toContain('//');
    }
    // The fields changed in Go 1.22 (needed was removed): the comparison is on the catalog's text.
    expect(e.releases.filter((r) => r.signatureChanged).map((r) => r.go)).toEqual(['1.22']);
  });
  test('a signature without comments is printed as the catalog has it', () => {
    const e = explain('runtime.nanotime', catalogs, 'linux/amd64');
    expect(new Set(e.releases.map((r) => r.signature))).toEqual(new Set(['func nanotime() int64']));
  });
});

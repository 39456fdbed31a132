// The bookkeeping of `npm run corpus` (scripts/corpus.mjs): what it reads, how it
// decides which platform a changed file needs, and what counts as worse after a fix.
// The real run is `npm run corpus`; these cases pin its decisions without the network.
import { describe, expect, it } from 'vitest';

type Checks = Map<string, { ok: boolean; output: string }>;
interface Report {
  findings: Array<{ kind: string; verb: string; file: string; package: string | null; localName: string | null; target: { raw: string }; invalid?: string | null; verdicts?: Array<{ release: string; verdict: string }> }>;
}
interface CorpusScript {
  parseModules(text: string): Array<{ spec: string; module: string; version: string; platforms: string[] }>;
  buildExpression(text: string): string | null;
  crossPlatform(name: string, text: string): string | null;
  compareCounts(pinned: unknown, measured: unknown): string[];
  formatTable(table: Record<string, unknown>): string;
  newlyFailing(before: Report, after: Report, platform: string): string[];
  compareChecks(before: Checks, after: Checks): Array<{ pkg: string; toolchain: string; platform: string; check: string; output: string }>;
  checkSummary(before: Checks, after: Checks, toolchain: string, check: string): string;
  fixCounts(report: unknown): { safe: number; unsafe: number; manual: number };
  fixesIn(report: unknown, pkgDir: string, output?: string, work?: string): string[];
  satisfiable(name: string, text: string, oldest: number, newest: number): boolean;
  docEntries(text: string): Map<string, string>;
  compareDocs(before: Map<string, string>, after: Map<string, string>): string[];
  ruleCoverage(report: unknown, classOf: (symbol: string) => string | undefined): { classed: number; fixed: number; unfixed: Record<string, number> };
}
// A plain .mjs script: imported by a computed name so the type checker takes the interface above.
const scriptPath = '../scripts/corpus.mjs';
const corpus = (await import(scriptPath)) as CorpusScript;

describe('corpus/modules.txt lines', () => {
  it('reads module@version with --platform options, skipping comments', () => {
    expect(corpus.parseModules('# comment\n\ngolang.org/x/sys@v0.50.0 --platform windows/amd64 --platform darwin/arm64  # why\nexample.com/m/v2@v2.0.1\n')).toEqual([
      { spec: 'golang.org/x/sys@v0.50.0', module: 'golang.org/x/sys', version: 'v0.50.0', platforms: ['windows/amd64', 'darwin/arm64'] },
      { spec: 'example.com/m/v2@v2.0.1', module: 'example.com/m/v2', version: 'v2.0.1', platforms: [] },
    ]);
  });
  it.each([
    ['example.com/m', /expected module@version/],
    ['example.com/m@v1.0.0 --go 1.22', /unknown option --go 1.22/],
    ['example.com/m@v1.0.0 --platform', /unknown option --platform/],
  ])('rejects %j', (line, message) => {
    expect(() => corpus.parseModules(line)).toThrow(message);
  });
});

describe('the platform a changed file is cross-compiled for', () => {
  it.each([
    ['os_unsafe_linux_arm64.go', 'package cpuid\n', 'linux/arm64'],
    ['tun_windows.go', 'package tun\n', 'windows/amd64'],
    ['bits_arm64_test.go', 'package swiss\n', 'linux/arm64'],
    ['x_darwin.s', '#include "textflag.h"\n', 'darwin/arm64'],
    ['hwcap.go', '//go:build windows\n\npackage p\n', 'windows/amd64'],
    ['hwcap.go', '// +build darwin,!cgo\n\npackage p\n', 'darwin/arm64'],
    ['hwcap.go', '//go:build (linux && ppc64le) || aix\n\npackage p\n', 'linux/ppc64le'],
    ['hwcap.go', '//go:build !amd64 || nosimd\n\npackage p\n', 'linux/arm64'],
    ['x_ios.go', 'package p\n', 'ios/arm64'],
  ])('%s %j needs %s', (name, text, platform) => {
    expect(corpus.crossPlatform(name, text)).toBe(platform);
  });
  it.each([
    ['plain.go', 'package p\n', 'no constraint'],
    ['linux.go', 'package p\n', 'the part before the first _ is not a suffix'],
    ['bits_amd64.go', 'package p\n', 'the host builds it'],
    ['x.go', '//go:build !windows\n\npackage p\n', 'the host builds it'],
    ['x.go', '//go:build gccgo\n\npackage p\n', 'no platform named'],
    ['x.go', '//go:build linux && nosimd\n\npackage p\n', 'only a custom tag would compile it'],
    ['x.go', 'package p\n\n//go:build windows\n', 'a constraint after the package clause is a comment'],
  ])('%s %j needs no cross build (%s)', (name, text) => {
    expect(corpus.crossPlatform(name, text)).toBeNull();
  });
  it('folds // +build lines into one expression', () => {
    expect(corpus.buildExpression('// +build linux darwin\n// +build amd64,!purego\n\npackage p\n')).toBe('((linux) || (darwin)) && ((amd64 && !purego))');
  });
});

describe('pinned scan counts', () => {
  const measured = { kinds: { pull: 2, 'asm-pull': 1 }, varPulls: 0, verdicts: { 'linux/amd64': { 'go1.23.12': { 'ok-pushed': 2, rejected: 1 } } } };
  it('match when equal, absent cells counting as 0', () => {
    expect(corpus.compareCounts({ ...measured, kinds: { pull: 2, 'asm-pull': 1, invalid: 0 } }, measured)).toEqual([]);
  });
  it('name every cell that moved', () => {
    const pinned = { kinds: { pull: 3, 'asm-pull': 1 }, varPulls: 0, verdicts: { 'linux/amd64': { 'go1.23.12': { 'ok-pushed': 3 } } } };
    expect(corpus.compareCounts(pinned, measured)).toEqual([
      'kinds pull: pinned 3, measured 2',
      'verdicts linux/amd64 go1.23.12 ok-pushed: pinned 3, measured 2',
      'verdicts linux/amd64 go1.23.12 rejected: pinned 0, measured 1',
    ]);
  });
  it('a module missing from the table is a mismatch', () => {
    expect(corpus.compareCounts(undefined, measured)).toEqual(['not in the pinned table (run with --update and review the diff)']);
  });
  it('the table file reads back as written', () => {
    const table = { 'b.example/m@v1.0.0': measured, 'a.example/m@v0.1.0': { ...measured, verdicts: { ...measured.verdicts, 'windows/amd64': { 'go1.27.4': { missing: 1 } } } } };
    const text = corpus.formatTable(table);
    expect(JSON.parse(text)).toEqual(table);
    expect(text.indexOf('a.example')).toBeLessThan(text.indexOf('b.example'));
  });
});

describe('after the fix', () => {
  const pull = (file: string, verdicts: Array<[string, string]>) => ({
    kind: 'pull', verb: 'linkname', file, package: 'example.com/m', localName: 'fastrand', target: { raw: 'runtime.fastrand' },
    verdicts: verdicts.map(([release, verdict]) => ({ release, verdict })),
  });
  it('a pull moved to a guarded file that is not compiled on new releases fails nowhere new', () => {
    const before = { findings: [pull('a.go', [['go1.22.12', 'ok-unchecked'], ['go1.27.4', 'ok-pushed']])] };
    const after = { findings: [pull('a_fastrand_linkname.go', [['go1.22.12', 'ok-unchecked'], ['go1.27.4', 'not-compiled']])] };
    expect(corpus.newlyFailing(before, after, 'linux/amd64')).toEqual([]);
  });
  it('a verdict that turns to a failure, or a new invalid directive, is newly failing', () => {
    const before = { findings: [pull('a.go', [['go1.27.4', 'ok-pushed']])] };
    const after = { findings: [pull('a.go', [['go1.27.4', 'rejected']]), { ...pull('b.go', []), kind: 'invalid', invalid: 'duplicate' }] };
    expect(corpus.newlyFailing(before, after, 'windows/amd64')).toEqual([
      'windows/amd64: example.com/m fastrand runtime.fastrand: go1.27.4 rejected',
      'windows/amd64: example.com/m fastrand runtime.fastrand: invalid (duplicate)',
    ]);
  });
  const checks = (entries: Array<[string, boolean]>): Checks => new Map(entries.map(([k, ok]) => [k, { ok, output: ok ? '' : `${k} failed` }]));
  it('only a check that passed before and fails after is a regression', () => {
    const before = checks([['p|go1.26.11|linux/amd64|build', true], ['p|go1.26.11|linux/amd64|test', false], ['p|go1.27.4|windows/amd64|vet', true]]);
    const after = checks([['p|go1.26.11|linux/amd64|build', false], ['p|go1.26.11|linux/amd64|test', false], ['p|go1.27.4|windows/amd64|vet', true]]);
    expect(corpus.compareChecks(before, after)).toEqual([
      { pkg: 'p', toolchain: 'go1.26.11', platform: 'linux/amd64', check: 'build', output: 'p|go1.26.11|linux/amd64|build failed' },
    ]);
    expect(corpus.checkSummary(before, after, 'go1.26.11', 'build')).toBe('1→0/1');
    expect(corpus.checkSummary(before, after, 'go1.26.11', 'test')).toBe('0→0/1');
    expect(corpus.checkSummary(before, after, 'go1.27.4', 'test')).toBe('-');
  });
  it('counts each diagnostic by the fix applied to it, manual when none was', () => {
    const fix = (applicability: string, applied: boolean) => ({ applicability, applied, edits: [], files: [] });
    expect(corpus.fixCounts({ diagnostics: [{ fixes: [fix('safe', true)] }, { fixes: [fix('unsafe', false)] }, { fixes: [] }, { fixes: [fix('safe', false), fix('unsafe', true)] }] }))
      .toEqual({ safe: 1, unsafe: 1, manual: 2 });
  });
  it('blames the fixes of the package, and of the packages the error points at', () => {
    const fix = (file: string, message: string) => ({ file, span: { start: { line: 3 } }, fixes: [{ applicability: 'unsafe', applied: true, message, edits: [{ file }], files: [] }] });
    const report = { diagnostics: [fix('pkg/sync/r.go', 'fastrand'), fix('pkg/gohacks/l.go', 'nanotime'), fix('other/o.go', 'memhash')] };
    expect(corpus.fixesIn(report, 'pkg/sync', '# gvisor.dev/gvisor/pkg/gohacks\npkg/gohacks/l.go:51:6: can only use //go:noescape', '/w'))
      .toEqual(['pkg/sync/r.go:3: unsafe: fastrand', 'pkg/gohacks/l.go:3: unsafe: nanotime']);
    expect(corpus.fixesIn(report, 'other', '    /w/other/o_test.go:63')).toEqual(['other/o.go:3: unsafe: memhash']);
  });
});

describe('a created file compiles somewhere', () => {
  it.each([
    ['p_linkname.go', '//go:build !go1.23\n\npackage p\n', 21, 27, true],
    ['p_linkname.go', '//go:build !go1.22 && go1.23\n\npackage p\n', 21, 27, false],
    ['p_linkname.go', '//go:build !go1.23\n\npackage p\n', 23, 27, false],
    ['p_linkname.go', '//go:build purego && !go1.23\n\npackage p\n', 21, 27, true],
    ['p_linkname.go', '//go:build cgo && windows\n\npackage p\n', 21, 27, true],
    ['p_linkname_linux.go', '//go:build windows\n\npackage p\n', 21, 27, false],
    ['p_fixed_arm64.go', 'package p\n', 21, 27, true],
  ])('%s %j with go1.%i to go1.%i: %s', (name, text, oldest, newest, want) => {
    expect(corpus.satisfiable(name, text, oldest, newest)).toBe(want);
  });
});

describe('go doc -all before and after', () => {
  const doc = [
    'package p // import "example.com/p"',
    '',
    'Package p does things.',
    '',
    'VARIABLES',
    '',
    'var (',
    '\tA    = 1',
    '\tB, C = 2, 3',
    ')',
    '    A group.',
    '',
    'FUNCTIONS',
    '',
    'func Fastrandn(n uint32) uint32',
    '    Fastrandn returns a pseudorandom uint32 in [0,n).',
    '',
    'TYPES',
    '',
    'type T struct{ A int }',
    '',
    'func (t *T) M(a, b int) (int, error)',
    '    M is a method.',
    '',
    '    Second paragraph.',
    '',
  ].join('\n');
  it('reads one entry per exported name with its doc text', () => {
    expect([...corpus.docEntries(doc)]).toEqual([
      ['package', 'Package p does things.'],
      ['var A', 'A group.'],
      ['var B', 'A group.'],
      ['var C', 'A group.'],
      ['Fastrandn', 'Fastrandn returns a pseudorandom uint32 in [0,n).'],
      ['type T', ''],
      ['(*T).M', 'M is a method.\n\nSecond paragraph.'],
    ]);
  });
  it('reports a doc comment left behind, a name gone and a name new; parameter names may change', () => {
    const before = corpus.docEntries(doc);
    const renamed = doc.replace('func Fastrandn(n uint32) uint32', 'func Fastrandn(x uint32) uint32');
    expect(corpus.compareDocs(before, corpus.docEntries(renamed))).toEqual([]);
    const leftBehind = doc.replace('    Fastrandn returns a pseudorandom uint32 in [0,n).\n', '').replace('type T struct{ A int }\n', 'type T struct{ A int }\n    Fastrandn returns a pseudorandom uint32 in [0,n).\n');
    expect(corpus.compareDocs(before, corpus.docEntries(leftBehind))).toEqual([
      'Fastrandn: its doc comment changed:\nFastrandn returns a pseudorandom uint32 in [0,n).\n→\n',
      'type T: its doc comment changed:\n\n→\nFastrandn returns a pseudorandom uint32 in [0,n).',
    ]);
    const swapped = doc.replace('func (t *T) M(a, b int) (int, error)', 'func (t *T) MStart(a, b int) (int, error)');
    expect(corpus.compareDocs(before, corpus.docEntries(swapped))).toEqual(['(*T).M is gone from go doc', '(*T).MStart is new in go doc (nothing may be newly exported)']);
  });
});

describe('rule coverage', () => {
  const site = (raw: string, applied: boolean, file = 'p.go'): unknown => ({ file, target: { raw }, fixes: applied ? [{ applied: true }] : [] });
  it('counts the Go pull sites (not assembly) whose symbol has a public replacement, and which of them got a fix', () => {
    const classes: Record<string, string> = { 'runtime.fastrandn': 'adapter', 'runtime.nanotime': 'semantic-difference', 'runtime.procPin': 'none', 'runtime.memmove': 'adapter' };
    const report = { diagnostics: [site('runtime.fastrandn', true), site('runtime.nanotime', false), site('runtime.nanotime', false), site('runtime.procPin', false), site('dlopen', false), site('runtime.memmove', false, 'copy_amd64.s')] };
    expect(corpus.ruleCoverage(report, (s) => classes[s])).toEqual({ classed: 3, fixed: 1, unfixed: { 'runtime.nanotime (semantic-difference)': 2 } });
  });
});

// Table-driven specs of the small pure pieces: directive text, symbol
// splitting, build constraints, source positions, go.mod and go.work.

import { describe, expect, test } from 'vitest';
import { isWellFormed, normaliseAsmSymbol, parseDirectiveComment, splitSymbol } from '../src/parse/directive.js';
import {
  constraintMatches,
  constraintsOverlap,
  fileNameConstraint,
  evalBuildExpr,
  parseBuildExpr,
  plusBuildToExpr,
} from '../src/model/constraint.js';
import { SourceText } from '../src/parse/source.js';
import { parseGoMod, parseGoWork } from '../src/model/gomod.js';
import { parseAsmFile } from '../src/parse/asmfile.js';
import type { FileConstraint } from '../src/model/types.js';
import { scanToJson } from '../src/report/json.js';
import { scanSync } from '../src/scan/scan.js';
import { mayDeclare as declarationTest } from '../src/model/packages.js';
import { signatureDrifts } from '../src/judge/shape.js';

describe('directive text (cmd/compile noder rules)', () => {
  test.each([
    ['//go:linkname a runtime.b', { verb: 'linkname', args: ['a', 'runtime.b'] }, true],
    ['//go:linkname a', { verb: 'linkname', args: ['a'] }, true],
    ['//go:linknamestd a runtime.b', { verb: 'linknamestd', args: ['a', 'runtime.b'] }, true],
    ['//go:linkname  a \t runtime.b  ', { verb: 'linkname', args: ['a', 'runtime.b'] }, true],
    ['//go:linkname a b c', { verb: 'linkname', args: ['a', 'b', 'c'] }, false],
    ['//go:linkname ', { verb: 'linkname', args: [] }, false],
    ['//go:linkname\ta b', null, false],
    ['//go:linkname', null, false],
    ['// go:linkname a b', null, false],
    ['//go:linknamex a b', null, false],
  ] as const)('%j', (comment, parsed, wellFormed) => {
    const d = parseDirectiveComment(comment);
    expect(d).toEqual(parsed);
    if (d) expect(isWellFormed(d)).toBe(wellFormed);
  });
});

describe('splitting a linker symbol at the last path element', () => {
  test.each([
    ['runtime.fastrand', 'runtime', 'fastrand'],
    ['reflect.(*rtype).Name', 'reflect', '(*rtype).Name'],
    ['net/http.(*Transport).RoundTrip', 'net/http', '(*Transport).RoundTrip'],
    ['github.com/a/b/v2.sym', 'github.com/a/b/v2', 'sym'],
    ['gopkg.in/yaml%2ev3.secret', 'gopkg.in/yaml.v3', 'secret'],
    ['example.com/x.F[int]', 'example.com/x', 'F[int]'],
    ['vendor/golang.org/x/net/dns/dnsmessage.x', 'vendor/golang.org/x/net/dns/dnsmessage', 'x'],
  ])('%s → %s + %s', (raw, importPath, symbol) => {
    expect(splitSymbol(raw)).toEqual({ importPath, symbol });
  });

  test.each(['environ', 'crosscall2', '_cgo_topofstack'])('%s has no package (a C symbol)', (raw) => {
    expect(splitSymbol(raw)).toBeNull();
  });

  test('assembly spelling', () => {
    expect(normaliseAsmSymbol('internal∕bytealg·IndexByte')).toBe('internal/bytealg.IndexByte');
  });
});

describe('assembly references', () => {
  const src = [
    '//go:build amd64',
    '#include "textflag.h"',
    'TEXT ·f(SB), NOSPLIT, $0-8 // CALL runtime·commented(SB)',
    '\tCALL runtime·nanotime(SB)',
    '\tMOVQ $runtime·tls_g+8(SB), AX',
    '\tLEAQ internal∕cpu·X86(SB), BX',
    '\tCALL local<>(SB)',
    '\tCALL ·own(SB)',
    '\tCALL crosscall2(SB)',
    '/* JMP runtime·inblock(SB) */',
    'TEXT runtime·defined<ABIInternal>(SB), NOSPLIT, $0',
  ].join('\n');
  const parsed = parseAsmFile(SourceText.fromString(src));

  test('references: package-qualified or own-package, not statics, comments or C names', () => {
    expect(parsed.references.map((r) => [r.symbol, r.line])).toEqual([
      ['runtime.nanotime', 4],
      ['runtime.tls_g', 5],
      ['internal/cpu.X86', 6],
      ['.own', 8],
    ]);
  });

  test('TEXT definitions with their ABI, and the build constraint', () => {
    expect(parsed.definitions.map((d) => [d.symbol, d.abi])).toEqual([
      ['.f', 'ABI0'],
      ['runtime.defined', 'ABIInternal'],
    ]);
    expect(parsed.goBuild).toBe('amd64');
  });
});

describe('build constraints', () => {
  test.each([
    ['x.go', { goos: null, goarch: null, test: false }],
    ['x_linux.go', { goos: 'linux', goarch: null, test: false }],
    ['x_linux_arm64.s', { goos: 'linux', goarch: 'arm64', test: false }],
    ['x_amd64_test.go', { goos: null, goarch: 'amd64', test: true }],
    ['linux.go', { goos: null, goarch: null, test: false }],
    ['x_foo_bar.go', { goos: null, goarch: null, test: false }],
  ])('file name %s', (name, expected) => {
    expect(fileNameConstraint(name)).toEqual(expected);
  });

  test.each([
    ['linux && (amd64 || arm64)', ['linux', 'arm64'], true],
    ['linux && (amd64 || arm64)', ['darwin', 'arm64'], false],
    ['!windows', ['linux'], true],
    ['a || b && c', ['a'], true],
    ['(a || b) && c', ['a'], false],
    ['!(a || b)', [], true],
  ] as const)('%s with %j → %s', (src, tags, expected) => {
    expect(evalBuildExpr(parseBuildExpr(src), (t) => (tags as readonly string[]).includes(t))).toBe(expected);
  });

  test.each(['linux &&', '(a', 'a b', '&& a'])('rejects %j', (src) => {
    expect(() => parseBuildExpr(src)).toThrow(/build constraint/);
  });

  test('+build lines', () => {
    expect(plusBuildToExpr(['linux,amd64 darwin', '!cgo'])).toBe('((linux && amd64) || darwin) && !cgo');
  });

  const c = (expression: string | null, goos: string | null = null, goarch: string | null = null): FileConstraint => ({
    expression,
    goos,
    goarch,
    test: false,
  });
  const linuxAmd64 = { goos: 'linux', goarch: 'amd64', goMinor: 26, tags: new Set<string>() };
  test.each([
    [c('unix'), true],
    [c('!go1.23'), false],
    [c('go1.22'), true],
    [c(null, 'darwin'), false],
    [c(null, null, 'amd64'), true],
    [c('android'), false],
  ])('%j matches linux/amd64 go1.26: %s', (constraint, expected) => {
    expect(constraintMatches(constraint, linuxAmd64)).toBe(expected);
  });

  test.each([
    [c(null, 'linux'), c(null, 'darwin'), false],
    [c('unix'), c(null, null, 'wasm'), false], // no unix port runs wasm
    [c('unix'), c(null, 'linux'), true],
    [c('go1.22'), c('!go1.22'), false],
    [c('go1.22'), c('!go1.23'), true],
    [c('cgo'), c('!cgo'), false],
    [c(null), c('anything'), true],
  ])('overlap %j %j → %s', (a, b, expected) => {
    expect(constraintsOverlap(a, b)).toBe(expected);
  });
});

describe('source positions (UTF-8 byte columns, as go/token)', () => {
  test('ASCII, CRLF, BOM and multi-byte text', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('package p // é\r\nvar x = "ü" // y\r\n')]);
    const s = SourceText.fromBytes(bytes);
    expect(s.text.startsWith('package')).toBe(true);
    expect(s.crlf).toBe(true);
    const idx = s.text.indexOf('// y');
    const pos = s.position(idx);
    expect(bytes.subarray(pos.offset, pos.offset + 4).toString()).toBe('// y');
    expect(pos).toEqual({ line: 2, column: 14, offset: pos.offset });
    expect(s.position(0)).toEqual({ line: 1, column: 4, offset: 3 });
  });

  test('the line of the first invalid byte', () => {
    const s = SourceText.fromBytes(Buffer.concat([Buffer.from('a\nb\n'), Buffer.from([0xc3, 0x28])]));
    expect(s.invalidUtf8Line).toBe(3);
  });
});

describe('go.mod and go.work', () => {
  test('module, go, toolchain; quoted module path; blocks and comments', () => {
    expect(parseGoMod('// c\nmodule "example.com/m" // x\n\ngo 1.22.3\ntoolchain go1.23.1\nrequire (\n\tx.y/z v1.0.0\n)\n')).toEqual({
      module: 'example.com/m',
      go: '1.22.3',
      toolchain: 'go1.23.1',
    });
  });

  test.each([
    ['module a\nfoo bar\n', 2, /unknown directive: foo/],
    ['go 1.22\n', 1, /no module declaration/],
    ['module a\ngo one\n', 2, /invalid go version/],
    ['module a\nrequire (\n x v1\n', 2, /unterminated require block/],
  ])('%j fails at line %d', (text, line, message) => {
    expect(() => parseGoMod(text)).toThrow(message);
    try {
      parseGoMod(text);
    } catch (e) {
      expect((e as { line: number }).line).toBe(line);
    }
  });

  test('go.work use lines', () => {
    expect(parseGoWork('go 1.22\n\nuse (\n\t./a\n\t./b\n)\nuse ./c\n').use).toEqual(['./a', './b', './c']);
  });
});

describe('signature drift compares argument and result layouts, not type spellings', () => {
  test.each([
    ['func gcount() int32', 'func gcount(includeSys bool) int32', true],
    ['func gcount(b bool) int32', 'func gcount(includeSys bool) int32', false],
    ['func unsafe_New(t unsafe.Pointer) unsafe.Pointer', 'func unsafe_New(*abi.Type) unsafe.Pointer', false],
    ['func rtypeName(t unsafe.Pointer) string', 'func (t *rtype) Name() string', false],
    ['func f(a, b int) (int, error)', 'func f(x int, y int) (n int, err error)', false],
    ['func f() uint32', 'func f() uint64', true],
    ['func f(s string)', 'func f(p unsafe.Pointer)', true],
    ['func f(m hmap)', 'func f(m *maps.Map)', false], // a named type's layout is unknown: no claim
    ['func F[T any](x T) T', 'func F(x int) int', false],
    ['var ncpu int32', 'var ncpu int32', false],
    ['var ncpu int64', 'var ncpu int32', true],
    ['var safeSet [128]bool', 'var safeSet', false],
  ])('%s vs %s → %s', (local, std, drifts) => {
    expect(signatureDrifts(local, std)).toBe(drifts);
  });
});

describe('byte offsets back to UTF-16 indices', () => {
  test.each([
    ['ascii', Buffer.from('package p\nvar x = 1\n')],
    ['BOM and multi-byte', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('package p // é\nvar s = "𝄞ü" // y\n')])],
  ])('%s: indexAtOffset inverts position().offset', (_, bytes) => {
    const s = SourceText.fromBytes(bytes);
    for (let i = 0; i <= s.text.length; i++) {
      if (i > 0 && s.text.charCodeAt(i - 1) >= 0xd800 && s.text.charCodeAt(i - 1) < 0xdc00) continue; // inside a surrogate pair
      expect(s.indexAtOffset(s.position(i).offset)).toBe(i);
    }
  });
});

describe('the JSON report in chunks', () => {
  test.each([['fixtures/scan'], ['fixtures/invalid'], ['fixtures/empty']])('%s: the chunks are exactly JSON.stringify(report, null, 2)', (dir) => {
    const result = scanSync([dir]);
    const text = scanToJson(result);
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  });
  test.each([255, 256, 257, 600])('%i findings: batches join into the same text', (n) => {
    const result = scanSync(['fixtures/scan']);
    const findings = Array.from({ length: n }, (_, i) => result.findings[i % result.findings.length]!);
    const text = scanToJson({ ...result, findings });
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(JSON.parse(text).findings).toHaveLength(n);
  });
});

const mayDeclare = (src: string, name: string): boolean => declarationTest([name])(Buffer.from(src).toString('latin1')).includes(name);

describe('which files can declare a name (the rest of a package is not parsed for it)', () => {
  test.each([
    ['func f() {}', true],
    ['func\tf[T any]() {}', true],
    ['var f int', true],
    ['var (\n\tf int\n)', true],
    ['var (a int; f int)', true],
    ['var a, f int', true],
    ['var a, /* c */ f int', true],
    ['var(f int)', true],
    ['func (r T) g() { x.f() }', false],
    ['func g() { ff(); fx := 1 }', false],
    ['const name = "f!"', false],
    ['type T struct{ a, f int }', true], // a superset: the parser decides
  ])('%j → %s', (src, expected) => {
    expect(mayDeclare(`package p\n\n${src}\n`, 'f')).toBe(expected);
  });
  test('a name that is not ASCII', () => {
    expect(mayDeclare('package p\nvar größe int\n', 'größe')).toBe(true);
    expect(mayDeclare('package p\nvar x = größeX\n', 'größe')).toBe(false);
  });
  test('one test finds every name a file may declare', () => {
    const test = declarationTest(['f', 'g', 'h', 'k', 'x']);
    expect(test('package p\nfunc f() {}\nvar (\n\tg, h int\n)\n').sort()).toEqual(['f', 'g', 'h']);
    expect(test('package p\nfunc k() { f(); g = 1 }\n').sort()).toEqual(['g', 'k']);
  });
});

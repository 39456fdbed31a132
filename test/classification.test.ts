// The fixtures carry their own specification: a `// want: <kind> <target>`
// line above each directive. This test holds the scanner to it, and compares
// the whole JSON report with a reviewed golden file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scanSync } from '../src/scan/scan.js';
import type { Finding } from '../src/model/types.js';
import { FIXTURES, ROOT, listFiles } from './helpers.js';

interface Want {
  file: string;
  /** Line of the directive the annotation describes. */
  line: number;
  spec: string;
}

/** Annotations in every fixture file; a `want` describes the next line (`none`: nothing within the next lines). */
function collectWants(): Want[] {
  const wants: Want[] = [];
  for (const file of listFiles(FIXTURES)) {
    if (!/\.(go|s)$/.test(file)) continue;
    const lines = readFileSync(join(ROOT, file), 'latin1').split(/\r?\n/);
    lines.forEach((text, i) => {
      const m = /^\s*\/\/ want: (.*)$/.exec(text);
      if (m) wants.push({ file, line: i + 2, spec: m[1]!.trim() });
    });
  }
  return wants;
}

/** Directories the go command (and so linkfix, by default) never treats as packages of the module. */
const SKIPPED_BY_DEFAULT = /\/(vendor|testdata|_skipped|\.hidden)\//;
/** Every fixture module: the annotations in all of them must hold. */
const ROOTS = ['fixtures/scan', 'fixtures/workspace', 'fixtures/invalid', 'fixtures/badmod', 'fixtures/oracle'];

function specOf(f: Finding): string {
  if (f.kind === 'invalid') return `invalid ${f.invalid}`;
  return `${f.kind} ${f.target.kind}`;
}

describe('fixture annotations', () => {
  const result = scanSync(ROOTS.map((r) => join(ROOT, r)), { base: ROOT });
  const wants = collectWants();
  const byPlace = new Map(result.findings.map((f) => [`${f.file}:${f.span.start.line}`, f]));

  const directiveWants = wants.filter((w) => w.spec !== 'none' && !SKIPPED_BY_DEFAULT.test(w.file));
  test.each(directiveWants.map((w) => [`${w.file}:${w.line}`, w.spec] as const))('%s is %s', (place, spec) => {
    const finding = byPlace.get(place);
    expect(finding, `no finding at ${place}`).toBeDefined();
    expect(specOf(finding!)).toBe(spec);
  });

  test.each(wants.filter((w) => w.spec === 'none').map((w) => [`${w.file}:${w.line}`, w] as const))(
    '%s is not a directive',
    (_, w) => {
      const near = result.findings.filter((f) => f.file === w.file && f.span.start.line >= w.line && f.span.start.line <= w.line + 2);
      expect(near).toEqual([]);
    },
  );

  test('every finding is annotated', () => {
    const annotated = new Set(directiveWants.map((w) => `${w.file}:${w.line}`));
    const unannotated = result.findings.map((f) => `${f.file}:${f.span.start.line}`).filter((p) => !annotated.has(p));
    expect(unannotated).toEqual([]);
  });

  test('vendor/, testdata/, _ and . directories are skipped by default', () => {
    expect(result.findings.filter((f) => SKIPPED_BY_DEFAULT.test(`/${f.file}`))).toEqual([]);
  });

  test('--include-vendor and --include-testdata bring those back (never _ or . dirs)', () => {
    const all = scanSync([join(ROOT, 'fixtures/scan')], { base: ROOT, includeVendor: true, includeTestdata: true });
    const files = new Set(all.findings.map((f) => f.file));
    expect(files).toContain('fixtures/scan/vendor/example.com/vendored/v.go');
    expect(files).toContain('fixtures/scan/testdata/t.go');
    expect([...files].filter((f) => /\/(_skipped|\.hidden)\//.test(f))).toEqual([]);
  });
});

describe('details the JSON report carries', () => {
  const result = scanSync([join(ROOT, 'fixtures/scan')], { base: ROOT });
  const find = (file: string, local: string): Finding => {
    const f = result.findings.find((x) => x.file.endsWith(file) && x.localName === local);
    if (!f) throw new Error(`no finding for ${local} in ${file}`);
    return f;
  };

  test.each([
    ['stdfunc/stdfunc.go', 'fastrand', 'func-bodyless', 'func fastrand() uint32'],
    ['stdvar/stdvar.go', 'ncpu', 'var', 'var ncpu int32'],
    ['stdvar/stdvar.go', 'safeSet', 'var', 'var safeSet [utf8.RuneSelf]bool'],
    ['export/export.go', 'helper', 'func', 'func helper() int'],
    ['otherfile/directive.go', 'nanotime', 'func-bodyless', 'func nanotime() int64'],
  ])('%s: %s is a %s declared as `%s`', (file, local, kind, signature) => {
    const f = find(file, local);
    expect(f.declaration?.kind).toBe(kind);
    expect(f.declaration?.signature).toBe(signature);
  });

  test('a directive in one file resolves a declaration in another', () => {
    expect(find('otherfile/directive.go', 'nanotime').declaration?.file).toBe('fixtures/scan/otherfile/decl.go');
  });

  test('method targets and dotted import paths split at the last path element', () => {
    expect(find('method/method.go', 'rtypeName').target).toMatchObject({ importPath: 'reflect', symbol: '(*rtype).Name' });
    expect(find('external/external.go', 'hidden').target).toMatchObject({ importPath: 'github.com/some/dep/v2', symbol: 'hidden' });
    expect(find('dottedpath/dottedpath.go', 'cpuid').target).toMatchObject({ importPath: 'golang.org/x/sys/cpu', symbol: 'cpuid' });
  });

  test('build constraints are kept as data', () => {
    expect(find('buildtag/pull_linux.go', 'nanotime').constraint).toEqual({ expression: 'linux', goos: 'linux', goarch: null, test: false });
    expect(find('buildtag/pull_amd64.go', 'fastrand').constraint).toEqual({ expression: null, goos: null, goarch: 'amd64', test: false });
  });

  test('generated files are marked', () => {
    expect(find('generated/generated.go', 'fastrand').generated).toBe(true);
    expect(find('stdfunc/stdfunc.go', 'fastrand').generated).toBe(false);
  });

  test('BOM and CRLF files report byte-exact positions', () => {
    for (const [file, local] of [['bom/bom.go', 'fastrand'], ['crlf/crlf.go', 'nanotime']] as const) {
      const f = find(file, local);
      const bytes = readFileSync(join(ROOT, f.file));
      const text = bytes.subarray(f.span.start.offset, f.span.end.offset).toString('utf8');
      expect(text).toBe(`//go:linkname ${local} runtime.${local}`);
    }
  });

  test('asm references and TEXT definitions', () => {
    const asm = result.findings.filter((f) => f.kind === 'asm-pull').map((f) => [f.target.raw, f.span.start.line]);
    expect(asm).toEqual([['runtime.nanotime', 6], ['runtime.gcount', 14]]);
    expect(result.asmDefinitions.map((d) => d.symbol)).toEqual(['example.com/scan/asm.callNanotime', 'example.com/scan/asm.callGcount']);
  });

  test('modules: path, go directive, workspace', () => {
    const ws = scanSync([join(ROOT, 'fixtures/workspace')], { base: ROOT });
    expect(ws.modules).toEqual([
      { dir: 'fixtures/workspace/a', path: 'example.com/wsa', goVersion: '1.22', toolchain: null, workspace: 'fixtures/workspace/go.work' },
      { dir: 'fixtures/workspace/b', path: 'example.com/wsb', goVersion: '1.22', toolchain: null, workspace: 'fixtures/workspace/go.work' },
    ]);
  });
});

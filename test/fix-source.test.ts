// fixSource: the engine on one source in memory. Table-driven: input Go →
// expected output; and no file is read or written while it runs.

import * as fs from 'node:fs';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import type { Catalog } from '../src/catalog/types.js';
import { fixSource } from '../src/fix/fix-source.js';

/** While `guard.on`, any file-system access from linkfix throws. */
const guard = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const trap = <T extends (...a: never[]) => unknown>(fn: T): T =>
    ((...args: Parameters<T>) => {
      if (guard.on) throw new Error(`file system touched: ${String(args[0])}`);
      return fn(...args);
    }) as T;
  return { ...real, readFileSync: trap(real.readFileSync), readdirSync: trap(real.readdirSync), existsSync: trap(real.existsSync), writeFileSync: trap(real.writeFileSync), statSync: trap(real.statSync) };
});

let catalogs: Catalog[];
beforeAll(() => {
  catalogs = shippedReleases().map((r) => shippedCatalog(r));
});

function fixed(source: string, options: Parameters<typeof fixSource>[1] = {}): ReturnType<typeof fixSource> {
  guard.on = true;
  try {
    return fixSource(source, { catalogs, goVersion: '1.22', ...options });
  } finally {
    guard.on = false;
  }
}

const head = 'package p\n\nimport _ "unsafe"\n\n';

describe('fixSource', () => {
  test.each([
    [
      'a legacy random function becomes math/rand/v2',
      `${head}//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n`,
      'package p\n\nimport "math/rand/v2"\n\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n',
    ],
    [
      'an exported std function is called',
      `${head}//go:linkname toUpper strings.ToUpper\nfunc toUpper(s string) string\n`,
      'package p\n\nimport "strings"\n\nfunc toUpper(s string) string {\n\treturn strings.ToUpper(s)\n}\n',
    ],
    // A method is no exported function, whatever its type's name: `time.Time.abs(t)` would not compile.
    ['a method of an exported type is not called as if exported', `package p\n\nimport (\n\t"time"\n\t_ "unsafe"\n)\n\n//go:linkname timeAbs time.Time.abs\nfunc timeAbs(t time.Time) uint64\n`, null],
    ['an exported method is not called either', `package p\n\nimport (\n\t"reflect"\n\t_ "unsafe"\n)\n\n//go:linkname valuePointer reflect.Value.Pointer\nfunc valuePointer(v reflect.Value) uintptr\n`, null],
    ['an exported function the local declaration does not match is not called', `${head}//go:linkname toUpper strings.ToUpper\nfunc toUpper(s []byte) string\n`, null],
    // Found by review on code nobody wrote for the engine: each was labelled safe and did not compile, or compiled and behaved otherwise.
    ['a declaration with the same layout but other types is not called (int64 for time.Duration)', `${head}//go:linkname sleep time.Sleep\nfunc sleep(ns int64)\n`, null],
    ['a slice for a variadic parameter is not called (Sprintf would format the slice)', `${head}//go:linkname sprintf fmt.Sprintf\nfunc sprintf(format string, a []any) string\n`, null],
    ["a function that reads its caller's frame is not wrapped", `${head}//go:linkname caller runtime.Caller\nfunc caller(skip int) (pc uintptr, file string, line int, ok bool)\n`, null],
    ['a parameter named like the package is not shadowed', `${head}//go:linkname toUpper strings.ToUpper\nfunc toUpper(strings string) string\n`, null],
    ['a parameter named like a package the replacement uses is not shadowed', `${head}//go:linkname fastrandn runtime.fastrandn\nfunc fastrandn(rand uint32) uint32\n`, null],
    [
      'a generated parameter name avoids a result of that name',
      `${head}//go:linkname fastrandn runtime.fastrandn\nfunc fastrandn(_ uint32) (a0 uint32)\n`,
      'package p\n\nimport "math/rand/v2"\n\nfunc fastrandn(_a0 uint32) (a0 uint32) {\n\treturn uint32((uint64(rand.Uint32()) * uint64(_a0)) >> 32)\n}\n',
    ],
    ['an exported var is not initialised (another package may write it)', `${head}//go:linkname NCPU runtime.ncpu\nvar NCPU int32\n`, null],
    ['an unsafe fix is left out by default', `${head}//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n`, null],
    ['a manual case is left alone', `${head}//go:linkname procPin runtime.procPin\nfunc procPin() int\n`, null],
    ['a file without directives is left alone', 'package p\n\nfunc f() {}\n', null],
  ])('%s', (_, input, expected) => {
    expect(fixed(input).output).toBe(expected ?? input);
  });

  test('an import only the moved declaration used goes with it (Go rejects an unused import)', () => {
    const src = 'package p\n\nimport (\n\t"reflect"\n\t"unsafe"\n)\n\n//go:linkname unsafeNew reflect.unsafe_New\nfunc unsafeNew(t reflect.Type) unsafe.Pointer\n\nfunc Use() unsafe.Pointer { return unsafeNew(nil) }\n';
    const r = fixed(src, { goVersion: '1.17', unsafeFixes: true });
    expect(r.output).toBe('package p\n\nimport (\n\t"unsafe"\n)\n\nfunc Use() unsafe.Pointer { return unsafeNew(nil) }\n');
    expect(r.files.map((f) => f.file)).toEqual(['main_unsafenew_go118.go', 'main_unsafenew_linkname.go']);
  });

  test('with unsafeFixes, nanotime counts from process start', () => {
    const r = fixed(`${head}//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n`, { unsafeFixes: true });
    expect(r.output).toContain('func nanotime() int64 {\n\treturn nanotimeOrigin + int64(time.Since(nanotimeStart))\n}\n\nvar nanotimeStart = time.Now()\n');
    expect(r.output).toContain('var nanotimeOrigin = nanotimeMono(nanotimeStart)\n');
  });

  test('the trap works: with it on, reading a file throws', () => {
    guard.on = true;
    try {
      expect(() => fs.readFileSync('/etc/hostname')).toThrow(/file system touched/);
    } finally {
      guard.on = false;
    }
  });

  test('verdicts come with the findings; manual diagnostics say why', () => {
    const r = fixed(`${head}//go:linkname procPin runtime.procPin\nfunc procPin() int\n`);
    expect(r.findings[0]!.verdicts!.map((v) => v.verdict)).toEqual(['ok-unchecked', 'ok-pushed', 'ok-pushed', 'ok-pushed', 'ok-pushed', 'ok-pushed']);
    expect(r.diagnostics[0]!.fixes[0]).toMatchObject({ applicability: 'manual', message: expect.stringContaining('no public equivalent') });
  });

  test('a module too old for the replacement gets the build-tag pair as extra files', () => {
    const r = fixed(`${head}//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\nfunc F() uint32 { return fastrand() }\n`, { goVersion: '1.21', filename: 'r.go' });
    expect(r.output).toBe('package p\n\nfunc F() uint32 { return fastrand() }\n');
    expect(r.files.map((f) => f.file)).toEqual(['r_fastrand_go122.go', 'r_fastrand_linkname.go']);
  });
});

// The catalog generator, on small GOROOTs written here (one rule per case),
// and on real ones: what the shipped catalog file holds for a release must be
// exactly what the generator builds from that release's own toolchain.

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildCatalog, type CompiledPackage, type PackageLister } from '../src/catalog/build.js';
import { cachedCatalog, shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import { PLATFORMS, goMinor, type Catalog } from '../src/catalog/types.js';
import { fileNameConstraint } from '../src/model/constraint.js';
import { defaultGoroot } from '../src/linkcheck/linkcheck.js';
import { goroot, tempDir } from './helpers.js';

/** A GOROOT with the given files under src/, and a lister that compiles a file where its name's GOOS/GOARCH suffix allows. */
function fakeGoroot(version: string, files: Record<string, string>): { goroot: string; lister: PackageLister } {
  const goroot = tempDir('linkfix-goroot-');
  writeFileSync(join(goroot, 'VERSION'), `${version}\ntime 2026-01-01T00:00:00Z\n`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(goroot, 'src', rel, '..'), { recursive: true });
    writeFileSync(join(goroot, 'src', rel), text);
  }
  const lister: PackageLister = async (_root, platform) => {
    const [goos, goarch] = platform.split('/');
    const pkgs = new Map<string, CompiledPackage>();
    for (const rel of Object.keys(files)) {
      if (rel.startsWith('cmd/') || !/\.(go|s)$/.test(rel)) continue;
      const c = fileNameConstraint(basename(rel));
      if ((c.goos && c.goos !== goos) || (c.goarch && c.goarch !== goarch)) continue;
      const importPath = rel.slice(0, rel.lastIndexOf('/'));
      const pkg = pkgs.get(importPath) ?? { importPath, dir: join(goroot, 'src', importPath), goFiles: [], asmFiles: [] };
      (rel.endsWith('.s') ? pkg.asmFiles : pkg.goFiles).push(basename(rel));
      pkgs.set(importPath, pkg);
    }
    return [...pkgs.values()];
  };
  return { goroot, lister };
}

const RUNTIME = `package runtime

import "unsafe"

// memmove should be an internal detail,
// but widely used packages access it using linkname.
// Notable members of the hall of shame include:
//   - github.com/bytedance/sonic
//   - gvisor.dev/gvisor
//
// Do not remove or change the type signature.
// See go.dev/issue/67401.
//
//go:linkname memmove
func memmove(to, from unsafe.Pointer, n uintptr)

//go:linkname legacy_fastrand runtime.fastrand
func legacy_fastrand() uint32 { return 4 }

//go:linkname reflect_unsafe_New reflect.unsafe_New
func reflect_unsafe_New(typ unsafe.Pointer) unsafe.Pointer { return nil }

//go:linknamestd coroswitch
func coroswitch(c unsafe.Pointer) {}

//go:linkname abigen_cmpstring runtime.cmpstring
func abigen_cmpstring(a, b string) int

//go:linkname pulled internal/cpu.thing
func pulled() int

func stopTheWorld(reason uint8) {}

func callme() int { return 1 }

var ncpu int32

//go:linkname exportedVar
var exportedVar = 3
`;

const ASM = `#include "textflag.h"

TEXT ·memmove(SB), NOSPLIT, $0-24
	RET

TEXT runtime·cmpstring(SB), NOSPLIT, $0-40
	CALL ·callme(SB)
	RET

TEXT ·asmonly(SB), NOSPLIT, $0
	RET
`;

const REFLECT = `package reflect

import "unsafe"

func unsafe_New(typ unsafe.Pointer) unsafe.Pointer

type rtype struct{}

func (t *rtype) Name() string { return "" }

// Widely used packages access these symbols using linkname,
// most notably:
//  - github.com/goccy/go-json
//
//go:linkname badlinkname_rtype_Name reflect.(*rtype).Name
func badlinkname_rtype_Name(*rtype) string
`;

const LOADER = `package loader

var blockedLinknames = map[string][]string{
	// coroutines
	"runtime.coroswitch": {"iter"},
	"runtime.addmoduledata": {}, // assembly symbol, disallow all packages
	"runtime.mapaccess1":    {"runtime", "reflect"},
}
`;

const BUILTINS = `package goobj

var builtins = [...]struct {
	name string
	abi  int
}{
	{"runtime.newobject", 1},
	{"runtime.typedmemclr", 1},
}
`;

describe('catalog generator on a synthetic GOROOT', () => {
  const { goroot, lister } = fakeGoroot('go1.23.4', {
    'runtime/stubs.go': RUNTIME,
    'runtime/memmove_amd64.s': ASM,
    'runtime/os_windows.go': 'package runtime\n\nfunc windowsOnly() {}\n',
    'runtime/auxv.go': 'package runtime\n\nimport "internal/cpu"\n\nfunc auxv(v uint) {\n\tcpu.HWCap = v\n\t_ = cpu.Table[0] + int(ncpu)\n}\n',
    'internal/cpu/cpu.go': 'package cpu\n\nvar HWCap uint\n\nvar Table = [2]int{1, 2}\n',
    'reflect/type.go': REFLECT,
    'cmd/link/internal/loader/loader.go': LOADER,
    'cmd/internal/goobj/builtinlist.go': BUILTINS,
  });
  let catalog: Catalog;
  const sym = (name: string) => catalog.symbols.get(name);

  test('builds', async () => {
    catalog = await buildCatalog({ goroot, lister });
    expect(catalog).toMatchObject({ go: 'go1.23.4', minor: 23, platforms: [...PLATFORMS] });
  });

  test.each([
    ['(a) one-argument form on a bodyless func with an assembly body', 'runtime.memmove', { push: 'linkname', a: 0b1001 }],
    ['(a) one-argument form on an initialised var', 'runtime.exportedVar', { k: 'var', push: 'linkname' }],
    ['(b) a definition pushed under its package\'s own other name', 'runtime.fastrand', { k: 'func', s: 'func legacy_fastrand() uint32', push: 'linkname' }],
    ['(b) a definition pushed into another package', 'reflect.unsafe_New', { push: 'linkname', at: 'runtime/stubs.go:20' }],
    ['(c) bodyless, naming its own package\'s method (badlinkname)', 'reflect.(*rtype).Name', { push: 'linkname', s: 'func (t *rtype) Name() string' }],
    ['(d) bodyless, naming a TEXT symbol of its own package', 'runtime.cmpstring', { push: 'linkname' }],
    ['Go 1.27 linknamestd', 'runtime.coroswitch', { push: 'linknamestd' }],
  ])('%s: %s', async (_, name, expected) => {
    expect(sym(name)).toMatchObject(expected);
  });

  test.each([
    ['(e) a bodyless two-argument pull of another package is not a push', 'runtime.pulled'],
    ['a plain func', 'runtime.stopTheWorld'],
    ['a plain var', 'runtime.ncpu'],
  ])('%s: %s', (_, name) => {
    expect(sym(name)).toBeDefined();
    expect(sym(name)!.push).toBeUndefined();
  });

  test('the pulled target itself is not invented', () => {
    expect(sym('internal/cpu.thing')).toBeUndefined();
  });

  test('hall-of-shame modules, from the block above the directive or a file-level "these symbols" block', () => {
    expect(sym('runtime.memmove')!.doc).toEqual(['github.com/bytedance/sonic', 'gvisor.dev/gvisor']);
    expect(sym('reflect.(*rtype).Name')!.doc).toEqual(['github.com/goccy/go-json']);
    expect(sym('runtime.fastrand')!.doc).toBeUndefined();
  });

  test('platform masks: a _windows.go func exists on windows only; an _amd64.s TEXT symbol on amd64 only', () => {
    expect(sym('runtime.windowsOnly')!.p).toBe(0b1000);
    expect(sym('runtime.asmonly')).toMatchObject({ k: 'asm', p: 0b1001, a: 0b1001 });
    expect(sym('runtime.memmove')!.a).toBe(0b1001);
  });

  test('a Go func its own package\'s assembly calls has an ABI0 wrapper', () => {
    expect(sym('runtime.callme')!.w).toBe(0b1001);
  });

  test.each([
    ['written by another std package (runtime: cpu.HWCap = v)', 'internal/cpu.HWCap', true],
    ['shared through a //go:linkname', 'runtime.exportedVar', true],
    ['only read', 'internal/cpu.Table', undefined],
    ['only read, in its own package', 'runtime.ncpu', undefined],
  ])('vars the std may change after initialisation are marked: %s: %s', (_, name, m) => {
    expect(sym(name)!.m).toBe(m);
  });

  test('blockedLinknames, comments and empty lists included', () => {
    expect(catalog.blocked).toEqual({ 'runtime.coroswitch': ['iter'], 'runtime.addmoduledata': [], 'runtime.mapaccess1': ['runtime', 'reflect'] });
  });

  test('the 1.23 builtin loophole list, and the release rules', () => {
    expect(catalog.builtins).toEqual(['runtime.newobject', 'runtime.typedmemclr']);
    expect(catalog.rules).toEqual({ checkLinkname: true, asmImplicit: true, builtinLoophole: true, linknamestd: false });
  });
});

describe('a Go newer than the shipped catalogs', () => {
  test('gets a catalog built from its GOROOT once, announced, then read from the XDG cache', async () => {
    const { goroot } = fakeGoroot('go1.99.0', { 'runtime/stubs.go': RUNTIME });
    const xdg = tempDir('linkfix-xdg-');
    const messages: string[] = [];
    const env = { ...process.env, XDG_CACHE_HOME: xdg };
    mkdirSync(join(goroot, 'bin'));
    // A stand-in go command that answers `go list` the way a real one would for this tiny GOROOT.
    writeFileSync(join(goroot, 'bin', 'go'), `#!/bin/sh\nprintf 'runtime\\t${join(goroot, 'src/runtime')}\\tstubs.go \\t\\n'\n`, { mode: 0o755 });
    const first = await cachedCatalog({ version: 'go1.99.0', goroot }, (m) => messages.push(m), env);
    const second = await cachedCatalog({ version: 'go1.99.0', goroot }, (m) => messages.push(m), env);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`building its std catalog from ${goroot}`);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.symbols.get('runtime.memmove')).toMatchObject({ push: 'linkname' });
  });
});

describe('the shipped catalog file', () => {
  const releases = shippedReleases();

  test('one per Go minor from 1.21, newest patch each', () => {
    expect(releases.map(goMinor)).toEqual([21, 22, 23, 24, 25, 26, 27]);
  });

  test('its go1.26 release is exactly what the generator builds from that toolchain', async () => {
    const release = releases.find((r) => goMinor(r) === 26)!;
    const built = await buildCatalog({ goroot: defaultGoroot(release) });
    expect(JSON.stringify({ ...built, generator: '' })).toBe(JSON.stringify({ ...shippedCatalog(release), generator: '' }));
  }, 600_000); // go list for four platforms, every std file read for writes, every std package parsed for copies: minutes on a loaded 2-core machine

  test("the machine's own GOROOT agrees with the shipped catalog of its minor on every push and block", async () => {
    const built = await buildCatalog({ goroot: goroot() });
    const shipped = shippedCatalog(releases.find((r) => goMinor(r) === built.minor)!);
    const pushes = (c: Catalog): string[] =>
      [...c.symbols.entries()]
        .filter(([, s]) => s.push)
        .map(([name, s]) => `${name} ${s.push} ${s.pp ?? s.p ?? 'all'}`)
        .sort();
    expect(pushes(built)).toEqual(pushes(shipped));
    expect(built.blocked).toEqual(shipped.blocked);
  }, 600_000);
});

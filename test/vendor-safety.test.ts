// The vendored-copy strategy copies a std var or func only when the copy is
// the same thing: no std code (any package, any platform, any shipped release
// or the local GOROOT) may change a var it copies after initialisation, and
// the copy is compiled on exactly the platforms the pull was. Judged on the
// local GOROOT's real sources; the platform cases are built with the real go
// command for the pull's platform and another one.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { varsWrittenByStd } from '../src/catalog/writes.js';
import { applyPlan } from '../src/fix/apply.js';
import { plan } from '../src/fix/plan.js';
import { StdSource } from '../src/fix/vendor.js';
import type { SuggestedFix } from '../src/fix/types.js';
import { writeChanges } from '../src/emit/write.js';
import { judgeScan } from '../src/judge/judge.js';
import { scanSync } from '../src/scan/scan.js';
import { tempDir } from './helpers.js';

function module(files: Record<string, string>): string {
  const dir = tempDir('linkfix-vendor-safety-');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/vs\n\ngo 1.22\n');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** The fix linkfix plans for the only pull of a module. */
async function fixFor(files: Record<string, string>): Promise<{ dir: string; fix: SuggestedFix; planned: ReturnType<typeof plan> }> {
  const dir = module(files);
  const planned = plan(await judgeScan(scanSync([dir], { base: dir }), { go: '1.26', useLocalGo: false }));
  expect(planned.diagnostics).toHaveLength(1);
  return { dir, fix: planned.diagnostics[0]!.fixes[0]!, planned };
}

/** A file pulling `target` into `decl`, under `header` (build lines); the declaration's type decides what it imports. */
const pull = (local: string, target: string, decl: string, header = ''): string =>
  `${header}package p\n\nimport (\n${decl.includes('sync.') ? '\t"sync"\n' : ''}\t_ "unsafe"\n)\n\n//go:linkname ${local} ${target}\n${decl}\n`;

describe('a std var or func is copied only when no std code changes what it copies', () => {
  test.each([
    ['an immutable table: copied', 'encoding/json.safeSet', 'var safeSet [128]bool', null],
    [
      'a mutex the package locks around its own work (driversMu.Lock()): a second lock would synchronise nothing',
      'database/sql.driversMu',
      'var driversMu sync.RWMutex',
      /^database\/sql\.driversMu is shared state of package database\/sql: a copy would be a different variable \(std code may change it after initialisation in go1\.21\.13, .*go1\.27\.4\)/,
    ],
    [
      // Nothing writes it, but errors.New makes a new error for the copy: err == errBufferTooSmall would never hold for binary's errors.
      'a var whose value is made by a call (an error sentinel)',
      'encoding/binary.errBufferTooSmall',
      'var errBufferTooSmall error',
      /^encoding\/binary\.errBufferTooSmall is shared state of package encoding\/binary: a copy would be a different variable, its value made anew by `errors\.New\(/,
    ],
    [
      // The copy would read a copied table that regexp's init() fills: all zero, so special would always say false.
      "a func whose closure reads a var the std changes (regexp.special reads specialBytes, which regexp's init() fills)",
      'regexp.special',
      'func special(b byte) bool',
      /^regexp\.specialBytes is shared state of package regexp: a copy would be a different variable \(std code may change it after initialisation in go1\.21\.13, /,
    ],
  ])('%s', async (_, target, decl, refusal) => {
    const { fix } = await fixFor({ 'p/p.go': pull(/^(?:var|func) (\w+)/.exec(decl)![1]!, target, decl) });
    if (refusal === null) {
      expect(fix).toMatchObject({ strategy: 'vendored', applicability: 'safe' });
    } else {
      expect(fix.strategy).toBe('manual');
      expect(fix.message.split('; ').find((m) => /shared state/.test(m))).toMatch(refusal);
    }
  });
});

describe("the std's writes to a var, found in the local GOROOT (these vars are declared for some platforms only, which refuses a copy first)", () => {
  test.each([
    ['a var another file of its package appends to in init (mime.typeFiles, from type_freebsd.go)', 'mime', 'typeFiles', /^mime\/type_\w+\.go$/],
    // No shipped catalog covers 32-bit arm or ppc64, where it exists: the local GOROOT's sources decide.
    ['an internal var the runtime sets at start-up (cpu.HWCap2 = … in runtime/os_linux_arm.go)', 'internal/cpu', 'HWCap2', /^runtime\/os_\w+\.go$/],
  ])('%s', (_, importPath, name, writer) => {
    const writes = new StdSource().writes(importPath, importPath.split('/').pop()!, [name]);
    expect(writes.get(`${importPath}.${name}`)).toMatch(writer);
  });
});

describe('a copy is one file for every platform the pull is compiled on', () => {
  test.each([
    [
      // fd_plan9.go comes first by name, and its IsPollDescriptor returns false: a copy of it was offered as safe.
      'a func with one declaration per platform (internal/poll.IsPollDescriptor)',
      'internal/poll.IsPollDescriptor',
      'func isPollDescriptor(fd uintptr) bool',
      /^internal\/poll\.IsPollDescriptor is declared for some platforms only \(fd_plan9\.go, fd_poll_js\.go, fd_poll_runtime\.go\)/,
    ],
    [
      'a var declared in a file of one platform (syscall.envs, from env_unix.go)',
      'syscall.envs',
      'var envs []string',
      /^syscall\.envs is declared for some platforms only \(env_unix\.go\)/,
    ],
  ])('%s', async (_, target, decl, refusal) => {
    const { fix } = await fixFor({ 'p/p.go': pull(/^(?:var|func) (\w+)/.exec(decl)![1]!, target, decl) });
    expect(fix.strategy).toBe('manual');
    expect(fix.message.split('; ').find((m) => /platforms only/.test(m))).toMatch(refusal);
  });
});

describe('what counts as a write (without type information, every doubt does)', () => {
  const OTHER = `package other

import (
	"p"
	q "p"
	. "p"
)
`;
  test.each([
    ['x = 1', true],
    ['x += 1', true],
    ['x <<= 1', true],
    ['x++', true],
    ['x--', true],
    ['x[i] = 1', true],
    ['x[a[i]] = 1', true],
    ['x.f = 1', true],
    ['x.f.g[i] |= 1', true],
    ['*x = 1', true],
    ['(x).f = 1', true],
    ['a, x = 1, 2', true],
    ['x, a = 1, 2', true],
    ['for _, x = range s {}', true],
    ['p := &x', true],
    ['p := &x.f', true],
    ['p := &x[i]', true],
    ['return &x', true],
    ['s := x[:]', true],
    ['s := x[1:n]', true],
    ['x.Lock()', true],
    ['defer x.mu.Unlock()', true],
    ['x()', true],
    ['x <- 1', true],
    ['<-x', true],
    ['copy(x, b)', true],
    ['clear(x)', true],
    ['s = append(x, 1)', true],
    ['atomic.AddInt32(&x, 1)', true],
    ['sort.Ints(x)', true],
    ['sort.Ints([]int(x))', true],
    ['select {\n\tcase x = <-c:\n\t}', true],
    ['f(a, x)', true],
    ['f(x...)', true],
    ['y := x', false],
    ['y := x[i]', false],
    ['y := x.f', false],
    ['y := x.f.g', false],
    ['y := len(x) + cap(x)', false],
    ['copy(b, x)', false],
    ['y := []byte(x)', false],
    ['n := len(x)', false],
    ['f(a + x)', false],
    ['y := a * x', false],
    ['y := a & x', false],
    ['if x == 0 {}', false],
    ['for _, v := range x { _ = v }', false],
    ['x := 1; x = 2', true], // a local of the same name counts: no scope analysis, so this errs towards "written"
    ['var x = 2; _ = x', false],
    ['t.x = 1', false],
    ['// x = 1', false],
  ])('in its own package: %s → %s', (statement, written) => {
    const file = `package p\n\nvar x []int\n\nfunc g() {\n\t${statement}\n}\n`;
    const got = varsWrittenByStd([{ importPath: 'p', name: 'p.go', text: file }], { vars: new Map([['p', new Set(['x'])]]), names: new Map([['p', 'p']]) });
    expect(got.has('p.x')).toBe(written);
  });

  test.each([
    ['p.X = 1', true],
    ['q.X++', true],
    ['X = 1', true],
    ['f(&p.X.f)', true],
    ['p.X.Store(1)', true],
    ['y := p.X', false],
    ['y := other.X; other.X = 1', false],
  ])('from another package, through an import, an alias or a dot import: %s → %s', (statement, written) => {
    const file = `${OTHER}\nfunc g() {\n\t${statement}\n}\n`;
    const got = varsWrittenByStd([{ importPath: 'other', name: 'o.go', text: file }], { vars: new Map([['p', new Set(['X'])]]), names: new Map([['p', 'p']]) });
    expect(got.has('p.X')).toBe(written);
  });

  test.each([
    ['import "p"', 'p.X = 1'],
    ['import q "p"', 'q.X = 1'],
  ])('a single-line import: %s; %s', (decl, statement) => {
    const file = `package other\n\n${decl}\n\nfunc g() {\n\t${statement}\n}\n`;
    const got = varsWrittenByStd([{ importPath: 'other', name: 'o.go', text: file }], { vars: new Map([['p', new Set(['X'])]]), names: new Map([['p', 'p']]) });
    expect(got.has('p.X')).toBe(true);
  });

  test.each([
    ['a //go:linkname pull of it from another package', 'package other\n\nimport _ "unsafe"\n\n//go:linkname y p.x\nvar y int\n', 'o.go'],
    ['a reference from assembly', '#include "textflag.h"\n\nTEXT ·f(SB), NOSPLIT, $0\n\tMOVQ $1, p·x(SB)\n\tRET\n', 'o_amd64.s'],
  ])('%s counts', (_, text, name) => {
    const got = varsWrittenByStd([{ importPath: 'other', name, text }], { vars: new Map([['p', new Set(['x'])]]), names: new Map([['p', 'p']]) });
    expect(got.has('p.x')).toBe(true);
  });
});

describe('a copy is compiled where the pull was', () => {
  const sh = (args: string[], cwd: string, platform: string) => {
    const [goos, goarch] = platform.split('/');
    const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOOS: goos, GOARCH: goarch, GOFLAGS: '', GOTOOLCHAIN: 'local', CGO_ENABLED: '0' } });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const USE = 'package p\n\n// Escapes reports whether b needs escaping in a JSON string.\nfunc Escapes(b byte) bool { return b < 128 && !safeSet[b] }\n';

  test.each([
    [
      'a _linux_arm64.go pull: the copy is _linux_arm64.go too',
      {
        'p/pull_linux_arm64.go': pull('safeSet', 'encoding/json.safeSet', 'var safeSet [128]bool'),
        'p/table_other.go': '//go:build !(linux && arm64)\n\npackage p\n\nvar safeSet = [128]bool{\'a\': true}\n',
      },
      'p/safeset_from_std_linux_arm64.go',
      null,
      ['linux/arm64', 'linux/amd64'],
    ],
    [
      'a pull under legacy // +build lines only: the copy carries the same constraint as //go:build',
      {
        'p/pull.go': pull('safeSet', 'encoding/json.safeSet', 'var safeSet [128]bool', '// +build linux,arm64\n\n'),
        'p/table_other.go': '//go:build !(linux && arm64)\n\npackage p\n\nvar safeSet = [128]bool{\'a\': true}\n',
      },
      'p/safeset_from_std.go',
      '//go:build linux && arm64',
      ['linux/arm64', 'darwin/arm64'],
    ],
    [
      'a _windows.go pull under //go:build amd64: both kept',
      {
        'p/pull_windows.go': pull('safeSet', 'encoding/json.safeSet', 'var safeSet [128]bool', '//go:build amd64\n\n'),
        'p/table_other.go': '//go:build !(windows && amd64)\n\npackage p\n\nvar safeSet = [128]bool{\'a\': true}\n',
      },
      'p/safeset_from_std_windows.go',
      '//go:build amd64',
      ['windows/amd64', 'windows/arm64', 'linux/amd64'],
    ],
  ])('%s', async (_, files, created, constraint, platforms) => {
    const { dir, fix, planned } = await fixFor({ ...files, 'p/use.go': USE });
    expect(fix.strategy).toBe('vendored');
    writeChanges(applyPlan(planned).changes);
    expect(spawnSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' }).stdout).toBe('');
    for (const platform of platforms) {
      for (const step of [['build', './...'], ['vet', './...']]) {
        const r = sh(step, dir, platform);
        expect(r.status, `${platform} go ${step[0]}: ${r.out}`).toBe(0);
      }
    }
    expect(fix.files.map((f) => f.file)).toEqual([created]);
    const copy = readFileSync(join(dir, created), 'utf8');
    if (constraint) expect(copy).toContain(`\n${constraint}\n\npackage p\n`);
    else expect(copy).not.toContain('//go:build');
  });
});

test('the copied declaration takes its doc comment along, and nothing of it is left behind', async () => {
  const { dir, planned } = await fixFor({
    'p/p.go': 'package p\n\nimport (\n\t"unicode/utf8"\n\t_ "unsafe"\n)\n\n// safeSet is encoding/json\'s table of bytes that need no escape.\n//\n//go:linkname safeSet encoding/json.safeSet\nvar safeSet [utf8.RuneSelf]bool\n\n// Safe reports whether b needs no escape.\nfunc Safe(b byte) bool { return b < utf8.RuneSelf && safeSet[b] }\n',
  });
  writeChanges(applyPlan(planned).changes);
  expect(readFileSync(join(dir, 'p/p.go'), 'utf8')).toBe('package p\n\nimport (\n\t"unicode/utf8"\n)\n\n// Safe reports whether b needs no escape.\nfunc Safe(b byte) bool { return b < utf8.RuneSelf && safeSet[b] }\n');
  expect(readFileSync(join(dir, 'p/safeset_from_std.go'), 'utf8')).toContain('\n// safeSet is encoding/json\'s table of bytes that need no escape.\nvar safeSet = [utf8.RuneSelf]bool{\n');
  const vet = spawnSync('go', ['vet', './...'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' } });
  expect(`${vet.stdout}${vet.stderr}`).toBe('');
});

test.each([
  ['a longer array than the std\'s (indexes 128–255 would panic in the copy)', 'var htmlSafeSet [256]bool', 'encoding/json.htmlSafeSet'],
  ['a shorter one', 'var htmlSafeSet [64]bool', 'encoding/json.htmlSafeSet'],
])('a copy that would change the declared type is manual: %s', async (_, decl, target) => {
  const { fix } = await fixFor({ 'p/p.go': pull('htmlSafeSet', target, decl) });
  expect(fix.applicability).toBe('manual');
  expect(fix.message).toMatch(/a copy would change the type/);
});

// What a rewrite does to the declaration around the pull, found on public
// code (issue 11, defects 1, 2, 5, 6, 7): pragmas, doc comments, the user's
// own signature text, the names of added helpers, and the file that is left.
// Each claim about the compiler is checked with the real one.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import type { Catalog } from '../src/catalog/types.js';
import { coveredBy } from '../src/fix/constraint.js';
import { fixSource } from '../src/fix/fix-source.js';
import { parseGoFile } from '../src/parse/gofile.js';
import { SourceText } from '../src/parse/source.js';
import { runCli, tempDir } from './helpers.js';

let catalogs: Catalog[];
beforeAll(() => {
  catalogs = shippedReleases().map((r) => shippedCatalog(r));
});

const fixed = (source: string, goVersion = '1.22', unsafeFixes = false): ReturnType<typeof fixSource> => fixSource(source, { catalogs, goVersion, unsafeFixes, filename: 'p.go' });

function go(args: string[], cwd: string, env: Record<string, string> = {}): { status: number; out: string } {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', ...env } });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** A module holding `files` (path → content); returns its directory. */
function module(files: Record<string, string>, goLine = '1.22'): string {
  const dir = tempDir('linkfix-decl-');
  writeFileSync(join(dir, 'go.mod'), `module example.com/m\n\ngo ${goLine}\n`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const pullWith = (pragma: string): string => `package p\n\nimport _ "unsafe"\n\n//go:${pragma}\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\nvar _ = fastrand\n`;

describe('pragmas over a declaration that gets a body (defect 1)', () => {
  const PRAGMAS = ['noescape', 'nosplit', 'noinline', 'norace', 'nocheckptr', 'uintptrescapes'];

  test('only //go:noescape goes (the compiler allows it on bodyless functions only); the rest stay, and every result builds', () => {
    const files: Record<string, string> = {};
    for (const pragma of PRAGMAS) {
      const out = fixed(pullWith(pragma)).output;
      const kept = pragma !== 'noescape';
      expect(out, pragma).toBe(`package p\n\nimport "math/rand/v2"\n\n${kept ? `//go:${pragma}\n` : ''}func fastrand() uint32 {\n\treturn rand.Uint32()\n}\n\nvar _ = fastrand\n`);
      files[`${pragma}/p.go`] = out;
    }
    const dir = module(files);
    expect(go(['build', './...'], dir).out).toBe('');
    expect(go(['vet', './...'], dir).out).toBe('');
  });

  test('the compiler rejects //go:noescape over a body, which is why it goes', () => {
    const dir = module({ 'p/p.go': 'package p\n\n//go:noescape\nfunc f() uint32 { return 1 }\n\nvar _ = f\n' });
    expect(go(['build', './...'], dir).out).toContain('can only use //go:noescape with external func implementations');
  });

  test('the pragma may sit below the directive, or above it after a doc comment', () => {
    const below = 'package p\n\nimport _ "unsafe"\n\n// fastrand is the runtime\'s.\n//go:linkname fastrand runtime.fastrand\n//go:noescape\nfunc fastrand() uint32\n';
    expect(fixed(below).output).toBe('package p\n\nimport "math/rand/v2"\n\n// fastrand is the runtime\'s.\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n');
  });
});

describe('a guard moves the pragmas and the doc comment with the declaration (defect 2)', () => {
  const source = 'package p\n\nimport _ "unsafe"\n\n// fastrand returns a random number.\n//\n//go:noescape\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\n// Coin flips a coin.\nfunc Coin() bool { return fastrand()%2 == 0 }\n';

  test('nothing is left dangling in the old file; the pull keeps its pragma, the body drops it', () => {
    const r = fixed(source, '1.21');
    expect(r.output).toBe('package p\n\n// Coin flips a coin.\nfunc Coin() bool { return fastrand()%2 == 0 }\n');
    const byName = Object.fromEntries(r.files.map((f) => [f.file, f.content]));
    expect(byName['p_fastrand_linkname.go']).toBe('//go:build !go1.22\n\npackage p\n\nimport _ "unsafe"\n\n// fastrand returns a random number.\n//\n//go:noescape\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n');
    expect(byName['p_fastrand_go122.go']).toBe('//go:build go1.22\n\npackage p\n\nimport "math/rand/v2"\n\n// fastrand returns a random number.\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n');
  });

  test('the three files build on the release before the guard and on this Go', () => {
    const r = fixed(source, '1.21');
    const dir = module({ 'p/p.go': r.output, ...Object.fromEntries(r.files.map((f) => [`p/${f.file}`, f.content])) }, '1.21');
    expect(go(['vet', './...'], dir).out).toBe('');
    expect(go(['build', './...'], dir, { GOTOOLCHAIN: 'go1.21.13' }).out).toBe('');
    expect(execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });
});

describe('signatures as the user wrote them (defect 6)', () => {
  test('a comment after the header stays on its line', () => {
    const out = fixed('package p\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\n//go:noescape\nfunc fastrand() uint32 // from runtime/stubs.go\n').output;
    expect(out).toBe('package p\n\nimport "math/rand/v2"\n\nfunc fastrand() uint32 { // from runtime/stubs.go\n\treturn rand.Uint32()\n}\n');
  });

  test.each([
    ['grouped parameter names stay grouped', 'func memhash(p unsafe.Pointer, h, s uintptr) uintptr', 'func memhash(p unsafe.Pointer, h, s uintptr) uintptr {'],
    ['ungrouped names and a named result stay', 'func memhash(p unsafe.Pointer, h uintptr, s uintptr) (r uintptr)', 'func memhash(p unsafe.Pointer, h uintptr, s uintptr) (r uintptr) {'],
    ['unnamed parameters get names, since the body needs them', 'func memhash(unsafe.Pointer, uintptr, uintptr) uintptr', 'func memhash(a0 unsafe.Pointer, a1 uintptr, a2 uintptr) uintptr {'],
  ])('%s', (_, decl, header) => {
    const out = fixed(`package p\n\nimport "unsafe"\n\n//go:linkname memhash runtime.memhash\n${decl}\n`, '1.22', true).output;
    expect(out).toContain(`\n${header}\n`);
    expect(out).not.toContain('//go:linkname');
  });
});

describe('helpers linkfix adds are unexported and clash with nothing (defect 5)', () => {
  test('an exported pull gets an unexported helper', () => {
    const out = fixed('package p\n\nimport _ "unsafe"\n\n//go:linkname NanoTime runtime.nanotime\nfunc NanoTime() int64\n', '1.22', true).output;
    expect(out).toContain('return nanoTimeOrigin + int64(time.Since(nanoTimeStart))');
    expect(out).toContain('\nvar nanoTimeStart = time.Now()\n');
    expect(out).not.toMatch(/\bNanoTimeStart\b/);
  });

  test('a name any file of the package uses, under any build tag, is not reused; the package API is unchanged (go doc -all)', { timeout: 600_000 }, () => {
    const dir = module({
      'p/p.go': 'package p\n\nimport _ "unsafe"\n\n// NanoTime is the runtime clock.\n//\n//go:linkname NanoTime runtime.nanotime\nfunc NanoTime() int64\n',
      'p/other_windows.go': 'package p\n\nvar nanoTimeStart = 1\n',
      'p/p_test.go': 'package p\n\nimport "testing"\n\nfunc TestNow(t *testing.T) {\n\tif NanoTime() < 0 {\n\t\tt.Fatal("negative")\n\t}\n}\n',
    });
    const doc = (): string => go(['doc', '-all', './p'], dir).out;
    const before = doc();
    const r = runCli(['fix', '--write', '--unsafe-fixes', '.'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'p/p.go'), 'utf8');
    expect(text).toContain('var nanoTimeStart2 = time.Now()');
    expect(doc()).toBe(before);
    expect(go(['vet', './...'], dir, { GOOS: 'windows' }).out).toBe('');
    expect(go(['test', './...'], dir).status).toBe(0);
  });
});

describe('the file that is left is gofmt-clean (defect 7)', () => {
  test('a file left with only its package clause and doc comment ends in one newline', () => {
    const source = '// Package p flips coins.\npackage p\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n';
    const r = fixed(source, '1.21');
    expect(r.output).toBe('// Package p flips coins.\npackage p\n');
    const dir = module({ 'p/p.go': r.output, ...Object.fromEntries(r.files.map((f) => [`p/${f.file}`, f.content])) }, '1.21');
    expect(execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' })).toBe('');
  });

  test('a raw string with blank lines in it is never touched by the tidying', () => {
    const source = 'package p\n\nimport _ "unsafe"\n\nconst s = `a\n\n\n\nb`\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n';
    expect(fixed(source).output).toBe('package p\n\nimport "math/rand/v2"\n\nconst s = `a\n\n\n\nb`\n\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n');
  });
});

describe('the files a guard creates keep the platform and are compiled by some release', () => {
  const pull = (header: string): string => `${header}package p\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\nvar _ = fastrand\n`;
  const names = (r: ReturnType<typeof fixSource>): Record<string, string> => Object.fromEntries(r.files.map((f) => [f.file, f.content.split('\n')[0]!]));

  test.each([
    ['a //go:build line is ANDed in gofmt\'s form', 'bits.go', '//go:build amd64 && !nosimd\n\n', { 'bits_fastrand_go122.go': '//go:build go1.22 && amd64 && !nosimd', 'bits_fastrand_linkname.go': '//go:build !go1.22 && amd64 && !nosimd' }],
    ['an OR keeps its parentheses', 'bits.go', '//go:build linux || darwin\n\n', { 'bits_fastrand_go122.go': '//go:build go1.22 && (linux || darwin)', 'bits_fastrand_linkname.go': '//go:build !go1.22 && (linux || darwin)' }],
    ['legacy +build lines count', 'bits.go', '// +build amd64,!nosimd\n\n', { 'bits_fastrand_go122.go': '//go:build go1.22 && amd64 && !nosimd', 'bits_fastrand_linkname.go': '//go:build !go1.22 && amd64 && !nosimd' }],
    ['the _GOOS_GOARCH suffix stays a suffix', 'os_linux_arm64.go', '', { 'os_fastrand_go122_linux_arm64.go': '//go:build go1.22', 'os_fastrand_linkname_linux_arm64.go': '//go:build !go1.22' }],
    ['a test file stays a test file', 'p_amd64_test.go', '', { 'p_fastrand_go122_amd64_test.go': '//go:build go1.22', 'p_fastrand_linkname_amd64_test.go': '//go:build !go1.22' }],
    ['a release tag the file already needs makes the guard\'s redundant', 'p.go', '//go:build gc && go1.21\n\n', { 'p_fastrand_go122.go': '//go:build go1.22 && gc', 'p_fastrand_linkname.go': '//go:build !go1.22 && gc && go1.21' }],
  ])('%s', (_, filename, header, expected) => {
    const r = fixSource(pull(header), { catalogs, goVersion: '1.21', filename });
    expect(names(r)).toEqual(expected);
  });

  test('a file no release before the API compiles is rewritten in place, with no guard (and no dead fallback file)', () => {
    const r = fixSource(pull('//go:build gc && go1.23\n\n'), { catalogs, goVersion: '1.21', filename: 'p.go' });
    expect(r.files).toEqual([]);
    expect(r.output).toBe('//go:build gc && go1.23\n\npackage p\n\nimport "math/rand/v2"\n\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n\nvar _ = fastrand\n');
  });

  test('gofmt accepts every file created, and the arm64 pair builds for arm64 on both sides of the guard', () => {
    const r = fixSource(pull('//go:build linux || darwin\n\n'), { catalogs, goVersion: '1.21', filename: 'os_arm64.go' });
    const dir = module({ 'p/os_arm64.go': r.output, ...Object.fromEntries(r.files.map((f) => [`p/${f.file}`, f.content])) }, '1.21');
    expect(execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' })).toBe('');
    expect(go(['vet', './...'], dir, { GOOS: 'linux', GOARCH: 'arm64' }).out).toBe('');
    expect(go(['build', './...'], dir, { GOOS: 'darwin', GOARCH: 'arm64', GOTOOLCHAIN: 'go1.21.13' }).out).toBe('');
  });
});

test('two neighbouring declarations that two fixes remove both go in one run (their removals share a blank line)', () => {
  const source = 'package p\n\nimport _ "unsafe"\n\n// Uint32 returns a random uint32.\n//\n//go:linkname Uint32 runtime.fastrand\nfunc Uint32() uint32\n\n// Uint64 returns a random uint64.\n//\n//go:linkname Uint64 runtime.fastrand64\nfunc Uint64() uint64\n';
  const r = fixSource(source, { catalogs, goVersion: '1.21', filename: 'p.go' });
  expect(r.skipped).toEqual([]);
  expect(r.output).toBe(''); // nothing but the package clause is left: the file goes
  expect(r.files.map((f) => f.file).sort()).toEqual(['p_uint32_go122.go', 'p_uint32_linkname.go', 'p_uint64_go122.go', 'p_uint64_linkname.go']);
});

describe('a file left with nothing to say is deleted', () => {
  const pull = 'import _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n';
  test.each([
    ['a licence header and the package clause: deleted', '// Copyright 2024 The Authors.\n// SPDX-License-Identifier: MIT\n\npackage p\n\n', ''],
    ['a //go:generate line: kept', '//go:generate stringer -type=T\n\npackage p\n\n', '//go:generate stringer -type=T\n\npackage p\n'],
    ['a package doc comment: kept', '// Package p flips coins.\npackage p\n\n', '// Package p flips coins.\npackage p\n'],
  ])('%s', (_, head, expected) => {
    const r = fixed(`${head}${pull}`, '1.21');
    expect(r.output).toBe(expected);
    expect(r.files).toHaveLength(2);
  });

  test('the CLI shows the deletion in the diff and performs it; the package still builds on both sides of the guard', () => {
    const dir = module({ 'p/rand.go': `// Copyright 2024 The Authors.\n\npackage p\n\n${pull}`, 'p/use.go': 'package p\n\nfunc Coin() bool { return fastrand()%2 == 0 }\n' }, '1.21');
    const dry = runCli(['fix', '--dry-run', '.'], { cwd: dir });
    expect(dry.stdout).toContain('deleted file mode 100644\n--- a/p/rand.go\n+++ /dev/null\n');
    expect(runCli(['fix', '--write', '.'], { cwd: dir }).status).toBe(0);
    expect(go(['vet', './...'], dir).out).toBe('');
    expect(go(['build', './...'], dir, { GOTOOLCHAIN: 'go1.21.13' }).out).toBe('');
  });

  test.each([
    ['another file without a constraint', [['q.go', 'package p\n']], true],
    ['the guard\'s pair: go1.22 and !go1.22', [['a_go122.go', '//go:build go1.22\n\npackage p\n'], ['a_linkname.go', '//go:build !go1.22\n\npackage p\n']], true],
    ['only a windows file', [['q_windows.go', 'package p\n']], false],
    ['a file for linux and one for the other systems', [['q_linux.go', 'package p\n'], ['r.go', '//go:build !linux\n\npackage p\n']], true],
    ['nothing else', [], false],
  ] as const)('deleting an unconstrained file is safe with %s: %s', (_, others, safe) => {
    const parse = (text: string) => parseGoFile(SourceText.fromString(text));
    expect(coveredBy({ name: 'p.go', parsed: parse('package p\n') }, others.map(([name, text]) => ({ name, parsed: parse(text) })))).toBe(safe);
  });
});

test.each([
  ['a licence block is carried to both files, above the constraint', '// Copyright 2024 The Authors.\n// SPDX-License-Identifier: Apache-2.0\n\n', '// Copyright 2024 The Authors.\n// SPDX-License-Identifier: Apache-2.0\n\n//go:build go1.22\n'],
  ['a package doc comment is not a licence', '// Package p flips coins.\n', '//go:build go1.22\n'],
  ['a build constraint is not a licence', '//go:build amd64\n\n', '//go:build go1.22 && amd64\n'],
])('guard files: %s', (_, head, top) => {
  const r = fixed(`${head}package p\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\nvar _ = fastrand\n`, '1.21');
  const replacement = r.files.find((f) => f.file.endsWith('_go122.go'))!.content;
  expect(replacement.startsWith(`${top}\npackage p\n`), replacement).toBe(true);
});

test('a CRLF file gets CRLF in every line a rule adds, multi-line helpers included', () => {
  const source = 'package p\r\n\r\nimport "unsafe"\r\n\r\n//go:linkname memhash runtime.memhash\r\nfunc memhash(p unsafe.Pointer, h, s uintptr) uintptr\r\n';
  const out = fixed(source, '1.22', true).output;
  expect(out).toContain('maphash');
  expect(out.replace(/\r\n/g, '')).not.toContain('\n');
});

test.each([
  ['an import sharing its line with a declaration', 'package p\n\nimport _ "unsafe"; var X = 1\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n', 'package p\n\nimport "math/rand/v2"\nvar X = 1\n\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n'],
  ['two imports on one line', 'package p\n\nimport "fmt"; import _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\nvar _ = fmt.Sprint\n', 'package p\n\nimport "fmt"\nimport "math/rand/v2"\n\nfunc fastrand() uint32 {\n\treturn rand.Uint32()\n}\n\nvar _ = fmt.Sprint\n'],
])('imports on a shared line (fuzz): %s', (_, source, expected) => {
  const out = fixed(source).output;
  expect(out).toBe(expected);
  expect(go(['vet', '.'], module({ 'p.go': out }))).toEqual({ status: 0, out: '' });
});

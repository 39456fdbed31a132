// Ground truth on real code: the scanner over $(go env GOROOT)/src against
// grep '^//go:linkname' over the same files. Every line where they differ is
// listed here with the reason.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scanSync } from '../src/scan/scan.js';
import { goroot, runCli } from './helpers.js';

const GOROOT = goroot();
const SRC = join(GOROOT, 'src');
const VERSION = readFileSync(join(GOROOT, 'VERSION'), 'utf8').split('\n')[0]!;

const RAW_STRING = 'inside a raw string literal (Go source generated as text), which the compiler does not read as a directive';
/** grep-only lines in go1.26.x: all of them are Go source embedded in raw strings. */
const GREP_ONLY_GO126: Record<string, string> = Object.fromEntries(
  [
    ...[1712, 1715, 1719, 1731, 1741, 1751, 1826, 1830].map((l) => `cmd/cgo/out.go:${l}`),
    ...[900, 902, 904, 907, 914, 917, 921].map((l) => `cmd/compile/internal/types2/issues_test.go:${l}`),
    'cmd/go/internal/modload/build.go:468',
    ...[912, 914, 916, 919, 926, 929, 933].map((l) => `go/types/issues_test.go:${l}`),
  ].map((place) => [place, RAW_STRING]),
);

describe(`GOROOT ${VERSION}: linkfix scan vs grep`, () => {
  const grep = spawnSync(
    'grep',
    ['-rn', '^//go:linkname', '--include=*.go', '--exclude-dir=testdata', '--exclude-dir=vendor', '--exclude-dir=.*', '--exclude-dir=_*', SRC],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const grepPlaces = new Set(grep.stdout.trim().split('\n').map((l) => l.slice(SRC.length + 1).split(':').slice(0, 2).join(':')));
  const result = scanSync([SRC], { base: SRC });
  const linkfixPlaces = new Set(result.findings.filter((f) => f.verb !== 'asm').map((f) => `${f.file}:${f.span.start.line}`));
  const grepOnly = [...grepPlaces].filter((p) => !linkfixPlaces.has(p)).sort();
  const linkfixOnly = [...linkfixPlaces].filter((p) => !grepPlaces.has(p)).sort();

  test('the scan reads the whole tree without errors', () => {
    expect(result.messages.filter((m) => m.severity === 'error')).toEqual([]);
    expect(grepPlaces.size).toBeGreaterThan(1000);
  });

  test('linkfix finds no directive that grep does not', () => {
    expect(linkfixOnly).toEqual([]);
  });

  test('counts match once the listed differences are accounted for', () => {
    expect(linkfixPlaces.size + grepOnly.length).toBe(grepPlaces.size);
  });

  test('every grep-only line is text inside a raw string literal', () => {
    for (const place of grepOnly) {
      const [file, line] = place.split(':') as [string, string];
      const before = readFileSync(join(SRC, file), 'utf8').split('\n').slice(0, Number(line) - 1).join('\n');
      // An odd number of backquotes before the line means it is inside a raw string.
      expect((before.match(/`/g) ?? []).length % 2, place).toBe(1);
    }
  });

  test.runIf(VERSION.startsWith('go1.26.'))('the grep-only lines are exactly the listed ones (go1.26)', () => {
    expect(Object.fromEntries(grepOnly.map((p) => [p, GREP_ONLY_GO126[p] ?? 'UNLISTED']))).toEqual(GREP_ONLY_GO126);
  });

  test('no std directive is misclassified as invalid', () => {
    expect(result.findings.filter((f) => f.kind === 'invalid').map((f) => `${f.file}:${f.span.start.line} ${f.reason}`)).toEqual([]);
  });
});

test('a scan on two threads reports exactly what a scan on one does', () => {
  const one = runCli(['scan', '--format', 'json', '--jobs', '1', SRC]);
  const two = runCli(['scan', '--format', 'json', '--jobs', '2', SRC]);
  expect(one.status).toBe(1);
  expect(two.stdout).toBe(one.stdout);
});

// Go itself is the judge of the fixtures: the ones meant to compile pass
// `go vet`, and each invalid one fails `go build` with the error that linkfix
// reports for it.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { scanSync } from '../src/scan/scan.js';
import { FIXTURES, ROOT } from './helpers.js';

function go(args: string[], cwd: string): { status: number; output: string } {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' } });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

describe('fixtures meant to compile', () => {
  test.each([
    ['fixtures/scan', ['vet', './...']],
    ['fixtures/workspace', ['vet', 'example.com/wsa/...', 'example.com/wsb/...']],
  ])('go vet is clean in %s', (dir, args) => {
    const r = go(args, join(ROOT, dir));
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  test('they are gofmt-clean (except the files kept byte-exact: BOM and CRLF)', () => {
    const r = spawnSync('gofmt', ['-l', 'scan', 'workspace'], { cwd: FIXTURES, encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').sort()).toEqual(['scan/bom/bom.go', 'scan/crlf/crlf.go']);
  });
});

/** Tree-sitter puts a syntax error where the broken construct starts, which can be a line or two before Go's token. */
function near(line: number | null, goLine: number, goMessage: string): boolean {
  if (line === null) return false;
  return goMessage.startsWith('syntax error') ? line >= goLine - 2 && line <= goLine : line === goLine;
}

describe('invalid fixtures: go build fails where linkfix says invalid', () => {
  const expected = readFileSync(join(FIXTURES, 'invalid/EXPECTED.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => /^(\w+): (.*)$/.exec(line)!)
    .map((m) => [m[1]!, m[2]!] as const);
  const scanned = scanSync([join(FIXTURES, 'invalid')], { base: FIXTURES });

  test.each(expected)('%s: %s', (pkg, error) => {
    const r = go(['build', `./${pkg}`], join(FIXTURES, 'invalid'));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(error);
    // linkfix reports the same line, and (for linkname errors) the same message.
    const [, file, line] = /^([^:]+):(\d+):/.exec(error)!;
    const goMessage = error.replace(/^[^:]+:\d+:\d+: /, '');
    const fromLinkfix = [
      ...scanned.findings.filter((f) => f.kind === 'invalid').map((f) => ({ file: f.file, line: f.span.start.line, text: f.reason })),
      ...scanned.messages.map((m) => ({ file: m.file, line: m.line, text: m.message })),
    ].filter((x) => x.file === `invalid/${file}` && near(x.line, Number(line), goMessage));
    expect(fromLinkfix.length, `linkfix says nothing about invalid/${file}:${line}`).toBeGreaterThan(0);
    if (goMessage.includes('linkname') || goMessage.includes('misplaced')) {
      expect(fromLinkfix.some((x) => x.text.startsWith(goMessage))).toBe(true);
    }
  });
});

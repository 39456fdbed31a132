// End-to-end runs of the real CLI: exit codes, output formats, colours, and
// bad input that must produce a clear message and never a stack trace.

import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Writable } from 'node:stream';
import { progressReporter } from '../src/cli/progress.js';
import { ROOT, runCli, tempDir } from './helpers.js';

/** A pull every Go from 1.23 rejects (strings.ToUpper is exported, not pushed), once the package uses it. */
const PULL = 'package p\n\nimport _ "unsafe"\n\n//go:linkname toUpper strings.ToUpper\nfunc toUpper(s string) string\n\nfunc Upper(s string) string { return toUpper(s) }\n';
/** A pull every release accepts (pushed since 1.23). */
const PUSHED_PULL = 'package p\n\nimport _ "unsafe"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n\nfunc Now() int64 { return nanotime() }\n';
const PUSH = 'package p\n\nimport _ "unsafe"\n\n//go:linkname helper\nfunc helper() int { return 1 }\n';

function tree(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

describe('exit status (0 nothing fails, 1 a pull fails on a selected release, 2 usage or I/O error)', () => {
  test.each([
    ['a tree with a failing pull', { 'go.mod': 'module example.com/p\n\ngo 1.22\n', 'p.go': PULL }, [], 1],
    ['a tree whose only pull links everywhere', { 'go.mod': 'module example.com/p\n\ngo 1.22\n', 'p.go': PUSHED_PULL }, [], 0],
    ['a failing pull, judged only where it links', { 'go.mod': 'module example.com/p\n\ngo 1.22\n', 'p.go': PULL }, ['--go', '1.22'], 0],
    ['an unknown --go', { 'p.go': PULL }, ['--go', '2.0'], 2],
    ['an unknown --platform', { 'p.go': PULL }, ['--platform', 'plan9/mips'], 2],
    ['a tree with only an export', { 'go.mod': 'module example.com/p\n\ngo 1.22\n', 'p.go': PUSH }, [], 0],
    ['a tree without Go files', { 'README.txt': 'nothing here\n' }, [], 0],
    ['an unknown --format', { 'p.go': PULL }, ['--format', 'xml'], 2],
    ['a path that does not exist', { 'p.go': PULL }, ['missing-dir'], 2],
  ] as const)('%s', (_, files, extra: readonly string[], status) => {
    const dir = tree(files);
    const args = extra.includes('missing-dir') ? ['scan', 'missing-dir'] : ['scan', ...extra, '.'];
    const run = runCli(args, { cwd: dir });
    expect(run.status).toBe(status);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('an unknown command is a usage error', () => {
    expect(runCli(['scna']).status).toBe(2);
  });

  test.each([
    ['explain on an unknown --platform', ['explain', 'runtime.fastrand', '--platform', 'linux/386'], /--platform: catalogs cover/],
    ['catalog build on a directory that is not a GOROOT', ['catalog', 'build', '--goroot', '/nonexistent'], /\/nonexistent: not a Go release's GOROOT/],
  ])('%s: a clear error, exit 2', (_, args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  test('--help and --version exit 0', () => {
    expect(runCli(['--version']).status).toBe(0);
    const help = runCli(['scan', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--include-vendor');
  });
});

describe('output', () => {
  const dir = tree({ 'go.mod': 'module example.com/p\n\ngo 1.22\n', 'p.go': PULL });

  test('text: grouped by file, path:line:col, kind, target and reason, verdicts per release; summary on stderr', () => {
    const run = runCli(['scan', '.'], { cwd: dir });
    expect(run.stdout).toBe(
      [
        'p.go',
        '  p.go:5:1  pull       strings.ToUpper (std)  bodyless func pulls the exported standard-library symbol strings.ToUpper through linkname instead of calling it',
        '      1.22 ok-unchecked · 1.23–1.27 rejected',
        '        1.23–1.27: strings.ToUpper is not pushed: invalid reference to strings.ToUpper',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toMatch(/^linkfix: 1 files, 1 parsed, 1 pull, 0 asm-pulls, 0 handshakes, 0 pushes, 0 exports, 0 invalid in \d+ ms\n$/);
  });

  test('no colour in a pipe, even when NO_COLOR is unset', () => {
    const run = runCli(['scan', '.'], { cwd: dir, env: { NO_COLOR: '' } });
    expect(run.stdout).not.toContain('\u001b[');
  });

  test('json: versioned schema', () => {
    const report = JSON.parse(runCli(['scan', '--format', 'json', '.'], { cwd: dir }).stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.findings[0]).toMatchObject({ kind: 'pull', file: 'p.go', localName: 'toUpper', target: { importPath: 'strings', symbol: 'ToUpper', kind: 'std' } });
    expect(report.findings[0].verdicts.map((v: { go: string; verdict: string }) => `${v.go} ${v.verdict}`)).toEqual([
      '1.22 ok-unchecked', '1.23 rejected', '1.24 rejected', '1.25 rejected', '1.26 rejected', '1.27 rejected',
    ]);
    expect(report.summary.findings.pull).toBe(1);
  });

  test('json: the same report into a file (written straight from its text) as into a pipe', () => {
    const out = join(tempDir(), 'report.json');
    const fd = openSync(out, 'w');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'linkfix.js'), 'scan', '--format', 'json', '.'], { cwd: dir, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(run.status).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(runCli(['scan', '--format', 'json', '.'], { cwd: dir }).stdout);
  });

  test('`./...` is accepted as the go command spells it', () => {
    expect(runCli(['scan', './...'], { cwd: dir }).status).toBe(1);
  });
});

// With two threads a worker prefilters and parses too: every message must come out the same.
describe.each(['1', '2'])('bad input on %s thread(s): a clear message naming the file, and the rest of the scan completes', (jobs) => {
  test.each([
    ['a path that does not exist', {}, ['nope'], /^nope: error: cannot read path: no such file or directory$/m, 2],
    ['a directory without Go files', { 'docs/x.txt': 'x' }, ['docs'], /^docs: warning: no Go or assembly files found here$/m, 1],
    ['invalid UTF-8', { 'u.go': Buffer.concat([Buffer.from('package p\n\n// '), Buffer.from([0xff]), Buffer.from(`\n${PULL.slice('package p\n'.length)}`)]) }, ['.'], /^u\.go:3: warning: invalid UTF-8 encoding/m, 1],
    ['a syntax error', { 's.go': 'package p\n\nimport _ "unsafe"\n\nfunc f() {\n\treturn (\n}\n//go:linkname x runtime.y\nvar x int\n' }, ['.'], /^s\.go:\d+: warning: syntax error/m, 1],
    ['a go.mod that does not parse', { 'go.mod': 'module example.com/p\nnonsense here\n' }, ['.'], /^go\.mod:2: warning: go\.mod does not parse \(unknown directive: nonsense\)/m, 1],
  ] as const)('%s', (_, files, args, message, status) => {
    // Every tree also holds a good package, which must still be reported.
    const dir = tree({ ...files, 'good/g.go': PULL });
    const run = runCli(['scan', '--jobs', jobs, ...args, 'good'], { cwd: dir });
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toContain('good/g.go:5:1');
    expect(run.status).toBe(status);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unreadable file is an error (exit 2) and the rest is still scanned', () => {
    const dir = tree({ 'locked/l.go': PULL, 'good/g.go': PULL });
    chmodSync(join(dir, 'locked/l.go'), 0o000);
    chmodSync(dir, 0o755);
    // root reads anything: run the CLI as an unprivileged user to see the error a user would.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'scan', '--jobs', jobs, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, ...asUser });
    expect(r.stderr).toMatch(/^locked\/l\.go: error: cannot read file: permission denied$/m);
    expect(r.stdout).toContain('good/g.go:5:1');
    expect(r.status).toBe(2);
  });

  test('a huge generated file is scanned whole', () => {
    const body = Array.from({ length: 200_000 }, (_, i) => `var v${i} = "${'x'.repeat(40)}"`).join('\n');
    const dir = tree({ 'big.go': `// Code generated by a test. DO NOT EDIT.\n\npackage p\n\nimport _ "unsafe"\n\n${body}\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n` });
    const report = JSON.parse(runCli(['scan', '--format', 'json', '--jobs', jobs, '.'], { cwd: dir }).stdout);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'pull', generated: true, span: { start: { line: 200_008 } } });
  });
});

describe('discovery', () => {
  test.each([
    ['the same directory twice', ['a', 'a']],
    ['a directory and one inside it', ['a', 'a/b']],
    ['a directory inside one given later', ['a/b', 'a']],
    ['a file and its directory', ['a/p.go', 'a']],
  ])('overlapping paths (%s): each file is scanned once', (_, paths) => {
    const dir = tree({ 'a/p.go': PULL, 'a/b/q.go': PUSHED_PULL });
    const once = JSON.parse(runCli(['scan', '--format', 'json', 'a'], { cwd: dir }).stdout);
    const twice = JSON.parse(runCli(['scan', '--format', 'json', ...paths], { cwd: dir }).stdout);
    expect(twice.findings).toEqual(once.findings);
    expect(twice.summary).toEqual(once.summary);
  });

  test('.gitignore at every level, with negation', () => {
    const dir = tree({
      '.gitignore': 'ignored/\n*_gen.go\n',
      'ignored/a.go': PULL,
      'x_gen.go': PULL,
      'sub/.gitignore': '!keep_gen.go\nlocal.go\n',
      'sub/keep_gen.go': PULL,
      'sub/local.go': PULL,
      'sub/seen.go': PULL,
    });
    const files = JSON.parse(runCli(['scan', '--format', 'json', '.'], { cwd: dir }).stdout).findings.map((f: { file: string }) => f.file);
    expect(files).toEqual(['sub/keep_gen.go', 'sub/seen.go']);
  });

  test('.gitignore above the scan root applies inside a repository', () => {
    const dir = tree({ '.git/HEAD': 'ref: refs/heads/main\n', '.gitignore': 'skip.go\n', 'pkg/skip.go': PULL, 'pkg/keep.go': PULL });
    const files = JSON.parse(runCli(['scan', '--format', 'json', 'pkg'], { cwd: dir }).stdout).findings.map((f: { file: string }) => f.file);
    expect(files).toEqual(['pkg/keep.go']);
  });

  test('symlink loops are walked once and links out of the root are not followed', () => {
    const outside = tree({ 'o.go': PULL });
    const dir = tree({ 'a/a.go': PULL });
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'loop'));
    symlinkSync(outside, join(dir, 'out'));
    const run = runCli(['scan', '--format', 'json', '.'], { cwd: dir });
    expect(JSON.parse(run.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['a/a.go']);
  });
});

describe('progress bar', () => {
  const sink = (tty: boolean): { stream: Writable & { isTTY?: boolean }; text: () => string } => {
    let text = '';
    const stream = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }) as Writable & { isTTY?: boolean };
    stream.isTTY = tty;
    return { stream, text: () => text };
  };
  test.each([
    ['a terminal', true, {}, false, true],
    ['a pipe', false, {}, false, false],
    ['CI=true', true, { CI: 'true' }, false, false],
    ['--quiet', true, {}, true, false],
  ] as const)('on %s: shown %s', (_, tty, env, quiet, shown) => {
    const { stream, text } = sink(tty);
    const report = progressReporter(stream, env, quiet, 'files');
    report(5, 10);
    report(10, 10);
    expect(text().includes('10/10 files')).toBe(shown);
  });
});

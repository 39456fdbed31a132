// The link check writes nothing into the user's tree, even when interrupted.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { linkPackage } from '../src/linkcheck/linkcheck.js';
import { goroot, ROOT, tempDir } from './helpers.js';

/** SIGINT listeners at the moment each overlay directory is made. */
const sigintListenersAtMkdtemp = vi.hoisted((): number[] => []);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const mkdtempSync = (prefix: string, options?: unknown): string => {
    if (prefix.includes('linkfix-link-')) sigintListenersAtMkdtemp.push(process.listenerCount('SIGINT'));
    return fs.mkdtempSync(prefix, options as undefined);
  };
  return { ...fs, default: { ...fs, mkdtempSync }, mkdtempSync };
});

/** Changes under the module the link check builds in (not the whole tree, where others may be working). */
const gitStatus = (moduleDir: string): string => spawnSync('git', ['status', '--porcelain', '--ignored', moduleDir], { cwd: ROOT, encoding: 'utf8' }).stdout;

test('scan --link leaves no file behind: not in the tree, not in TMPDIR', () => {
  const tmp = tempDir('linkfix-tmpdir-');
  const before = gitStatus('fixtures/scan');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'scan', '--link', '--go', '1.26', 'fixtures/scan/stdvar'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
  });
  expect(r.stdout).toContain('link 1.26 invalid-reference');
  expect(readdirSync(tmp).filter((d) => d.startsWith('linkfix-link-'))).toEqual([]);
  expect(gitStatus('fixtures/scan')).toBe(before);
});

test('the SIGINT handler is installed before the first overlay directory exists', async () => {
  const dir = tempDir('linkfix-sigint-');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/sig\n\ngo 1.21\n');
  writeFileSync(join(dir, 'sig.go'), 'package sig\n');
  const before = process.listenerCount('SIGINT');
  expect(await linkPackage({ dir, name: 'sig', importPath: 'example.com/sig', moduleDir: dir }, goroot())).toBeNull();
  expect(sigintListenersAtMkdtemp).toEqual([before + 1]);
});

// Deterministic: the handler exists before any overlay directory does, so the directory seen here is one it removes.
test('SIGINT during --link stops the builds and removes the temporary overlay files', async () => {
  const tmp = tempDir('linkfix-tmpdir-');
  const before = gitStatus('fixtures/oracle');
  const child = spawn(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'scan', '--link=each', '--go', '>=1.21', 'fixtures/oracle'], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
  });
  // Wait until a build is under way (its overlay directory exists), then interrupt.
  const started = Date.now();
  while (!readdirSync(tmp).some((d) => d.startsWith('linkfix-link-')) && Date.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(readdirSync(tmp).some((d) => d.startsWith('linkfix-link-'))).toBe(true);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect(code).toBe(130);
  expect(readdirSync(tmp).filter((d) => d.startsWith('linkfix-link-'))).toEqual([]);
  expect(existsSync(join(ROOT, 'fixtures/oracle/zz_linkfix_linkcheck'))).toBe(false);
  expect(gitStatus('fixtures/oracle')).toBe(before);
});

test('the package name comes from the package clause, not the import path (a /v2 module, a directory named otherwise)', () => {
  const dir = tempDir('linkfix-v2-');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/lib/v2\n\ngo 1.22\n');
  mkdirSync(join(dir, 'go-thing'));
  const pull = (pkg: string): string => `package ${pkg}\n\nimport _ "unsafe"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n`;
  writeFileSync(join(dir, 'lib.go'), pull('lib'));
  writeFileSync(join(dir, 'go-thing', 'thing.go'), pull('thing'));
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'scan', '--link', '--go', '1.26', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stdout.match(/link 1\.26 ok/g)).toHaveLength(2);
});

test('the overlay compiles under an old language version (go.mod says go 1.12: no `any`)', () => {
  const dir = tempDir('linkfix-go112-');
  writeFileSync(join(dir, 'go.mod'), 'module example.com/old\n\ngo 1.12\n');
  writeFileSync(
    join(dir, 'old.go'),
    'package old\n\nimport _ "unsafe"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n\n//go:linkname ncpu runtime.ncpu\nvar ncpu int32\n',
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'scan', '--link', '--go', '1.26', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.stdout.match(/link 1\.26 ok/g)).toHaveLength(3);
});

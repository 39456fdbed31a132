import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = join(ROOT, 'fixtures');
const BIN = join(ROOT, 'bin', 'linkfix.js');


export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (the built bin/linkfix.js) as a user would. */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function goroot(): string {
  return spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim();
}

export function tempDir(prefix = 'linkfix-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Every file under `dir` (no filtering), relative to ROOT. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(relative(ROOT, path));
  }
  return out;
}

export function read(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

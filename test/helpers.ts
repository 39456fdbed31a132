import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Writes `files` (path relative to the tree's root, '/'-separated, to text)
 * into a new temporary directory, creating the folders they need, and returns
 * the directory. For a Go module, `files` holds its go.mod too.
 */
export function writeModule(files: Record<string, string>, prefix = 'linkfix-module-'): string {
  const dir = tempDir(prefix);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

/**
 * Runs the go command with `args` in `cwd` on `toolchain` (a GOTOOLCHAIN
 * value: 'local' or e.g. 'go1.27.4', downloaded once and cached), with no
 * GOFLAGS of the caller's. Returns 'links' when it succeeds, else the first
 * line of its output that is not a `# package` header: the error goes to
 * stderr, and `go test` adds its FAIL line on stdout.
 */
export function goSays(args: string[], cwd: string, toolchain: string): string {
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: toolchain } });
  if (r.status === 0) return 'links';
  return `${r.stderr}${r.stdout}`.split('\n').find((l) => l && !l.startsWith('#')) ?? `exit ${r.status}`;
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

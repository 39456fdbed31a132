// The Go on PATH: its release and GOROOT, asked about on every scan (is it
// newer than the shipped catalogs?). Read from the files of its installation
// (GOROOT/VERSION of the `go` binary PATH names); `go env` is run only when
// the files cannot answer: no VERSION file, or a GOTOOLCHAIN that may make the
// go command run another release (which that release's go would report).

import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

export interface LocalGo {
  version: string;
  goroot: string;
}

/** The Go on PATH, or null when there is none. */
export function localGo(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LocalGo | null {
  return fromInstallation(env, cwd) ?? fromGoEnv(env, cwd);
}

function fromGoEnv(env: NodeJS.ProcessEnv, cwd: string): LocalGo | null {
  try {
    const [version = '', goroot = ''] = execFileSync('go', ['env', 'GOVERSION', 'GOROOT'], { encoding: 'utf8', env, cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n');
    return /^go1\.\d+/.test(version) ? { version, goroot } : null;
  } catch {
    return null;
  }
}

/** The release the binary's own GOROOT holds; null when `go env` has to be asked. */
function fromInstallation(env: NodeJS.ProcessEnv, cwd: string): LocalGo | null {
  const binary = onPath(env, cwd);
  if (!binary) return null;
  const root = dirname(dirname(binary));
  let version: string;
  try {
    version = readFileSync(join(root, 'VERSION'), 'utf8').split('\n')[0]!.trim();
  } catch {
    return null;
  }
  if (!/^go1\.\d+/.test(version) || mayRunAnother(version, root, env, cwd)) return null;
  // The go command takes GOROOT from the environment when it is set; its version stays its own.
  return { version, goroot: env.GOROOT || root };
}

/** The `go` executable PATH names, symlinks resolved. */
function onPath(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const name = process.platform === 'win32' ? 'go.exe' : 'go';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = resolve(cwd, dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      if (process.platform !== 'win32') accessSync(candidate, constants.X_OK);
      const real = realpathSync(candidate);
      return basename(dirname(real)) === 'bin' ? real : null;
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * Could GOTOOLCHAIN make `go` run another release here? Yes when it names a
 * release; with `auto` or `path`, when the go.work or go.mod that governs `cwd`
 * asks for a newer Go than `version` (by its go or toolchain line).
 */
function mayRunAnother(version: string, goroot: string, env: NodeJS.ProcessEnv, cwd: string): boolean {
  const setting = env.GOTOOLCHAIN || configured(userGoEnv(env)) || configured(join(goroot, 'go.env')) || 'local';
  if (setting === 'local') return false;
  if (!['auto', 'path', 'local+auto', 'local+path'].includes(setting)) return true;
  const local = goVersionKey(version);
  const files = [nearest('go.mod', cwd), env.GOWORK && env.GOWORK !== 'off' ? env.GOWORK : nearest('go.work', cwd)];
  for (const file of files) {
    if (!file) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\s*(?:go|toolchain)\s+(?:go)?(\S+)/gm)) {
      if (m[1] === 'default') continue;
      const wanted = goVersionKey(m[1]!);
      if (!local || !wanted || compareKeys(wanted, local) > 0) return true;
    }
  }
  return false;
}

/** The GOTOOLCHAIN line of a go env file. */
function configured(file: string | null): string | undefined {
  if (!file) return undefined;
  try {
    return /^GOTOOLCHAIN=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The file `go env -w` writes (os.UserConfigDir()/go/env, or $GOENV). */
function userGoEnv(env: NodeJS.ProcessEnv): string | null {
  if (env.GOENV) return env.GOENV === 'off' ? null : env.GOENV;
  const config =
    process.platform === 'win32'
      ? env.AppData
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return config ? join(config, 'go', 'env') : null;
}

function nearest(name: string, from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    try {
      if (statSync(join(dir, name)).isFile()) return join(dir, name);
    } catch {
      // not here
    }
    if (dirname(dir) === dir) return null;
  }
}

/** `1.26`, `1.26rc1`, `1.26.8` (go prefix aside) in Go's order: a language version, its betas, its release candidates, its patches. */
function goVersionKey(v: string): number[] | null {
  const m = /^(?:go)?1\.(\d+)(?:(beta|rc)(\d+)|\.(\d+))?$/.exec(v);
  if (!m) return null;
  const stage = m[2] === 'beta' ? 1 : m[2] === 'rc' ? 2 : m[4] !== undefined ? 3 : 0;
  return [Number(m[1]), stage, Number(m[3] ?? m[4] ?? 0)];
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

// Which Go is on PATH, asked on every scan: read from the GOROOT of the `go`
// binary PATH names (its VERSION file), without running it; the go command
// is run only when the files cannot tell, or when GOTOOLCHAIN may make it run
// another release. The `go` here is a stand-in that leaves a mark when run.

import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { localGo } from '../src/catalog/local-go.js';
import { tempDir } from './helpers.js';

/** A GOROOT with bin/go (answering `go env` as go1.98.0 from /elsewhere) reached through a symlink in another PATH directory. */
function installation(version: string | null): { env: NodeJS.ProcessEnv; goroot: string; ran: () => boolean; home: string } {
  const home = tempDir('linkfix-localgo-');
  const goroot = join(home, 'sdk', 'go');
  mkdirSync(join(goroot, 'bin'), { recursive: true });
  if (version) writeFileSync(join(goroot, 'VERSION'), `${version}\ntime 2026-01-01T00:00:00Z\n`);
  const mark = join(home, 'ran');
  writeFileSync(join(goroot, 'bin', 'go'), `#!/bin/sh\ntouch '${mark}'\nprintf 'go1.98.0\\n/elsewhere\\n'\n`, { mode: 0o755 });
  mkdirSync(join(home, 'path'));
  symlinkSync(join(goroot, 'bin', 'go'), join(home, 'path', 'go'));
  const env = { PATH: `${join(home, 'empty')}:${join(home, 'path')}:/usr/bin:/bin`, HOME: home, XDG_CONFIG_HOME: join(home, 'config') };
  return { env, goroot: realpathSync(goroot), ran: () => existsSync(mark), home };
}

describe('the local Go', () => {
  test('is read from VERSION next to the go binary on PATH (symlinks followed), without running it', () => {
    const go = installation('go1.99.2');
    expect(localGo(go.env, go.home)).toEqual({ version: 'go1.99.2', goroot: go.goroot });
    expect(go.ran()).toBe(false);
  });

  test('takes GOROOT from the environment when it is set, as the go command does', () => {
    const go = installation('go1.99.2');
    expect(localGo({ ...go.env, GOROOT: '/opt/other' }, go.home)).toEqual({ version: 'go1.99.2', goroot: '/opt/other' });
    expect(go.ran()).toBe(false);
  });

  test.each([
    ['GOTOOLCHAIN names a release', { GOTOOLCHAIN: 'go1.98.0' }, {}],
    ['GOTOOLCHAIN names a minimum with auto', { GOTOOLCHAIN: 'go1.98.0+auto' }, {}],
    ['go env -w GOTOOLCHAIN=… in the user config', {}, { 'config/go/env': 'GOTOOLCHAIN=go1.98.0\n' }],
    ['GOTOOLCHAIN=auto and go.mod asks for a newer go', { GOTOOLCHAIN: 'auto' }, { 'go.mod': 'module m\n\ngo 1.100\n' }],
    ['GOTOOLCHAIN=auto and go.work names a newer toolchain', { GOTOOLCHAIN: 'auto' }, { 'go.work': 'go 1.99\n\ntoolchain go1.99.3\n' }],
  ])('runs `go env` when %s', (_, env, files) => {
    const go = installation('go1.99.2');
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(go.home, rel, '..'), { recursive: true });
      writeFileSync(join(go.home, rel), text);
    }
    expect(localGo({ ...go.env, ...env }, go.home)).toEqual({ version: 'go1.98.0', goroot: '/elsewhere' });
    expect(go.ran()).toBe(true);
  });

  test.each([
    ['GOTOOLCHAIN=local', { GOTOOLCHAIN: 'local' }, 'go 1.100\n'],
    ['GOTOOLCHAIN=auto and go.mod asks for this go or an older one', { GOTOOLCHAIN: 'auto' }, 'module m\n\ngo 1.99\n\ntoolchain go1.99.2\n'],
  ])('reads the files when %s', (_, env, goMod) => {
    const go = installation('go1.99.2');
    writeFileSync(join(go.home, 'go.mod'), goMod);
    expect(localGo({ ...go.env, ...env }, go.home)).toEqual({ version: 'go1.99.2', goroot: go.goroot });
    expect(go.ran()).toBe(false);
  });

  test('runs `go env` when the GOROOT has no VERSION file (a Go built from source)', () => {
    const go = installation(null);
    expect(localGo(go.env, go.home)).toEqual({ version: 'go1.98.0', goroot: '/elsewhere' });
    expect(go.ran()).toBe(true);
  });

  test('is null when no go is on PATH', () => {
    const go = installation('go1.99.2');
    rmSync(join(go.home, 'path', 'go'));
    expect(localGo({ ...go.env, PATH: join(go.home, 'path') }, go.home)).toBeNull();
  });
});

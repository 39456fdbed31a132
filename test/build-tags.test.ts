// The user's build tags (`--tags`, as go build's -tags) decide which files are
// compiled, so they decide which pulls are judged: a failing pull in a file
// that needs a tag is not-compiled without it, and fails with it. Through the
// real CLI, for scan and for deps, and against go build itself.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli, writeModule } from './helpers.js';

/** A package whose only pull (used, of an unpushed std func) is in a file for the `foo` tag. */
const TAGGED = {
  'lib/lib.go': 'package lib\n\nfunc Hello() int { return extra() }\n',
  'lib/extra_foo.go': '//go:build foo\n\npackage lib\n\nimport _ "unsafe"\n\n//go:linkname gcount runtime.gcount\nfunc gcount() int32\n\nfunc extra() int { return int(gcount()) }\n',
  'lib/extra_other.go': '//go:build !foo\n\npackage lib\n\nfunc extra() int { return 0 }\n',
};

interface Pull {
  file: string;
  verdicts: { go: string; verdict: string }[];
}

const verdictsOf = (stdout: string, pulls: (report: unknown) => Pull[]): string[] =>
  pulls(JSON.parse(stdout)).flatMap((f) => f.verdicts.map((v) => `${f.file.split('/').pop()} ${v.go} ${v.verdict}`));

describe('scan --tags', () => {
  let dir: string;
  beforeAll(() => {
    dir = writeModule({ 'go.mod': 'module example.com/tagged\n\ngo 1.23\n', ...TAGGED }, 'linkfix-tags-');
  });

  test.each([
    ['no tags', [], 0, ['extra_foo.go 1.23 not-compiled', 'extra_foo.go 1.27 not-compiled']],
    ['--tags foo', ['--tags', 'foo'], 1, ['extra_foo.go 1.23 rejected', 'extra_foo.go 1.27 rejected']],
    ['--tags bar,foo', ['--tags', 'bar,foo'], 1, ['extra_foo.go 1.23 rejected', 'extra_foo.go 1.27 rejected']],
    ['--tags bar', ['--tags', 'bar'], 0, ['extra_foo.go 1.23 not-compiled', 'extra_foo.go 1.27 not-compiled']],
  ])('%s', (_, tags, status, verdicts) => {
    const r = runCli(['scan', '--format', 'json', '--go', '1.23,1.27', ...tags, dir]);
    expect(r.status, r.stderr).toBe(status);
    expect(verdictsOf(r.stdout, (report) => (report as { findings: Pull[] }).findings)).toEqual(verdicts);
  });

  test('the text report says which tags left a file out', () => {
    const r = runCli(['scan', '--go', '1.27', '--tags', 'bar', dir]);
    expect(r.stdout).toContain('1.27 not-compiled');
    const json = runCli(['scan', '--format', 'json', '--go', '1.27', '--tags', 'bar', dir]);
    expect((JSON.parse(json.stdout) as { findings: { verdicts: { detail: string }[] }[] }).findings[0]!.verdicts[0]!.detail).toBe(
      "the file's build constraint excludes this release on linux/amd64 with tags bar",
    );
  });

  test('scan --link builds with the tags: the real link of the tagged pull fails with them, and is not attempted without', { timeout: 300_000 }, () => {
    const outcomes = (...tags: string[]): string[] => {
      const r = runCli(['scan', '--format', 'json', '--go', '1.26', '--link', ...tags, dir]);
      return (JSON.parse(r.stdout) as { findings: { link?: { outcome: string }[] }[] }).findings.flatMap((f) => (f.link ?? []).map((l) => l.outcome));
    };
    expect(outcomes()).toEqual(['not-compiled']);
    expect(outcomes('--tags', 'foo')).toEqual(['invalid-reference']);
  });

  test('go build agrees: the link fails only with -tags foo', () => {
    const app = writeModule({
      'go.mod': 'module example.com/tagged\n\ngo 1.23\n',
      ...TAGGED,
      'main.go': 'package main\n\nimport "example.com/tagged/lib"\n\nfunc main() { println(lib.Hello()) }\n',
    }, 'linkfix-tags-');
    const build = (...tags: string[]) => spawnSync('go', ['build', ...tags, '-o', join(app, 'bin'), '.'], { cwd: app, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' } });
    expect(build().status).toBe(0);
    const tagged = build('-tags', 'foo');
    expect(tagged.status).not.toBe(0);
    expect(tagged.stderr).toContain('invalid reference to runtime.gcount');
  });
});

describe('deps --tags', () => {
  test('a dependency file that needs the tag: left out of the build without it, judged with it', { timeout: 300_000 }, () => {
    const root = writeModule({
      'dep/go.mod': 'module example.com/dep\n\ngo 1.23\n',
      ...Object.fromEntries(Object.entries(TAGGED).map(([file, text]) => [`dep/${file}`, text])),
      'app/go.mod': 'module example.com/app\n\ngo 1.23\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n',
      'app/main.go': 'package main\n\nimport "example.com/dep/lib"\n\nfunc main() { println(lib.Hello()) }\n',
    }, 'linkfix-tags-');
    const app = join(root, 'app');
    const deps = (...tags: string[]) => runCli(['deps', '--go', '1.23,1.27', '--no-search', '--no-cache', '--quiet', '--format', 'json', ...tags, app], { env: { GOFLAGS: '-mod=mod' } });
    const pulls = (report: unknown): Pull[] => (report as { modules: { pulls: Pull[] }[] }).modules.flatMap((m) => m.pulls);

    const untagged = deps();
    expect(untagged.status, untagged.stderr).toBe(0);
    expect(verdictsOf(untagged.stdout, pulls)).toEqual([]);

    const tagged = deps('--tags', 'foo');
    expect(tagged.status, tagged.stderr).toBe(1);
    expect(verdictsOf(tagged.stdout, pulls)).toEqual(['extra_foo.go 1.23 rejected', 'extra_foo.go 1.27 rejected']);
  });
});

// The rewrite engine end to end, against the real toolchain: the fixture
// modules fail to link on Go 1.26 where linkfix says so; after
// `linkfix fix --write` they build, vet, stay gofmt-clean, pass their own
// tests (which check that behaviour is kept), and a second run changes nothing.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { applyPlan } from '../src/fix/apply.js';
import { plan } from '../src/fix/plan.js';
import type { Plan } from '../src/fix/types.js';
import { writeChanges } from '../src/emit/write.js';
import { judgeScan } from '../src/judge/judge.js';
import { scanSync } from '../src/scan/scan.js';
import { LinkfixError } from '../src/errors.js';
import { FIXTURES, listFiles, runCli, tempDir } from './helpers.js';

// The corpus run's checks (scripts/corpus.mjs), imported by a computed name so the type checker takes the interface.
interface CorpusChecks {
  docEntries(text: string): Map<string, string>;
  compareDocs(before: Map<string, string>, after: Map<string, string>): string[];
  satisfiable(name: string, text: string, oldest: number, newest: number): boolean;
}
const corpusScript = '../scripts/corpus.mjs';
const corpus = (await import(corpusScript)) as CorpusChecks;

function sh(cmd: string, args: string[], cwd: string): { status: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local' } });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(f, 'utf8')]));
}

describe('fix --write on the fixture modules (Go 1.26)', () => {
  const root = tempDir('linkfix-fix-');
  const rewrite = join(root, 'rewrite');
  const handshake = join(root, 'handshake');
  let before: { findings: { file: string; verdicts?: { verdict: string }[]; link?: { outcome: string }[] }[] };
  let firstRun: ReturnType<typeof runCli>;

  beforeAll(() => {
    cpSync(join(FIXTURES, 'fix'), root, { recursive: true });
    before = JSON.parse(runCli(['scan', '--format', 'json', '--link', '--go', '1.26', 'rewrite', 'handshake'], { cwd: root }).stdout);
    firstRun = runCli(['fix', '--write', '--unsafe-fixes', 'rewrite', 'handshake'], { cwd: root });
  });

  test('before: every pull linkfix calls broken on 1.26 fails to link there, and the others link', () => {
    const pulls = before.findings.filter((f) => f.verdicts);
    expect(pulls.length).toBeGreaterThanOrEqual(10);
    for (const f of pulls) {
      const broken = ['rejected', 'blocked', 'missing', 'abi-mismatch'].includes(f.verdicts![0]!.verdict);
      expect(f.link![0]!.outcome === 'ok', `${f.file}: ${f.verdicts![0]!.verdict} vs ${f.link![0]!.outcome}`).toBe(!broken);
    }
    expect(pulls.filter((f) => f.link![0]!.outcome === 'invalid-reference').length).toBeGreaterThanOrEqual(4);
  });

  test('the run writes, and exits 1 because procPin is left to a person', () => {
    expect(firstRun.stderr).toContain('wrote rewrite/safeset/safeset_from_std.go');
    expect(firstRun.stderr).toMatch(/manual: .*runtime\.procPin/);
    expect(firstRun.status).toBe(1);
  });

  test('after: go vet is clean and the fixtures\' own tests pass', () => {
    for (const [dir, pkgs] of [[rewrite, ['./...']], [handshake, ['example.com/hsa/...', 'example.com/hsb/...']]] as const) {
      const vet = sh('go', ['vet', ...pkgs], dir);
      expect(vet.out).toBe('');
      const tests = sh('go', ['test', ...pkgs], dir);
      expect(tests.status, tests.out).toBe(0);
    }
  });

  test('after: gofmt has nothing to change (the CRLF file aside, which gofmt would turn to LF)', () => {
    expect(sh('gofmt', ['-l', '.'], root).out.trim().split('\n')).toEqual(['rewrite/crlf/crlf.go']);
    const crlf = readFileSync(join(rewrite, 'crlf/crlf.go'), 'utf8');
    expect(crlf.split('\n').slice(0, -1).every((l) => l.endsWith('\r'))).toBe(true);
    expect(crlf).toContain('return strings.ToLower(s)\r\n');
  });

  test('after: go doc -all of every package is unchanged (the same names, each with its doc comment, nothing new exported), and every created file compiles on some release', () => {
    for (const [dir, pristine] of [[rewrite, join(FIXTURES, 'fix/rewrite')], [join(root, 'guard'), join(FIXTURES, 'fix/guard')]] as const) {
      if (dir !== rewrite) runCli(['fix', '--write', '--unsafe-fixes', '.'], { cwd: dir });
      for (const pkg of sh('go', ['list', './...'], dir).out.trim().split('\n')) {
        const after = corpus.docEntries(sh('go', ['doc', '-all', pkg], dir).out);
        expect([pkg, corpus.compareDocs(corpus.docEntries(sh('go', ['doc', '-all', pkg], pristine).out), after)]).toEqual([pkg, []]);
      }
      const created = listFiles(dir).filter((f) => !existsSync(join(pristine, f.slice(dir.length + 1))));
      expect(created.length).toBeGreaterThan(0);
      const goLine = Number(/^go 1\.(\d+)/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))![1]);
      for (const file of created) expect([file, corpus.satisfiable(file.split('/').pop()!, readFileSync(file, 'utf8'), goLine, 27)]).toEqual([file, true]);
    }
  });

  test('after: nothing fails on 1.26 any more, by verdict and by the real linker', () => {
    const after = JSON.parse(runCli(['scan', '--format', 'json', '--link', '--go', '1.26', 'rewrite', 'handshake'], { cwd: root }).stdout);
    const pulls = after.findings.filter((f: { verdicts?: unknown }) => f.verdicts);
    expect(pulls.map((f: { localName: string }) => f.localName).sort()).toEqual(['plain', 'procPin', 'procUnpin']);
    for (const f of pulls) expect(f.link[0].outcome).toBe('ok');
  });

  test('what each strategy wrote', () => {
    const lib = readFileSync(join(handshake, 'b/lib/lib.go'), 'utf8');
    expect(lib).toContain('import _ "unsafe"\n\n//go:linkname plain\nfunc plain() int');
    const copy = readFileSync(join(rewrite, 'safeset/safeset_from_std.go'), 'utf8');
    expect(copy).toMatch(/^\/\/ Copyright \d+ The Go Authors\. All rights reserved\.\n\/\/ Use of this source code is governed by a BSD-style/);
    expect(copy).toMatch(/copied from encoding\/json \(tables\.go\) of go1\.\d+/);
    expect(readFileSync(join(rewrite, 'fastrand/fastrand.go'), 'utf8')).toContain('randv2 "math/rand/v2"');
    expect(existsSync(join(rewrite, 'emptyasm/stub.s'))).toBe(false);
    expect(readFileSync(join(rewrite, 'manual/manual.go'), 'utf8')).toContain('//go:linkname procPin runtime.procPin');
  });

  test('idempotent: a second run changes nothing', () => {
    const snap = snapshot(root);
    const again = runCli(['fix', '--write', '--unsafe-fixes', 'rewrite', 'handshake'], { cwd: root });
    expect(again.stderr).toContain('wrote 0 files');
    expect(snapshot(root)).toEqual(snap);
  });
});

describe('fix --dry-run', () => {
  test('prints a diff that git apply and patch -p1 accept, and changes nothing', () => {
    const root = tempDir('linkfix-diff-');
    cpSync(join(FIXTURES, 'fix'), root, { recursive: true });
    const snap = snapshot(root);
    const run = runCli(['fix', '--unsafe-fixes', 'rewrite', 'handshake'], { cwd: root });
    expect(run.status).toBe(1);
    expect(snapshot(root)).toEqual(snap);
    writeFileSync(join(root, '..', `${root.split('/').pop()}.diff`), run.stdout);
    const diffFile = join(root, '..', `${root.split('/').pop()}.diff`);
    expect(sh('git', ['init', '-q'], root).status).toBe(0);
    expect(sh('git', ['apply', '--check', diffFile], root).out).toBe('');
    const patch = sh('patch', ['-p1', '--dry-run', '-i', diffFile], root);
    expect(patch.status, patch.out).toBe(0);
  });

  test('an empty diff exits 0', () => {
    expect(runCli(['fix', 'fixtures/scan/export']).status).toBe(0);
  });

  test('unsafe fixes are reported, not applied, without --unsafe-fixes', () => {
    const run = runCli(['fix', 'fixtures/fix/rewrite/nanotime']);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('not applied: unsafe fix (behaviour changes): pass --unsafe-fixes to apply it');
    // A second run would not apply it either: the summary does not say re-run.
    expect(run.stderr).toMatch(/linkfix: applied 0 of 1 fixes, 0 manual; 0 files would change\n$/);
  });

  test('a rule whose expected signature does not match reports why, and edits nothing', () => {
    const root = tempDir('linkfix-sig-');
    writeFileSync(join(root, 'go.mod'), 'module example.com/sig\n\ngo 1.22\n');
    writeFileSync(join(root, 'p.go'), 'package p\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint64\n');
    const run = runCli(['fix', '.'], { cwd: root });
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('manual: the replacement math/rand/v2.Uint32() expects func() (uint32), the local declaration is func fastrand() uint64');
  });

  test('--only-broken leaves pulls that link on every judged release alone', () => {
    const all = runCli(['fix', '--format', 'json', 'fixtures/scan/stdfunc']);
    const broken = runCli(['fix', '--format', 'json', '--only-broken', 'fixtures/scan/stdfunc']);
    const targets = (r: ReturnType<typeof runCli>): string[] => JSON.parse(r.stdout).diagnostics.map((d: { target: { raw: string } }) => d.target.raw);
    expect(targets(all)).toEqual(['runtime.fastrand', 'runtime.nanotime', 'strings.ToUpper']);
    expect(targets(broken)).toEqual(['strings.ToUpper']);
  });

  test('--format json gives the fixes as data', () => {
    const report = JSON.parse(runCli(['fix', '--format', 'json', 'fixtures/fix/rewrite/exported']).stdout);
    expect(report.diagnostics).toHaveLength(3);
    expect(report.diagnostics[0].fixes[0]).toMatchObject({ applicability: 'safe', strategy: 'exported', applied: true });
    expect(report.diagnostics[0].fixes[0].edits[0].start).toMatchObject({ line: 7, column: 1 });
  });
});

describe('bad input: nothing is lost', () => {
  const PULLS = {
    'go.mod': 'module example.com/bad\n\ngo 1.22\n',
    'a/a.go': 'package a\n\nimport _ "unsafe"\n\n//go:linkname toUpper strings.ToUpper\nfunc toUpper(s string) string\n',
    'b/b.go': 'package b\n\nimport _ "unsafe"\n\n//go:linkname toLower strings.ToLower\nfunc toLower(s string) string\n',
  };
  async function planned(files: Record<string, string>): Promise<{ dir: string; plan: Plan }> {
    const dir = tempDir('linkfix-bad-');
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(dir, rel, '..'), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '1.26', useLocalGo: false });
    return { dir, plan: plan(judged) };
  }

  test('a read-only file is refused before anything is written', async () => {
    const { dir, plan: p } = await planned(PULLS);
    const changes = applyPlan(p).changes;
    chmodSync(join(dir, 'b/b.go'), 0o444);
    expect(() => writeChanges(changes)).toThrow(/b\/b\.go|read-only/);
    expect(readFileSync(join(dir, 'a/a.go'), 'utf8')).toBe(PULLS['a/a.go']);
  });

  test('a file changed between read and write is not overwritten', async () => {
    const { dir, plan: p } = await planned(PULLS);
    const changes = applyPlan(p).changes;
    writeFileSync(join(dir, 'b/b.go'), `${PULLS['b/b.go']}// edited meanwhile\n`);
    expect(() => writeChanges(changes)).toThrow(LinkfixError);
    expect(readFileSync(join(dir, 'a/a.go'), 'utf8')).toBe(PULLS['a/a.go']);
    expect(readFileSync(join(dir, 'b/b.go'), 'utf8')).toContain('edited meanwhile');
  });

  test('a write that fails part-way (disk full) restores the files already written', async () => {
    const { dir, plan: p } = await planned(PULLS);
    const changes = applyPlan(p).changes;
    let writes = 0;
    const diskFull = (path: string, data: Buffer): void => {
      if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      writeFileSync(path, data);
    };
    expect(() => writeChanges(changes, diskFull)).toThrow(/no space left.*already written were restored/);
    expect(readFileSync(join(dir, 'a/a.go'), 'utf8')).toBe(PULLS['a/a.go']);
    expect(readFileSync(join(dir, 'b/b.go'), 'utf8')).toBe(PULLS['b/b.go']);
  });

  test('conflicting fixes: the second is dropped whole and reported', async () => {
    const { plan: p } = await planned(PULLS);
    const first = p.diagnostics[0]!.fixes[0]!;
    // The same range as the first fix's directive removal, with other text: overlapping edits that are not both deletions clash.
    const clash = { ...p.diagnostics[0]!, fixes: [{ ...first, edits: [{ ...first.edits[0]!, newText: '// replaced\n' }] }] };
    const result = applyPlan({ ...p, diagnostics: [...p.diagnostics, clash] });
    expect(result.applied).toHaveLength(2);
    expect(result.skipped.map((s) => [s.reason, s.retry])).toEqual([[expect.stringMatching(/^conflicts \(a\/a\.go: it overlaps another fix's edit\); re-run to apply it$/), true]]);
  });

  test('an edit that would break the syntax is refused', async () => {
    const { plan: p } = await planned(PULLS);
    const broken = { ...p.diagnostics[0]!, fixes: [{ ...p.diagnostics[0]!.fixes[0]!, edits: [{ ...p.diagnostics[0]!.fixes[0]!.edits[1]!, newText: 'func toUpper(s string) string {' }] }] };
    const result = applyPlan({ ...p, diagnostics: [broken] });
    expect(result.changes).toEqual([]);
    expect(result.skipped[0]!.reason).toMatch(/would not parse/);
  });

  test('a refused fix goes whole: not its edits to other files, nor the files it creates', async () => {
    const { plan: p } = await planned(PULLS);
    const fix = p.diagnostics[0]!.fixes[0]!;
    const breaking = { ...fix.edits[1]!, newText: 'func toUpper(s string) string {' };
    const elsewhere = { file: 'b/b.go', start: 0, end: 0, newText: '// touched\n' };
    const created = { kind: 'create' as const, file: 'a/new.go', content: 'package a\n' };
    const broken = { ...p.diagnostics[0]!, fixes: [{ ...fix, edits: [elsewhere, breaking], files: [created] }] };
    const result = applyPlan({ ...p, diagnostics: [broken] });
    expect(result.changes).toEqual([]);
    expect(result.applied).toEqual([]);
    expect(result.skipped[0]!.reason).toMatch(/would not parse/);
  });

  test('a file with a syntax error still gets fixes that do not add errors', async () => {
    const { plan: p } = await planned({ ...PULLS, 'a/a.go': `${PULLS['a/a.go']}\nfunc broken() {\n\treturn (\n}\n` });
    const result = applyPlan(p);
    expect(result.changes.map((c) => c.file)).toContain('a/a.go');
  });

  test('vendored files are reported, not edited (unless --include-vendor)', async () => {
    const dir = tempDir('linkfix-vendor-');
    mkdirSync(join(dir, 'vendor/example.com/dep'), { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/v\n\ngo 1.22\n');
    writeFileSync(join(dir, 'vendor/example.com/dep/d.go'), PULLS['a/a.go'].replace('package a', 'package dep'));
    const judged = await judgeScan(scanSync([dir], { base: dir, includeVendor: true }), { go: '1.26', useLocalGo: false });
    const p = plan(judged);
    expect(applyPlan(p).changes).toEqual([]);
    expect(applyPlan(p).skipped[0]!.reason).toMatch(/vendor\/example\.com\/dep\/d\.go is vendored/);
    expect(applyPlan(p, { includeVendor: true }).changes.map((c) => c.file)).toEqual(['vendor/example.com/dep/d.go']);
  });

  test('generated files are reported, not edited', async () => {
    const { plan: p } = await planned({ ...PULLS, 'a/a.go': `// Code generated by hand. DO NOT EDIT.\n\n${PULLS['a/a.go']}` });
    const result = applyPlan(p);
    expect(result.changes.map((c) => c.file)).toEqual(['b/b.go']);
    expect(result.skipped[0]!.reason).toMatch(/a\/a\.go is generated/);
    expect(applyPlan(p, { includeGenerated: true }).changes.map((c) => c.file)).toEqual(['a/a.go', 'b/b.go']);
  });

  test('the generated marker counts only before the package clause, as go/ast.IsGenerated has it', async () => {
    const { plan: p } = await planned({ ...PULLS, 'a/a.go': `${PULLS['a/a.go']}
// Code generated by hand. DO NOT EDIT.
` });
    expect(applyPlan(p).changes.map((c) => c.file)).toEqual(['a/a.go', 'b/b.go']);
  });
});

describe('fix --write --verify', () => {
  test('builds and vets every changed package with the judged releases after writing', () => {
    const root = tempDir('linkfix-verify-');
    cpSync(join(FIXTURES, 'fix/rewrite'), root, { recursive: true });
    const run = runCli(['fix', '--write', '--verify', '--go', '1.26', 'exported'], { cwd: root });
    expect(run.stderr).toContain('linkfix: verified 1 package links');
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, 'exported/exported.go'), 'utf8')).toContain('return strings.ToUpper(s)');
  });
});

test('fix --write --verify restores every file when a changed package stops passing', () => {
  // On Go 1.22 the pull links (unchecked) and vet cannot see through the bodyless sprintf;
  // once sprintf calls fmt.Sprintf, vet checks the format and fails.
  const root = tempDir('linkfix-verify-bad-');
  writeFileSync(join(root, 'go.mod'), 'module example.com/vb\n\ngo 1.22\n');
  const src = 'package vb\n\nimport _ "unsafe"\n\n//go:linkname sprintf fmt.Sprintf\nfunc sprintf(format string, a ...any) string\n\n// Show formats badly.\nfunc Show() string { return sprintf("%d", "x") }\n';
  writeFileSync(join(root, 'vb.go'), src);
  const run = runCli(['fix', '--write', '--verify', '--go', '1.22', '.'], { cwd: root });
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/--verify: restored every file of the run/);
  expect(run.stderr).toContain('wrong type');
  expect(readFileSync(join(root, 'vb.go'), 'utf8')).toBe(src);
});

describe('build-tag guard: the replacement needs a newer Go than the module allows', () => {
  test('the pull stays for Go 1.21 behind !go1.22, math/rand/v2 serves 1.22+, and both build and pass', () => {
    const root = tempDir('linkfix-guard-');
    cpSync(join(FIXTURES, 'fix/guard'), root, { recursive: true });
    const run = runCli(['fix', '--write', '.'], { cwd: root });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(join(root, 'rnd/rnd_fastrand_linkname.go'), 'utf8')).toMatch(/^\/\/go:build !go1\.22\n/);
    expect(readFileSync(join(root, 'rnd/rnd_fastrand_go122.go'), 'utf8')).toMatch(/^\/\/go:build go1\.22\n/);
    expect(sh('gofmt', ['-l', '.'], root).out).toBe('');
    expect(sh('go', ['vet', './...'], root).out).toBe('');
    const newPath = sh('go', ['test', './...'], root);
    expect(newPath.status, newPath.out).toBe(0);
    const go121 = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'go1.21.13' } }).stdout.trim();
    const oldPath = sh(join(go121, 'bin/go'), ['test', './...'], root);
    expect(oldPath.status, oldPath.out).toBe(0);
    const snap = snapshot(root);
    expect(runCli(['fix', '--write', '.'], { cwd: root }).stderr).toContain('wrote 0 files');
    expect(snapshot(root)).toEqual(snap);
  });
});

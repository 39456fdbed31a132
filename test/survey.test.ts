// linkfix survey and report: one NDJSON record per module, resumable,
// shardable — and the report of N shards equals the report of one run.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from './helpers.js';

const PULLS = [
  ['toUpper', 'strings.ToUpper', 'func toUpper(s string) string'],
  ['fastrand', 'runtime.fastrand', 'func fastrand() uint32'],
  ['ncpu', 'runtime.ncpu', 'var ncpu int32'],
] as const;

/** n modules; module i pulls PULLS[i % 3], and every fourth module pulls nothing. */
function modules(n: number): string {
  const root = tempDir('linkfix-survey-');
  for (let i = 0; i < n; i++) {
    const dir = join(root, `m${String(i).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), `module example.com/m${i}\n\ngo 1.22\n`);
    const [local, target, decl] = PULLS[i % 3]!;
    writeFileSync(join(dir, 'p.go'), i % 4 === 3 ? 'package p\n' : `package p\n\nimport _ "unsafe"\n\n//go:linkname ${local} ${target}\n${decl}\n\nvar _ = ${local} // used: the linker checks it\n`);
  }
  return root;
}

describe('survey', () => {
  let root: string;
  let out: string;
  beforeAll(() => {
    root = modules(12);
    out = join(tempDir('linkfix-out-'), 'all.ndjson');
    expect(runCli(['survey', root, '--out', out, '--go', '1.22,1.26']).status).toBe(0);
  });

  test('one record per module, with its pulls and their verdicts', () => {
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(12);
    expect(records[0]).toMatchObject({ module: 'example.com/m0', pulls: [{ target: 'strings.ToUpper', targetKind: 'std', verdicts: { '1.22': 'ok-unchecked', '1.26': 'rejected' } }], errors: [] });
    expect(records[3].pulls).toEqual([]);
  });

  test('resumable: a second run skips every module already recorded', () => {
    const again = runCli(['survey', root, '--out', out, '--go', '1.22,1.26']);
    expect(again.stderr).toContain('surveyed 0 modules (12 already in');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(12);
  });

  test('three shards split the modules and report exactly what one run does', () => {
    const dir = tempDir('linkfix-shards-');
    const shards = [1, 2, 3].map((k) => {
      const file = join(dir, `shard-${k}.ndjson`);
      expect(runCli(['survey', root, '--out', file, '--go', '1.22,1.26', '--shard', `${k}/3`]).status).toBe(0);
      return file;
    });
    const dirs = shards.flatMap((f) => readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).dir));
    expect(dirs.sort()).toEqual(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).dir).sort());
    for (const format of ['markdown', 'html']) {
      expect(runCli(['report', '--format', format, ...shards]).stdout).toBe(runCli(['report', '--format', format, out]).stdout);
    }
  });

  test('a list file names the modules, one per line', () => {
    const list = join(root, 'modules.txt');
    writeFileSync(list, '# two of them\nm000\nm001\n');
    const file = join(tempDir('linkfix-list-'), 'list.ndjson');
    runCli(['survey', list, '--out', file]);
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).module)).toEqual(['example.com/m0', 'example.com/m1']);
  });

  test('a nested module is its own record: its pulls are not counted in the outer one', () => {
    const tree = modules(1);
    const nested = join(tree, 'm000', 'sub');
    mkdirSync(nested);
    writeFileSync(join(nested, 'go.mod'), 'module example.com/sub\n\ngo 1.22\n');
    writeFileSync(join(nested, 'q.go'), `package q\n\nimport _ "unsafe"\n\n//go:linkname fastrand runtime.fastrand\nfunc fastrand() uint32\n`);
    const file = join(tempDir('linkfix-nested-'), 'nested.ndjson');
    expect(runCli(['survey', tree, '--out', file, '--go', '1.26']).status).toBe(0);
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.module, r.pulls.map((p: { target: string }) => p.target)])).toEqual([
      ['example.com/m0', ['strings.ToUpper']],
      ['example.com/sub', ['runtime.fastrand']],
    ]);
  });

  test('a bad --go is the run\'s error (exit 2), not written into every record', () => {
    const file = join(tempDir('linkfix-badgo-'), 'bad.ndjson');
    const run = runCli(['survey', root, '--out', file, '--go', '1.99']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--go');
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe('');
  });

  test('report: per symbol, per module, and modules broken per release', () => {
    const md = runCli(['report', out]).stdout;
    expect(md).toContain('12 modules surveyed, 9 with linkname pulls.');
    expect(md).toContain('| modules | 0 | 6 |'); // 1.22: nothing fails; 1.26: toUpper (3 modules) and ncpu (3 modules)
    expect(md).toMatch(/\| `strings\.ToUpper` \| 3: example\.com\/m0, example\.com\/m6, example\.com\/m9 \| ok-unchecked \| rejected \|/);
    expect(md).toContain('| example.com/m2 | 1.26: `runtime.ncpu` |');
    const html = runCli(['report', '--format', 'html', out]).stdout;
    expect(html.match(/<tr><td><code>/g)).toHaveLength(3);
    expect(html).toContain('<svg id="chart"');
  });
});

describe('survey --modules: module@version lines fetched through GOPROXY', () => {
  const list = join(tempDir('linkfix-modules-'), 'modules.txt');
  const out = join(tempDir('linkfix-modules-out-'), 'modules.ndjson');
  let first: ReturnType<typeof runCli>;
  beforeAll(() => {
    // A malformed path fails in the go command itself: no lookup at the proxy.
    writeFileSync(list, '# pinned\ngithub.com/parquet-go/parquet-go@v0.20.0\ngithub.com/jackc/puddle/v2@v2.1.2\nno-dot-host/never@v1.0.0\n');
    first = runCli(['survey', '--modules', list, '--out', out, '--go', '1.22,1.23']);
  }, 300_000);

  test('one record per line; a module that cannot be fetched is a record with its error, not a crash', () => {
    expect(first.status).toBe(0);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => [r.request, r.module, r.version])).toEqual([
      ['github.com/parquet-go/parquet-go@v0.20.0', 'github.com/parquet-go/parquet-go', 'v0.20.0'],
      ['github.com/jackc/puddle/v2@v2.1.2', 'github.com/jackc/puddle/v2', 'v2.1.2'],
      ['no-dot-host/never@v1.0.0', 'no-dot-host/never', 'v1.0.0'],
    ]);
    expect(records[0].pulls).toContainEqual({ file: 'hashprobe/aeshash/aeshash_amd64.s', line: 10, kind: 'asm-pull', target: 'runtime.aeskeysched', targetKind: 'std', verdicts: { '1.22': 'ok-unchecked', '1.23': 'rejected' } });
    expect(records[1].pulls).toEqual([{ file: 'nanotime_unsafe.go', line: 11, kind: 'pull', target: 'runtime.nanotime', targetKind: 'std', verdicts: { '1.22': 'ok-unchecked', '1.23': 'ok-pushed' } }]);
    expect(records[2]).toMatchObject({ pulls: [], errors: [expect.stringMatching(/cannot fetch no-dot-host\/never@v1\.0\.0: .*malformed module path/)] });
  });

  test('resumable: the lines already in the output are skipped', () => {
    const again = runCli(['survey', '--modules', list, '--out', out, '--go', '1.22,1.23']);
    expect(again.stderr).toContain('surveyed 0 modules (3 already in');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
  });

  test('--modules and a directory exclude each other', () => {
    expect(runCli(['survey', '--modules', list, list, '--out', out]).status).toBe(2);
  });
});

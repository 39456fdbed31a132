// Every rewrite in the rule table, checked at its edge inputs against the std
// function it replaces, called through a real //go:linkname pull on a release
// that links it. The Go side is fixtures/rules/edge: in/<symbol> is a pull as a
// user writes it; this test writes out/<symbol>, what the engine makes of that
// file, and runs main.go, which calls both (0, 1, the maximum, nil, empty as
// they apply) and prints one line per rule: the two agree exactly for a rule
// labelled safe, and differ only as the note says for one labelled unsafe.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { fixSource } from '../src/fix/fix-source.js';
import { REPLACEMENTS } from '../src/rules/replacements.js';
import { FIXTURES, tempDir } from './helpers.js';

const EDGE = join(FIXTURES, 'rules', 'edge');
const rules = Object.keys(REPLACEMENTS)
  .filter((symbol) => REPLACEMENTS[symbol]!.rewrite ?? REPLACEMENTS[symbol]!.initialise)
  .sort();
/** The pull's package under in/; the reflect.(*rtype) methods share one. */
const dirOf = (symbol: string): string => (symbol.startsWith('reflect.(*rtype).') ? 'reflect_rtype' : symbol.replace('.', '_'));
const dirs = [...new Set(rules.map(dirOf))].sort();
/** Linked by no release from user code; read with -checklinkname=0 (see fixtures/rules/edge/runtimenano.go). */
const NEVER_LINKS = 'time.runtimeNano';
/** Linked as the std's variable only before Go 1.23 (see fixtures/rules/edge/ncpu.go). */
const BEFORE_123 = 'runtime.ncpu';
/** Safe only where the edge program checks that the rewrite agrees with the pull; the rest state a difference. */
const SAFE = ['runtime.fastrand', 'runtime.fastrand64', 'runtime.fastrandn', 'runtime.ncpu', 'runtime.noescape'];

/** "ok <symbol>" / "FAIL <symbol>: <why>" lines, by symbol. */
function outcomes(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => {
        const m = /^(ok|FAIL) (\S+?)(?:: (.*))?$/.exec(line);
        return m ? [m[2]!, m[1] === 'ok' ? 'ok' : m[3]!] : [line, 'unparsed'];
      }),
  );
}

function go(dir: string, toolchain: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync('go', args, { cwd: dir, env: { ...process.env, GOTOOLCHAIN: toolchain, GOFLAGS: '' }, encoding: 'utf8' });
}

test('every rule with a rewrite has a pull in the edge program', () => {
  expect(readdirSync(join(EDGE, 'in')).sort()).toEqual(dirs);
});

test('a rewrite is labelled safe only where its edge check is agreement, and an unsafe one states its difference', () => {
  for (const symbol of rules) {
    const { rewrite, initialise, note } = REPLACEMENTS[symbol]!;
    const { applicability } = (rewrite ?? initialise)!;
    expect([symbol, applicability]).toEqual([symbol, SAFE.includes(symbol) ? 'safe' : 'unsafe']);
    if (applicability === 'unsafe') expect(note, symbol).toBeTruthy();
  }
});

describe('rewrites at their edge inputs, against the pulled std functions', () => {
  const mod = tempDir('linkfix-rules-edge-');
  beforeAll(() => {
    cpSync(EDGE, mod, { recursive: true });
    for (const dir of dirs) {
      const pull = readFileSync(join(EDGE, 'in', dir, 'p.go'), 'utf8');
      const fixed = fixSource(pull, { filename: 'p.go', goVersion: '1.23', unsafeFixes: true });
      expect(fixed.applied.map((f) => f.strategy), dir).toEqual(rules.filter((r) => dirOf(r) === dir).map(() => 'replacement'));
      expect(fixed.output).not.toContain('//go:linkname');
      const out = join(mod, 'out', dir);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, 'p.go'), fixed.output);
    }
  });

  test(`go1.23.12 (it checks linknames): every rule but ${NEVER_LINKS} and ${BEFORE_123}`, { timeout: 600_000 }, () => {
    const want = Object.fromEntries(rules.filter((s) => s !== NEVER_LINKS && s !== BEFORE_123).map((s) => [s, 'ok']));
    const r = go(mod, 'go1.23.12', ['run', '.']);
    expect(r.status, r.stderr).toBe(0);
    expect(outcomes(r.stdout)).toEqual(want);
  });

  test(`go1.22.12: ${BEFORE_123}, also on one CPU and with GOMAXPROCS=2`, { timeout: 600_000 }, () => {
    const build = go(mod, 'go1.22.12', ['build', '-o', 'edge122', '.']);
    expect(build.status, build.stderr).toBe(0);
    const bin = join(mod, 'edge122');
    for (const [cmd, args, env] of [
      [bin, [BEFORE_123], {}],
      ['taskset', ['-c', '0', bin, BEFORE_123], { GOMAXPROCS: '2' }],
    ] as const) {
      const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(outcomes(r.stdout)).toEqual({ [BEFORE_123]: 'ok' });
    }
  });

  // One build with this machine's Go (testing/synctest needs 1.25+): the clock rewrites inside a synctest bubble,
  // time.absDate and absClock against the 1.24+ shims, and the pull of time.runtimeNano, which links on no release,
  // read with -checklinkname=0.
  test(`this machine's Go: the clocks in a synctest bubble, the time.abs* shims, and ${NEVER_LINKS}`, { timeout: 600_000 }, () => {
    const r = go(mod, 'local', ['test', '-count=1', '-v', '-tags', 'nolinkcheck', '-ldflags=-checklinkname=0', '.']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/--- PASS: TestAbsShims\b[\s\S]*--- PASS: TestRuntimeNano\b[\s\S]*--- PASS: TestSynctestBubble\b/);
  });
});

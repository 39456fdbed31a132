// The fuzzer (scripts/fuzz.mjs, `npm run fuzz`) kept alive: a few hundred
// mutated fixtures with a fixed seed must neither crash scan or fix nor turn a
// file that parsed into one that does not; and every failure the fuzzer found,
// kept in fixtures/fuzz/<name>/, is replayed.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.js';

function fuzz(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(ROOT, 'scripts', 'fuzz.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

interface Summary {
  seed: number;
  count: number;
  totals: { inputs: number; parsed: number; changed: number };
  crashes: { index: number; signature: string; detail: string }[];
  regressions: { index: number; signature: string; detail: string }[];
}

/**
 * Failures found by the fuzzer whose defect is not fixed yet, by fixture name:
 * their replay is expected to fail. The owner of the defect deletes the entry
 * with the fix, and the replay then has to pass.
 */
const OPEN: Record<string, string> = {};

describe('fuzz', () => {
  // In process only, and copies from GOROOT rarely: CLI runs and std package reads cost seconds each (npm run fuzz has them).
  it('200 mutated fixtures, seed 11: no crash, no parse regression', () => {
    const run = fuzz(['--count', '200', '--seed', '11', '--pool', 'fixtures', '--cli-every', '0', '--vendor-rate', '0.005', '--json']);
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.totals.inputs).toBe(200);
    // The mutations must leave enough well-formed code for fix to work on, or the test proves little.
    expect(summary.totals.parsed).toBeGreaterThan(100);
    expect(summary.totals.changed).toBeGreaterThan(40);
    expect(summary.crashes).toEqual([]);
    expect(summary.regressions).toEqual([]);
    expect(run.status).toBe(0);
  });

  const cases = existsSync(join(FIXTURES, 'fuzz')) ? readdirSync(join(FIXTURES, 'fuzz')).sort() : [];
  for (const name of cases) {
    const replay = OPEN[name] ? it.fails : it;
    replay(`fixtures/fuzz/${name} replays clean${OPEN[name] ? ` (open: ${OPEN[name]})` : ''}`, () => {
      const run = fuzz(['--replay', join(FIXTURES, 'fuzz', name)]);
      expect(run.stdout).toBe(`${join(FIXTURES, 'fuzz', name)}: ok\n`);
      expect(run.status).toBe(0);
    });
  }
});

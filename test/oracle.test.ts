// The oracle: for every fixture case and every Go release linkfix ships a
// catalog for, the static verdict must say what the real toolchain does when
// the pull is linked for real (linkfix's own `--link=each` check: the pulled
// name kept alive, the target package in the program). A `detached` var links,
// and the program must read it as zero. An unrun release counts as a failure.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { judgeScan } from '../src/judge/judge.js';
import { linkCheck } from '../src/linkcheck/linkcheck.js';
import type { Finding, LinkOutcome, VerdictKind } from '../src/model/types.js';
import { scanSync } from '../src/scan/scan.js';
import { FIXTURES } from './helpers.js';

/** What the linker does under each static verdict. */
const EXPECTED_OUTCOME: Record<VerdictKind, LinkOutcome['outcome']> = {
  'ok-pushed': 'ok',
  'ok-implicit': 'ok',
  'ok-unchecked': 'ok',
  detached: 'ok',
  blocked: 'invalid-reference',
  rejected: 'invalid-reference',
  missing: 'not-defined',
  'abi-mismatch': 'abi-mismatch',
  'not-compiled': 'not-compiled',
};

/** A printed Go zero value: 0, false, or an array of them. */
const isZero = (value: string): boolean => /^\[?((0|false)\s*)+\]?$/.test(value.trim());

describe('oracle: static verdicts against the real linker, every case × every release', () => {
  test('agree everywhere', { timeout: 3_600_000 }, async () => {
    const oracle = join(FIXTURES, 'oracle');
    const judged = await judgeScan(scanSync([oracle], { base: oracle }), { go: '>=1.21', useLocalGo: false });
    const releases = judged.judged!.releases;
    const cases = judged.findings.filter((f) => f.verdicts);
    expect(cases.length).toBeGreaterThanOrEqual(24);
    expect(releases.length).toBeGreaterThanOrEqual(7);

    const outcomes = await linkCheck(judged, { releases, mode: 'each', readValues: true });
    const rows: string[] = [];
    const disagreements: string[] = [];
    const name = (f: Finding): string => f.file.split('/')[0]!;
    for (const f of cases) {
      const cells = f.verdicts!.map((v, i) => {
        const o = outcomes.get(f)?.[i];
        const want = EXPECTED_OUTCOME[v.verdict];
        let agree = o !== undefined && o.outcome === want;
        if (agree && v.verdict === 'detached') agree = isZero(o!.message.replace(/^value: /, ''));
        if (!agree) disagreements.push(`${name(f)} ${v.release}: verdict ${v.verdict} (expects ${want}), link says ${o?.outcome ?? 'nothing'}: ${o?.message ?? ''}`);
        return `${agree ? '✓' : '✗'} ${v.verdict}`.padEnd(16);
      });
      rows.push(`${name(f).padEnd(17)} ${cells.join(' ')}`);
    }
    console.log(
      [`${'case'.padEnd(17)} ${releases.map((r) => r.padEnd(16)).join(' ')}`, ...rows, `${rows.length} cases × ${releases.length} releases, ${disagreements.length} disagreements`].join('\n'),
    );
    expect(disagreements).toEqual([]);
  });
});

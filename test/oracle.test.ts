// The oracle: for every fixture case and every Go release linkfix ships a
// catalog for, the static verdict must say what the real toolchain does when
// the pull is linked for real (linkfix's own `--link=each` check: the pulled
// name kept alive, the target package in the program). A `detached` var links,
// and the program must read it as zero. An unrun release counts as a failure.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { judgeScan } from '../src/judge/judge.js';
import { HOST, linkCheck } from '../src/linkcheck/linkcheck.js';
import type { Finding, LinkOutcome, VerdictKind } from '../src/model/types.js';
import { scanSync } from '../src/scan/scan.js';
import { FIXTURES } from './helpers.js';

/** What the linker does under each static verdict. */
const EXPECTED_OUTCOME: Record<VerdictKind, LinkOutcome['outcome']> = {
  'ok-pushed': 'ok',
  'ok-implicit': 'ok',
  'ok-unchecked': 'ok',
  'ok-unreferenced': 'ok',
  detached: 'ok',
  blocked: 'invalid-reference',
  rejected: 'invalid-reference',
  missing: 'not-defined',
  'abi-mismatch': 'abi-mismatch',
  'not-compiled': 'not-compiled',
};

/** A printed Go zero value: 0, false, or an array of them. */
const isZero = (value: string): boolean => /^\[?((0|false)\s*)+\]?$/.test(value.trim());

/**
 * Judges every oracle case for `platform` and the releases `go` selects, links
 * each for real, and returns the table and the disagreements. Another platform
 * than the host's is a cross build: it links, but its detached vars cannot be
 * read.
 */
async function consult(platform: string, go: string): Promise<{ table: string; releases: string[]; cases: number; amd64Only: number; linked: number; disagreements: string[] }> {
  const oracle = join(FIXTURES, 'oracle');
  // The link check keeps every pulled name alive: the judge is asked about pulls that their package uses.
  const scanned = scanSync([oracle], { base: oracle });
  const used = { ...scanned, findings: scanned.findings.map((f) => (f.referenced === false ? { ...f, referenced: true } : f)) };
  const judged = await judgeScan(used, { go, platform, useLocalGo: false });
  const releases = judged.judged!.releases;
  const cases = judged.findings.filter((f) => f.verdicts);
  const outcomes = await linkCheck(judged, { releases, mode: 'each', readValues: true, platform });
  const rows: string[] = [];
  const disagreements: string[] = [];
  const name = (f: Finding): string => f.file.split('/')[0]!;
  const runs = platform === HOST;
  // Cells where a build ran: a not-compiled cell comes from the same constraint evaluation on both sides, so it proves nothing.
  let linked = 0;
  for (const f of cases) {
    const cells = f.verdicts!.map((v, i) => {
      const o = outcomes.get(f)?.[i];
      const want = EXPECTED_OUTCOME[v.verdict];
      if (o && o.outcome !== 'not-compiled') linked++;
      let agree = o !== undefined && o.outcome === want;
      if (agree && runs && v.verdict === 'detached') agree = isZero(o!.message.replace(/^value: /, ''));
      if (!agree) disagreements.push(`${name(f)} ${v.release} ${platform}: verdict ${v.verdict} (expects ${want}), link says ${o?.outcome ?? 'nothing'}: ${o?.message ?? ''}`);
      return `${agree ? '✓' : '✗'} ${v.verdict}`.padEnd(16);
    });
    rows.push(`${name(f).padEnd(17)} ${cells.join(' ')}`);
  }
  const table = [
    `${platform.padEnd(17)} ${releases.map((r) => r.padEnd(16)).join(' ')}`,
    ...rows,
    `${rows.length} cases × ${releases.length} releases on ${platform}: ${linked} real links, ${disagreements.length} disagreements`,
  ].join('\n');
  // The assembly cases have amd64 assembly only: elsewhere their file is not compiled.
  const amd64Only = cases.filter((f) => f.file.endsWith('_amd64.s')).length;
  return { table, releases, cases: cases.length, amd64Only, linked, disagreements };
}


describe('oracle: static verdicts against the real linker', () => {
  test('every case × every release, on this machine', { timeout: 3_600_000 }, async () => {
    const { table, releases, cases, amd64Only, linked, disagreements } = await consult(HOST, '>=1.21');
    console.log(table);
    expect(cases).toBeGreaterThanOrEqual(24);
    expect(releases.length).toBeGreaterThanOrEqual(7);
    expect(linked).toBeGreaterThanOrEqual((cases - amd64Only) * releases.length);
    expect(disagreements).toEqual([]);
  });

  // The other platforms' verdicts come from the same catalogs; cross-linking checks them on the
  // releases where the rules changed (1.23: checks begin; 1.27: assembly tightened) and the newest but one.
  test.each(['linux/arm64', 'darwin/arm64', 'windows/amd64'].filter((p) => p !== HOST))('every case on %s, cross-linked', { timeout: 3_600_000 }, async (platform) => {
    const { table, releases, cases, amd64Only, linked, disagreements } = await consult(platform, '1.23,1.26,1.27');
    console.log(table);
    expect(releases).toHaveLength(3);
    expect(linked).toBeGreaterThanOrEqual((cases - amd64Only) * releases.length);
    expect(disagreements).toEqual([]);
  });
});

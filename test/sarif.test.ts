// CI outputs: SARIF 2.1.0 checked against the official schema (as shipped by
// @microsoft/jest-sarif), and GitHub workflow annotations.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { runCli } from './helpers.js';

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS: its module is the class.
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));

describe('scan --format sarif', () => {
  const run = runCli(['scan', '--format', 'sarif', 'fixtures/scan', 'fixtures/invalid', 'fixtures/fix/rewrite/exported']);
  const log = JSON.parse(run.stdout);
  const results = log.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[]; partialFingerprints: Record<string, string>; fixes?: unknown[] }[];

  test('validates against the SARIF 2.1.0 schema', () => {
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The validator does reject what is not SARIF.
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0].results[0], level: 'fatal' }] }] })).toBe(false);
  });

  test('stable rule ids per kind of finding, relative URIs under SRCROOT, line and column', () => {
    const ids = new Set(results.map((r) => r.ruleId));
    for (const id of ['pull-broken', 'pull-tolerated', 'asm-pull-broken', 'invalid-directive', 'signature-drift']) expect(ids).toContain(id);
    for (const r of results) {
      expect(r.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('SRCROOT');
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).not.toMatch(/^\//);
      expect(r.partialFingerprints['linkfix/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const toUpper = results.find((r) => r.locations[0]!.physicalLocation.artifactLocation.uri === 'fixtures/fix/rewrite/exported/exported.go');
    expect(toUpper).toMatchObject({ ruleId: 'pull-broken', level: 'error', locations: [{ physicalLocation: { region: { startLine: 7, startColumn: 1 } } }] });
  });

  test('safe fixes come with their replacements', () => {
    const exported = results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith('exported.go'));
    expect(exported.length).toBe(3);
    for (const r of exported) expect(r.fixes).toHaveLength(1);
  });

  test('fingerprints are the same from one run to the next', () => {
    const again = JSON.parse(runCli(['scan', '--format', 'sarif', 'fixtures/scan', 'fixtures/invalid', 'fixtures/fix/rewrite/exported']).stdout);
    expect(again.runs[0].results.map((r: { partialFingerprints: object }) => r.partialFingerprints)).toEqual(results.map((r) => r.partialFingerprints));
  });
});

test('scan --format github writes one workflow annotation per finding that matters', () => {
  const out = runCli(['scan', '--format', 'github', 'fixtures/scan/stdvar']).stdout.trim().split('\n');
  expect(out).toHaveLength(2);
  expect(out[0]).toMatch(/^::error file=fixtures\/scan\/stdvar\/stdvar\.go,line=11,col=1,endLine=11,endColumn=32,title=linkfix pull-broken%3A runtime\.ncpu::uninitialised var pulls/);
});

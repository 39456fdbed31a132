// The CLI outputs kept as golden files: scripts/update-golden.mjs writes them, test/golden.test.ts compares.
export const GOLDEN_OUTPUTS = [
  { file: 'scan-fixtures.json', args: ['scan', '--format', 'json', 'fixtures/scan', 'fixtures/workspace', 'fixtures/invalid', 'fixtures/badmod'], status: 1 },
  { file: 'scan-verdicts.txt', args: ['scan', '--go', '>=1.21', 'fixtures/scan/stdvar', 'fixtures/scan/asm', 'fixtures/scan/stdfunc', 'fixtures/oracle/getstaticuint64s', 'fixtures/scan/drift'], status: 1 },
  { file: 'explain-runtime.ncpu.txt', args: ['explain', 'runtime.ncpu'], status: 0 },
  { file: 'explain-runtime.fastrand.txt', args: ['explain', 'runtime.fastrand'], status: 0 },
  { file: 'explain-encoding-json.safeSet.txt', args: ['explain', 'encoding/json.safeSet'], status: 0 },
  { file: 'explain-runtime.gcount.txt', args: ['explain', 'runtime.gcount'], status: 0 },
  // The safeset case is left out: its copy depends on the GOROOT on the machine (test/fix.test.ts checks it).
  {
    file: 'fix-rewrite.diff',
    args: ['fix', '--unsafe-fixes', ...['fastrand', 'exported', 'nanotime', 'manual', 'crlf', 'emptyasm'].map((p) => `fixtures/fix/rewrite/${p}`), 'fixtures/fix/handshake', 'fixtures/fix/guard'],
    status: 1,
  },
];

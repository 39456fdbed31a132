import { FAILING } from '../judge/verdict.js';
import type { Finding, ScanResult } from '../model/types.js';

/** A finding the build does not survive: an invalid directive, or a pull failing on a selected release. */
function fails(f: Finding): boolean {
  return f.kind === 'invalid' || (f.verdicts ?? []).some((v) => FAILING.has(v.verdict));
}

/** 2 when the input could not all be read, else 1 when something fails, else 0 (gofmt's and Ruff's convention). */
export function exitStatus(result: ScanResult): 0 | 1 | 2 {
  if (result.messages.some((m) => m.severity === 'error')) return 2;
  return result.findings.some(fails) ? 1 : 0;
}

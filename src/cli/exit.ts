import type { ScanResult } from '../model/types.js';

/** 2 when the input could not all be read, else 1 when a pull was found, else 0 (gofmt's and Ruff's convention). */
export function exitStatus(result: ScanResult): 0 | 1 | 2 {
  if (result.messages.some((m) => m.severity === 'error')) return 2;
  return result.findings.some((f) => f.kind === 'pull' || f.kind === 'asm-pull') ? 1 : 0;
}

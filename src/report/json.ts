// The JSON report. Its shape is versioned: fields may be added within a
// schemaVersion, never renamed or removed (docs/json-schema.md).

import type { FindingKind, ScanResult } from '../model/types.js';
import { VERSION } from '../version.js';

export const SCAN_SCHEMA_VERSION = 1;

export function countKinds(result: ScanResult): Record<FindingKind, number> {
  const counts: Record<FindingKind, number> = { pull: 0, 'asm-pull': 0, handshake: 0, push: 0, export: 0, invalid: 0 };
  for (const f of result.findings) counts[f.kind]++;
  return counts;
}

export function scanToJson(result: ScanResult): string {
  const report = {
    schemaVersion: SCAN_SCHEMA_VERSION,
    tool: { name: 'linkfix', version: VERSION },
    modules: result.modules,
    findings: result.findings,
    asmDefinitions: result.asmDefinitions,
    messages: result.messages,
    summary: {
      filesSeen: result.stats.filesSeen,
      filesParsed: result.stats.filesParsed,
      findings: countKinds(result),
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

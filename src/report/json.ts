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

function report(result: ScanResult): Record<string, unknown> {
  return {
    schemaVersion: SCAN_SCHEMA_VERSION,
    tool: { name: 'linkfix', version: VERSION },
    modules: result.modules,
    judged: result.judged ?? null,
    findings: result.findings,
    asmDefinitions: result.asmDefinitions,
    messages: result.messages,
    summary: {
      filesSeen: result.stats.filesSeen,
      filesParsed: result.stats.filesParsed,
      findings: countKinds(result),
    },
  };
}

const indent = (text: string, pad: string): string => pad + text.replaceAll('\n', `\n${pad}`);

/** Array elements are written a batch at a time (one string and one write each). */
const BATCH = 256;

/**
 * The report in pieces — together exactly `JSON.stringify(report, null, 2)` —
 * a batch of array elements each, so that the report of a huge tree is never
 * held as one string.
 */
export function* scanJsonChunks(result: ScanResult): Generator<string> {
  const entries = Object.entries(report(result));
  yield '{\n';
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let from = 0; from < value.length; from += BATCH) {
        // A batch as the one element of an array, less the brackets of both: its elements come out indented by four spaces.
        const batch = JSON.stringify([value.slice(from, from + BATCH)], null, 2);
        const more = from + BATCH < value.length ? ',' : '';
        yield `${batch.slice(6, -6)}${more}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ').trimStart()}${comma}\n`;
    }
  }
  yield '}\n';
}

export function scanToJson(result: ScanResult): string {
  return [...scanJsonChunks(result)].join('');
}

// The per-file stage of a scan: read, prefilter, parse.

import { parseAsmFile, type ParsedAsmFile } from './asmfile.js';
import { parseGoFile, type ParsedGoFile } from './gofile.js';
import { readCandidate } from './prefilter.js';
import { SourceText } from './source.js';

export type FileResult =
  | { kind: 'go'; path: string; parsed: ParsedGoFile }
  | { kind: 'asm'; path: string; parsed: ParsedAsmFile }
  /** The prefilter found nothing to parse. */
  | { kind: 'skipped'; path: string }
  | { kind: 'unreadable'; path: string; message: string };

export function readAndParse(path: string, kind: 'go' | 'asm'): FileResult {
  const bytes = readCandidate(path, kind);
  if (bytes === null) return { kind: 'skipped', path };
  if (!Buffer.isBuffer(bytes)) return { kind: 'unreadable', path, message: bytes.error };
  const source = SourceText.fromBytes(bytes);
  return kind === 'go' ? { kind, path, parsed: parseGoFile(source) } : { kind, path, parsed: parseAsmFile(source) };
}

// The per-file stage of a scan: read, prefilter, parse.

import { readFileSync } from 'node:fs';
import { describeFsError } from '../errors.js';
import { parseAsmFile, type ParsedAsmFile } from './asmfile.js';
import { parseGoFile, type ParsedGoFile } from './gofile.js';
import { PREFILTER, readCandidate } from './prefilter.js';
import { SourceText } from './source.js';

export type FileResult =
  | { kind: 'go'; path: string; parsed: ParsedGoFile }
  | { kind: 'asm'; path: string; parsed: ParsedAsmFile }
  /** The prefilter found nothing to parse. */
  | { kind: 'skipped'; path: string }
  | { kind: 'unreadable'; path: string; message: string };

export function readFile(path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch (e) {
    return describeFsError(e, 'cannot read file');
  }
}

/** With `prefilter` off, a Go file is parsed even without a directive (to read its declarations). */
export function parseFile(path: string, kind: 'go' | 'asm', bytes: Buffer, { prefilter = true } = {}): FileResult {
  if (kind === 'go') {
    if (prefilter && !bytes.includes(PREFILTER.go)) return { kind: 'skipped', path };
    return { kind, path, parsed: parseGoFile(SourceText.fromBytes(bytes)) };
  }
  if (!bytes.includes(PREFILTER.asm)) return { kind: 'skipped', path };
  return { kind, path, parsed: parseAsmFile(SourceText.fromBytes(bytes)) };
}

export function readAndParse(path: string, kind: 'go' | 'asm'): FileResult {
  const bytes = readCandidate(path, kind);
  if (bytes === null) return { kind: 'skipped', path };
  if (!Buffer.isBuffer(bytes)) return { kind: 'unreadable', path, message: bytes.error };
  return parseFile(path, kind, bytes);
}

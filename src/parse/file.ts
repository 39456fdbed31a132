// The per-file stage of a scan: read, prefilter, parse.

import { parseAsmFile, type ParsedAsmFile } from './asmfile.js';
import { parseGoFile, type ParsedGoFile } from './gofile.js';
import { PREFILTER, type DirectoryBytes } from './prefilter.js';
import { SourceText } from './source.js';

export type FileResult =
  | { kind: 'go'; path: string; parsed: ParsedGoFile }
  | { kind: 'asm'; path: string; parsed: ParsedAsmFile }
  /** The prefilter found nothing to parse; `bytes` are valid until the reader is reset. */
  | { kind: 'skipped'; path: string; bytes: Buffer }
  | { kind: 'unreadable'; path: string; message: string };

export function readAndParse(path: string, kind: 'go' | 'asm', reader: DirectoryBytes): FileResult {
  const bytes = reader.read(path);
  if (!Buffer.isBuffer(bytes)) return { kind: 'unreadable', path, message: bytes.error };
  if (!bytes.includes(PREFILTER[kind])) return { kind: 'skipped', path, bytes };
  const source = SourceText.fromBytes(bytes);
  return kind === 'go' ? { kind, path, parsed: parseGoFile(source) } : { kind, path, parsed: parseAsmFile(source) };
}

// The per-file stage of a scan: read, prefilter, parse. It is pure (no shared
// state), so it runs the same on the main thread and in worker threads.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { describeFsError } from '../discover/walk.js';
import { parseAsmFile, type ParsedAsmFile } from './asmfile.js';
import { parseGoFile, type ParsedGoFile } from './gofile.js';
import { SourceText, type SourceTextData } from './source.js';

/** Bytes that must occur in a file before it is worth parsing. */
export const PREFILTER = { go: Buffer.from('go:linkname'), asm: Buffer.from('(SB)') };

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

/** Most files fit: reading into one reused buffer skips an fstat and an allocation per file. */
const scratch = Buffer.allocUnsafe(256 * 1024);

export function readAndParse(path: string, kind: 'go' | 'asm'): FileResult {
  let bytes: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      const n = readSync(fd, scratch, 0, scratch.length, 0);
      if (n < scratch.length) {
        // Parsing decodes the bytes at once, so the scratch buffer itself can be handed on.
        bytes = scratch.subarray(0, n);
        if (!bytes.includes(PREFILTER[kind])) return { kind: 'skipped', path };
      } else bytes = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { kind: 'unreadable', path, message: describeFsError(e, 'cannot read file') };
  }
  return parseFile(path, kind, bytes);
}

/** A FileResult as it crosses a thread boundary (structured clone keeps Maps and Sets, not classes). */
export type FileResultData = Omit<FileResult, 'parsed'> & { parsed?: Omit<ParsedGoFile | ParsedAsmFile, 'source'> & { source: SourceTextData } };

export function toData(r: FileResult): FileResultData {
  return 'parsed' in r ? { ...r, parsed: { ...r.parsed, source: r.parsed.source.toData() } } : r;
}

export function fromData(d: FileResultData): FileResult {
  if (!d.parsed) return d as FileResult;
  return { ...d, parsed: { ...d.parsed, source: SourceText.fromData(d.parsed.source) } } as FileResult;
}

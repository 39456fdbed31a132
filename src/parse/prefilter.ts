// The prefilter: a file is parsed only when it contains the bytes that any
// finding in it needs. It is kept apart from the parsers so that a worker
// thread that only prefilters loads nothing else.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { describeFsError } from '../errors.js';

/** Bytes that must occur in a file before it is worth parsing. */
export const PREFILTER = { go: Buffer.from('go:linkname'), asm: Buffer.from('(SB)') };

/** Most files fit: reading into one reused buffer skips an fstat and an allocation per file. */
const scratch = Buffer.allocUnsafe(256 * 1024);

/**
 * The bytes of `path`, in a buffer that the next call reuses (use them before
 * calling again, or copy them), or the reason it could not be read.
 */
export function readShared(path: string): Buffer | { error: string } {
  try {
    const fd = openSync(path, 'r');
    try {
      const n = readSync(fd, scratch, 0, scratch.length, 0);
      return n < scratch.length ? scratch.subarray(0, n) : readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return { error: describeFsError(e, 'cannot read file') };
  }
}

/**
 * The bytes of `path` when they contain its kind's prefilter bytes (shared as
 * by readShared), null when they do not, or the reason it could not be read.
 */
export function readCandidate(path: string, kind: 'go' | 'asm'): Buffer | null | { error: string } {
  const bytes = readShared(path);
  return !Buffer.isBuffer(bytes) || bytes.includes(PREFILTER[kind]) ? bytes : null;
}

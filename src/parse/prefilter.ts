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

/** Files up to this size are read into a DirectoryBytes chunk (larger ones get a buffer of their own). */
const MAX_IN_CHUNK = 256 * 1024;
const CHUNK = 16 * MAX_IN_CHUNK;

/**
 * Reads the files of one directory into a few large buffers, where they stay
 * until reset(): the prefilter reads every file anyway, and classifying the
 * directory may read it again (declaration lookups, the use check). The same
 * buffers serve the next directory, so nothing read may be kept past reset().
 */
export class DirectoryBytes {
  private readonly chunks: Buffer[] = [];
  private chunk = 0;
  private used = 0;

  /** Forgets what was read; keeps one chunk for the next directory (more only while one needs them). */
  reset(): void {
    this.chunks.length = Math.min(this.chunks.length, 1);
    this.chunk = 0;
    this.used = 0;
  }

  /** The bytes of `path`, valid until reset(), or the reason it could not be read. */
  read(path: string): Buffer | { error: string } {
    if (this.chunks.length === 0) this.chunks.push(Buffer.allocUnsafe(CHUNK));
    if (this.chunks[this.chunk]!.length - this.used < MAX_IN_CHUNK) {
      this.chunk++;
      this.used = 0;
      if (this.chunk === this.chunks.length) this.chunks.push(Buffer.allocUnsafe(CHUNK));
    }
    const chunk = this.chunks[this.chunk]!;
    try {
      const fd = openSync(path, 'r');
      try {
        const n = readSync(fd, chunk, this.used, MAX_IN_CHUNK, 0);
        if (n === MAX_IN_CHUNK) return readFileSync(fd); // it may be longer: read it all, from the start
        const bytes = chunk.subarray(this.used, this.used + n);
        this.used += n;
        return bytes;
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      return { error: describeFsError(e, 'cannot read file') };
    }
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

import { isUtf8 } from 'node:buffer';
import type { Position, Span } from '../model/types.js';

const BOM = '\uFEFF';

/**
 * A copy of `s` that does not keep its source alive: V8 represents a slice of
 * a long string as a view into it, so a short name sliced from a file would
 * hold the whole file's text for as long as a finding lives.
 */
export function detach(s: string): string {
  return ` ${s}`.slice(1);
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * A decoded source file. Tree-sitter and magic-string work in UTF-16 indices of
 * `text`; reports use 1-based lines and UTF-8 byte columns and offsets (as Go
 * tools do). This class converts between the two. A leading BOM is kept out of
 * `text` (so parsers never see it) but counted in byte offsets.
 */
export class SourceText {
  readonly text: string;
  readonly bomBytes: number;
  /** Line (1-based) of the first byte that is not valid UTF-8, or null. */
  readonly invalidUtf8Line: number | null;
  private readonly ascii: boolean;
  private lineStarts: number[] | undefined;
  private lineStartBytes: number[] | undefined;

  private constructor(text: string, bomBytes: number, invalidUtf8Line: number | null) {
    this.text = text;
    this.bomBytes = bomBytes;
    this.invalidUtf8Line = invalidUtf8Line;
    // Replacement characters from invalid bytes make the string longer in bytes
    // than the file, so only a valid all-ASCII text takes the fast path.
    this.ascii = invalidUtf8Line === null && Buffer.byteLength(text) === text.length;
  }

  static fromBytes(bytes: Uint8Array): SourceText {
    const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    const invalidAt = isUtf8(bytes) ? -1 : firstInvalidUtf8Offset(bytes);
    let invalidLine: number | null = null;
    if (invalidAt >= 0) {
      invalidLine = 1;
      for (let i = 0; i < invalidAt; i++) if (bytes[i] === 0x0a) invalidLine++;
    }
    let text = decoder.decode(bytes);
    if (hasBom && text.startsWith(BOM)) text = text.slice(1);
    return new SourceText(text, hasBom ? 3 : 0, invalidLine);
  }

  static fromString(text: string): SourceText {
    const hasBom = text.startsWith(BOM);
    return new SourceText(hasBom ? text.slice(1) : text, hasBom ? 3 : 0, null);
  }

  /** Does the file end its lines with CRLF? (Edits keep its line endings.) */
  get crlf(): boolean {
    return this.text.includes('\r\n');
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private startBytes(): number[] {
    if (!this.lineStartBytes) {
      // One native encoding of the text rather than a slice and a byteLength per line (that cost
      // 10% of a GOROOT/src scan): no UTF-8 sequence holds the byte \n, so lines start after each.
      const utf8 = Buffer.from(this.text);
      const bytes = [this.bomBytes];
      for (let i = utf8.indexOf(0x0a); i !== -1; i = utf8.indexOf(0x0a, i + 1)) bytes.push(this.bomBytes + i + 1);
      this.lineStartBytes = bytes;
    }
    return this.lineStartBytes;
  }

  /** 0-based line index containing the UTF-16 index. */
  lineIndex(index: number): number {
    return lastAtMost(this.starts(), index);
  }

  /** UTF-16 index of the start of the line containing `index`. */
  lineStart(index: number): number {
    return this.starts()[this.lineIndex(index)]!;
  }

  position(index: number): Position {
    const li = this.lineIndex(index);
    const start = this.starts()[li]!;
    if (this.ascii) {
      const offset = index + this.bomBytes;
      const lineByte = start + (li === 0 ? 0 : this.bomBytes);
      return { line: li + 1, column: offset - lineByte + 1, offset };
    }
    const lineByte = this.startBytes()[li]!;
    const inLine = Buffer.byteLength(this.text.slice(start, index));
    const column = inLine + 1 + (li === 0 ? this.bomBytes : 0);
    return { line: li + 1, column, offset: lineByte + inLine };
  }

  /** The UTF-16 index of a UTF-8 byte offset of the file (the inverse of `position(i).offset`). */
  indexAtOffset(offset: number): number {
    if (this.ascii) return Math.max(0, offset - this.bomBytes);
    const bytes = this.startBytes();
    const lo = lastAtMost(bytes, offset);
    let index = this.starts()[lo]!;
    for (let b = bytes[lo]!; b < offset && index < this.text.length; ) {
      const cp = this.text.codePointAt(index)!;
      b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      index += cp > 0xffff ? 2 : 1;
    }
    return index;
  }

  span(startIndex: number, endIndex: number): Span {
    return { start: this.position(startIndex), end: this.position(endIndex) };
  }
}

/** Index of the last element of an ascending array that is <= value (0 when none is). */
function lastAtMost(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Byte offset of the first invalid UTF-8 sequence (RFC 3629), or -1. */
function firstInvalidUtf8Offset(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (need = 1), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (need = 2), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (need = 3), (min = 0x10000);
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

// Report positions are UTF-8 byte offsets into the file, as go/token counts
// them, whatever mix of line endings, BOM and multi-byte characters came
// before: every index of the text maps to the byte where its character starts.
import { describe, expect, test } from 'vitest';
import { SourceText } from '../src/parse/source.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('every index maps to the byte offset, line and byte column of its character', () => {
  test.each([
    ['ASCII only', Buffer.from('package p\n\nvar x = 1\n')],
    ['two- and three-byte characters on earlier lines', Buffer.from('package p // é\n// ≤ · ∕\nvar s = "ü"\n')],
    ['four-byte characters (surrogate pairs)', Buffer.from('// 𝄞𝄞\nvar s = "𝄞" // y\n\n')],
    ['BOM, CRLF and multi-byte', Buffer.concat([BOM, Buffer.from('package p // é\r\n\r\nvar x = "ü" // y\r\n')])],
    ['no newline at the end', Buffer.from('package p\n// ü')],
  ])('%s', (_, bytes) => {
    const s = SourceText.fromBytes(bytes);
    const bom = bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
    let line = 1;
    let lineOffset = bom; // the byte where the current line starts
    for (let i = 0; i <= s.text.length; i++) {
      const offset = bom + Buffer.byteLength(s.text.slice(0, i));
      const lowSurrogate = i > 0 && s.text.charCodeAt(i - 1) >= 0xd800 && s.text.charCodeAt(i - 1) < 0xdc00;
      if (!lowSurrogate) {
        expect(s.position(i)).toEqual({ line, column: offset - lineOffset + 1 + (line === 1 ? bom : 0), offset });
        if (i < s.text.length) expect(bytes.subarray(offset).toString().codePointAt(0)).toBe(s.text.codePointAt(i));
      }
      if (s.text[i] === '\n') {
        line++;
        lineOffset = offset + 1;
      }
    }
  });
});

// Git-style unified diffs: `diff --git a/<rel> b/<rel>`, new files from
// /dev/null, deletions to /dev/null, 3 lines of context, and a correct
// "\ No newline at end of file" — applies with `git apply` and `patch -p1`.

import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { FileChange } from '../fix/apply.js';

export function unifiedDiff(changes: FileChange[]): string {
  return changes.map(fileDiff).join('');
}

function fileDiff(c: FileChange): string {
  const oldText = c.before?.toString('utf8') ?? '';
  const newText = c.after?.toString('utf8') ?? '';
  const oldName = c.before ? `a/${c.file}` : '/dev/null';
  const newName = c.after ? `b/${c.file}` : '/dev/null';
  let body = createTwoFilesPatch(oldName, newName, oldText, newText, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY });
  // jsdiff writes "--- name\t" when a header is empty; git wants the bare name.
  body = body.replace(/^(---|\+\+\+) (\S+)\t?\n/gm, '$1 $2\n');
  const mode = c.before === null ? 'new file mode 100644\n' : c.after === null ? 'deleted file mode 100644\n' : '';
  return `diff --git a/${c.file} b/${c.file}\n${mode}${body}`;
}

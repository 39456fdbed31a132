// Writing a fix run: every file atomically (temp file in the same directory,
// fsync, rename, mode kept — write-file-atomic), after checking that no file
// changed on disk since it was read and none is read-only. If any write fails,
// the files already written in the run are restored: a failed run never leaves
// a half-written file or a half-applied fix.

import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { describeFsError, LinkfixError } from '../errors.js';
import type { FileChange } from '../fix/apply.js';

export type AtomicWriter = (path: string, data: Buffer) => void;

const atomicWrite: AtomicWriter = (path, data) => writeFileAtomic.sync(path, data, { fsync: true });

export interface WriteResult {
  /** Files created, modified or deleted (relative paths). */
  written: string[];
}

export function writeChanges(changes: FileChange[], write: AtomicWriter = atomicWrite): WriteResult {
  for (const c of changes) {
    if (c.before === null) {
      if (existsSync(c.path)) throw new LinkfixError('EIO', 'already exists; nothing was written', { file: c.file });
      continue;
    }
    let current: Buffer;
    try {
      current = readFileSync(c.path);
    } catch (e) {
      throw new LinkfixError('EIO', `${describeFsError(e, 'cannot be read again')}; nothing was written`, { file: c.file });
    }
    if (!current.equals(c.before)) throw new LinkfixError('EIO', 'changed on disk since linkfix read it; nothing was written (re-run)', { file: c.file });
    if ((statSync(c.path).mode & 0o222) === 0) throw new LinkfixError('EIO', 'is read-only; nothing was written', { file: c.file });
  }

  const done: FileChange[] = [];
  try {
    for (const c of changes) {
      if (c.after === null) unlinkSync(c.path);
      else write(c.path, c.after);
      done.push(c);
    }
  } catch (e) {
    const failed = changes[done.length]!;
    const restoreErrors: string[] = [];
    for (const c of done.reverse()) {
      try {
        if (c.before === null) unlinkSync(c.path);
        else write(c.path, c.before);
      } catch (r) {
        restoreErrors.push(`${c.file} (${describeFsError(r, 'restoring failed')})`);
      }
    }
    const restored = restoreErrors.length ? `; could not restore ${restoreErrors.join(', ')}` : done.length ? `; the ${done.length} file(s) already written were restored` : '';
    throw new LinkfixError('EIO', `${describeFsError(e, 'writing failed')}${restored}`, { file: failed.file });
  }
  return { written: done.map((c) => c.file) };
}

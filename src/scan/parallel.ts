// Runs the per-file stage over several threads. Results come back in the
// order of the input, so a parallel scan equals a sequential one.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DiscoveredFile } from '../discover/walk.js';
import { fromData, readAndParse, type FileResult, type FileResultData } from '../parse/file.js';

const WORKER = fileURLToPath(new URL('./parse-worker.js', import.meta.url));

/**
 * Below this many files a worker's start-up (loading the parsers) costs more
 * than it saves. Measured with npm run bench on 2 cores: GOROOT/src (6k files)
 * took 0.84 s on one thread and 0.98 s on two; ten copies of it (60k files)
 * took 5.4 s on one and 4.5 s on two.
 */
export const MIN_FILES_FOR_WORKERS = 20_000;

/** How many threads to use for `fileCount` files: `requested`, or one per core (at most 4) on large trees. */
export function threadCount(fileCount: number, requested?: number): number {
  // Running from TypeScript sources (tests) there is no compiled worker: stay on this thread.
  if (!existsSync(WORKER)) return 1;
  if (requested !== undefined) return Math.max(1, requested);
  return fileCount >= MIN_FILES_FOR_WORKERS ? Math.max(1, Math.min(availableParallelism(), 4)) : 1;
}

export type Progress = (done: number, total: number) => void;

/** Reads and parses on the calling thread, telling `progress` every 256 files. */
function readAndParseHere(files: DiscoveredFile[], progress: Progress | undefined, scale: number, total: number, each: (r: FileResult, i: number) => void): void {
  files.forEach((f, i) => {
    if (progress && (i + 1) % 256 === 0) progress(Math.min(total, (i + 1) * scale), total);
    each(readAndParse(f.path, f.kind), i);
  });
}

/** Hands every file's result to `take`, in the order of `files`. */
export async function readAndParseAll(files: DiscoveredFile[], threads: number, take: (r: FileResult) => void, progress?: Progress): Promise<void> {
  if (threads <= 1) {
    readAndParseHere(files, progress, 1, files.length, take);
    progress?.(files.length, files.length);
    return;
  }
  // Interleave so that each thread gets a share of every directory (std's big runtime files cluster).
  const shares: DiscoveredFile[][] = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads]!.push(f));
  // Options for the main script (e.g. --input-type) do not apply to a worker file.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && !a.startsWith('--eval') && a !== '-e');
  const workers = shares.slice(1).map(() => new Worker(WORKER, { execArgv }));
  try {
    const pending = workers.map(
      (w, i) =>
        new Promise<FileResultData[]>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage(shares[i + 1]);
        }),
    );
    // This thread takes the first share while the workers run (its progress stands for everyone's).
    const mine: FileResult[] = [];
    readAndParseHere(shares[0]!, progress, threads, files.length, (r) => mine.push(r));
    const theirs = await Promise.all(pending);
    progress?.(files.length, files.length);
    for (let i = 0; i < files.length; i++) {
      const w = i % threads;
      const j = Math.floor(i / threads);
      take(w === 0 ? mine[j]! : fromData(theirs[w - 1]![j]!));
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

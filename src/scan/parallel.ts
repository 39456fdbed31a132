// Runs directory units on several threads. Each worker and the main thread
// take units from one queue, largest first (so that a big package such as
// runtime does not come last); results are kept by unit index, so a parallel
// scan equals a sequential one. Only small, classified results cross threads.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModuleIndex } from '../model/modules.js';
import { scanUnit, type DirectoryUnit, type UnitResult } from './unit.js';
import type { WorkerRequest } from './unit-worker.js';

const WORKER = fileURLToPath(new URL('./unit-worker.js', import.meta.url));

/**
 * Below this many files a worker's start-up costs more than it saves.
 * Measured with npm run bench on 2 cores (see the figures in bench/).
 */
export const MIN_FILES_FOR_WORKERS = 20_000;

/** Units each worker is given ahead, so that it never waits for the busy main thread. */
const AHEAD = 4;

/** The most threads a scan will use, or 1 where no compiled worker exists (tests run from TypeScript sources). */
export function maxThreads(requested?: number): number {
  if (!existsSync(WORKER)) return 1;
  return requested !== undefined ? Math.max(1, requested) : Math.max(1, Math.min(availableParallelism(), 4));
}

export type Progress = (done: number, total: number) => void;

/** Worker threads, started early (while the walk still runs) so that their start-up overlaps it. */
export class WorkerPool {
  private readonly workers: Worker[];

  constructor(count: number) {
    // Options for the main script (e.g. --input-type) do not apply to a worker file.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && !a.startsWith('--eval') && a !== '-e');
    this.workers = Array.from({ length: count }, () => new Worker(WORKER, { execArgv }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Scans `units` on the workers and this thread. */
  run(units: DirectoryUnit[], modules: ModuleIndex, progress?: Progress): Promise<UnitResult[]> {
    const init: WorkerRequest = { init: { base: modules.base, moduleDirs: modules.modules.map((m) => m.dir) } };
    for (const w of this.workers) w.postMessage(init);
    return new Promise((resolve, reject) => {
      const tracker = new ProgressTracker(units, progress);
      const results: UnitResult[] = new Array(units.length);
      const order = units.map((_, i) => i).sort((a, b) => units[b]!.files.length - units[a]!.files.length);
      let taken = 0;
      let finished = 0;
      let failed = false;
      const fail = (e: unknown): void => {
        failed = true;
        reject(e);
      };
      const finish = (index: number, result: UnitResult): void => {
        results[index] = result;
        tracker.done(units[index]!);
        if (++finished === units.length) resolve(results);
      };
      const feed = (w: Worker, inFlight: { n: number }): void => {
        for (; inFlight.n < AHEAD && taken < order.length; inFlight.n++) {
          const index = order[taken++]!;
          w.postMessage({ index, unit: units[index]! } satisfies WorkerRequest);
        }
      };
      for (const w of this.workers) {
        const inFlight = { n: 0 };
        w.on('message', ({ index, result }: { index: number; result: UnitResult }) => {
          inFlight.n--;
          finish(index, result);
          feed(w, inFlight);
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (finished < units.length && !failed) fail(new Error(`scan worker exited with code ${code}`));
        });
        feed(w, inFlight);
      }
      if (units.length === 0) resolve(results);
      // This thread takes one unit at a time and then lets the workers' messages in.
      const mainTurn = (): void => {
        if (failed || taken >= order.length) return;
        const index = order[taken++]!;
        try {
          finish(index, scanUnit(units[index]!, modules));
        } catch (e) {
          fail(e);
          return;
        }
        setImmediate(mainTurn);
      };
      mainTurn();
    });
  }
}

/** Scans `units` on this thread. */
export function runHere(units: DirectoryUnit[], modules: ModuleIndex, progress?: Progress): UnitResult[] {
  const tracker = new ProgressTracker(units, progress);
  return units.map((unit) => {
    const result = scanUnit(unit, modules);
    tracker.done(unit);
    return result;
  });
}

/** Tells `progress` how many files are done, at most every 256 files and once at the end. */
class ProgressTracker {
  private readonly total: number;
  private files = 0;
  private told = 0;

  constructor(
    units: DirectoryUnit[],
    private readonly progress: Progress | undefined,
  ) {
    this.total = units.reduce((n, u) => n + u.files.length, 0);
    if (units.length === 0) progress?.(0, 0);
  }

  done(unit: DirectoryUnit): void {
    this.files += unit.files.length;
    if (this.progress && (this.files - this.told >= 256 || this.files === this.total)) {
      this.told = this.files;
      this.progress(this.files, this.total);
    }
  }
}

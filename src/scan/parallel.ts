// Runs directory units on several threads. The first worker prefilters (reads
// every file, as grep would) while the walk still runs, and hands on each
// directory's candidate files; the main thread, and the other workers, parse
// and classify them as they come, and the first worker joins them once the
// prefilter is done. Results are kept by unit index, so a parallel scan
// equals a sequential one; only file lists and findings cross threads.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModuleIndex } from '../model/modules.js';
import type { WorkerReply, WorkerRequest } from './scan-worker.js';
import { scanUnit, type DirectoryUnit, type UnitResult } from './unit.js';

const WORKER = fileURLToPath(new URL('./scan-worker.js', import.meta.url));

/**
 * Below this many files the workers' start-up (and their own JIT warm-up)
 * costs more than they save. Measured on 2 cores with copies of GOROOT/src:
 * 18k files took 1.33 s on one thread and 1.50 s on two, 30k files 1.88 s and
 * 1.83 s, 60k files 3.2 s and 2.75 s (medians of 5).
 */
export const MIN_FILES_FOR_WORKERS = 30_000;

/** Files per prefilter request: parsing can start after the first one. */
const PREFILTER_BATCH = 1_000;
/** Units each worker is given ahead, so that it never waits for the busy main thread. */
const AHEAD = 2;

/** The most threads a scan will use, or 1 where no compiled worker exists (tests run from TypeScript sources). */
export function maxThreads(requested?: number): number {
  if (!existsSync(WORKER)) return 1;
  return requested !== undefined ? Math.max(1, requested) : Math.max(1, Math.min(availableParallelism(), 4));
}

export type Progress = (done: number, total: number) => void;

const NOTHING: UnitResult = { findings: [], pushes: [], asmDefinitions: [], messages: [], filesParsed: 0 };

/** Worker threads, started while the walk still runs: the prefilter begins on the directories found so far. */
export class WorkerPool {
  private readonly workers: Worker[];
  /** Units already sent to the prefilter, and files in the units after them. */
  private sent = 0;
  private pendingFiles = 0;

  /** `units` is the walk's list, which grows as the walk goes on. */
  constructor(
    threads: number,
    private readonly units: DirectoryUnit[],
  ) {
    // Options for the main script (e.g. --input-type) do not apply to a worker file.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type') && !a.startsWith('--eval') && a !== '-e');
    this.workers = Array.from({ length: Math.max(1, threads - 1) }, () => new Worker(WORKER, { execArgv }));
    for (const unit of units) this.added(unit);
  }

  /** The walk added `unit`; every PREFILTER_BATCH files go to the prefilter at once. */
  added(unit: DirectoryUnit): void {
    this.pendingFiles += unit.files.length;
    if (this.pendingFiles >= PREFILTER_BATCH) this.flush();
  }

  private flush(): void {
    if (this.sent === this.units.length) return;
    const request: WorkerRequest = { prefilter: { first: this.sent, units: this.units.slice(this.sent) } };
    this.workers[0]!.postMessage(request);
    this.sent = this.units.length;
    this.pendingFiles = 0;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** After the walk: scans every unit, on the workers and this thread. */
  run(modules: ModuleIndex, progress?: Progress): Promise<UnitResult[]> {
    this.flush();
    const { units, workers } = this;
    const init: WorkerRequest = { init: { base: modules.base, moduleDirs: modules.modules.map((m) => m.dir) } };
    for (const w of workers) w.postMessage(init);
    return new Promise((resolve, reject) => {
      const tracker = new ProgressTracker(units, progress);
      const results: UnitResult[] = new Array(units.length);
      /** Units whose candidates are known, waiting to be parsed. */
      const ready: { index: number; unit: DirectoryUnit }[] = [];
      let prefiltered = 0;
      let finished = 0;
      let failed = false;
      let idle = true; // until the first candidates arrive
      const fail = (e: unknown): void => {
        if (!failed) reject(e);
        failed = true;
      };
      const finish = (index: number, result: UnitResult): void => {
        results[index] = result;
        tracker.done(units[index]!);
        if (++finished === units.length) resolve(results);
      };
      // The prefilter's worker parses too once the prefilter is done; the others from the start.
      const inFlight = new Map<Worker, number>(workers.map((w, i) => [w, i === 0 ? AHEAD : 0]));
      const feed = (): void => {
        for (const [w, n] of inFlight) {
          let given = n;
          for (; given < AHEAD && ready.length > 0; given++) w.postMessage(ready.shift()! satisfies WorkerRequest);
          inFlight.set(w, given);
        }
      };
      for (const w of workers) {
        w.on('error', fail);
        w.on('exit', (code) => {
          if (finished < units.length) fail(new Error(`scan worker exited with code ${code}`));
        });
        w.on('message', (message: WorkerReply) => {
          if ('candidates' in message) {
            message.candidates.forEach((files, k) => {
              const index = message.first + k;
              if (files.length === 0) finish(index, NOTHING);
              else ready.push({ index, unit: { dir: units[index]!.dir, files } });
            });
            prefiltered += message.candidates.length;
            if (prefiltered === units.length) inFlight.set(w, 0);
          } else {
            inFlight.set(w, inFlight.get(w)! - 1);
            finish(message.index, message.result);
          }
          feed();
          if (idle && ready.length > 0) {
            idle = false;
            mainTurn();
          }
        });
      }

      // This thread parses one ready unit at a time and then lets the workers' messages in.
      const mainTurn = (): void => {
        if (failed || finished === units.length) return;
        const job = ready.shift();
        if (!job) {
          idle = true;
          return;
        }
        try {
          finish(job.index, scanUnit(job.unit, modules));
        } catch (e) {
          fail(e);
          return;
        }
        setImmediate(mainTurn);
      };
      if (units.length === 0) resolve(results);
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

// Worker thread of a scan. It prefilters batches of directories (reads every
// file, as grep would, and answers with the files worth parsing) and scans
// whole directories. Its module index is built from the main thread's module
// directories, in the same order, so that targets resolve exactly as there
// (its go.mod warnings are the main thread's to report).
import { parentPort } from 'node:worker_threads';
import { ModuleIndex } from '../model/modules.js';
import { readCandidate } from '../parse/prefilter.js';
import { scanUnit, type DirectoryUnit, type UnitResult } from './unit.js';

export type WorkerRequest =
  | { init: { base: string; moduleDirs: string[] } }
  | { prefilter: { first: number; units: DirectoryUnit[] } }
  | { index: number; unit: DirectoryUnit };

export type WorkerReply =
  /** Per unit from `first` on, the files to parse (one that cannot be read is kept, for the main thread to report). */
  | { first: number; candidates: DirectoryUnit['files'][] }
  | { index: number; result: UnitResult };

let modules: ModuleIndex | null = null;
const reply = (r: WorkerReply): void => parentPort!.postMessage(r);

parentPort!.on('message', (request: WorkerRequest) => {
  if ('init' in request) {
    modules = new ModuleIndex(request.init.base, () => {});
    for (const dir of request.init.moduleDirs) modules.moduleFor(dir);
  } else if ('prefilter' in request) {
    const { first, units } = request.prefilter;
    reply({ first, candidates: units.map((u) => u.files.filter((f) => readCandidate(f.path, f.kind) !== null)) });
  } else reply({ index: request.index, result: scanUnit(request.unit, modules!) });
});

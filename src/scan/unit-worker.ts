// Worker thread: scans the directory units it is sent. Its module index is
// built from the main thread's module directories, in the same order, so that
// targets resolve exactly as they do there (its go.mod warnings are the main
// thread's to report).
import { parentPort } from 'node:worker_threads';
import { ModuleIndex } from '../model/modules.js';
import { scanUnit, type DirectoryUnit } from './unit.js';

export type WorkerRequest = { init: { base: string; moduleDirs: string[] } } | { index: number; unit: DirectoryUnit };

let modules: ModuleIndex | null = null;
parentPort!.on('message', (request: WorkerRequest) => {
  if ('init' in request) {
    modules = new ModuleIndex(request.init.base, () => {});
    for (const dir of request.init.moduleDirs) modules.moduleFor(dir);
  } else parentPort!.postMessage({ index: request.index, result: scanUnit(request.unit, modules!) });
});

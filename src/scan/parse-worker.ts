// Worker thread: runs the per-file stage on the batch it is given.
import { parentPort } from 'node:worker_threads';
import { readAndParse, toData } from '../parse/file.js';
import type { DiscoveredFile } from '../discover/walk.js';

parentPort!.on('message', (files: DiscoveredFile[]) => {
  parentPort!.postMessage(files.map((f) => toData(readAndParse(f.path, f.kind))));
});

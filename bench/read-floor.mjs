// The least any Node program can do for a scan: walk the tree (skipping what
// linkfix skips) and read every .go/.s file, testing it for the prefilter
// bytes. No parsing, no output. Its wall time, next to grep's, shows how much
// of linkfix's time is the platform's cost of reading the files at all.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

const scratch = Buffer.allocUnsafe(256 * 1024);
const needles = { go: Buffer.from('go:linkname'), s: Buffer.from('(SB)') };
let files = 0;
let candidates = 0;
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!/^[._]|^(testdata|vendor)$/.test(e.name)) walk(path);
      continue;
    }
    const kind = e.name.endsWith('.go') ? 'go' : e.name.endsWith('.s') ? 's' : null;
    if (!kind) continue;
    const fd = openSync(path, 'r');
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    closeSync(fd);
    files++;
    if (scratch.subarray(0, n).includes(needles[kind])) candidates++;
  }
}
for (const root of process.argv.slice(2)) walk(root);
console.log(JSON.stringify({ files, candidates }));

// The least a scan can do before it classifies anything: read-floor.mjs's
// walk, read and prefilter, then linkfix's own parsers over the files that
// pass (the compiled modules, not the CLI bundle). What a scan costs beyond
// this is classification, judging and output.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { parseAsmFile } from '../dist/parse/asmfile.js';
import { parseGoFile } from '../dist/parse/gofile.js';
import { SourceText } from '../dist/parse/source.js';

const scratch = Buffer.allocUnsafe(256 * 1024);
const needles = { go: Buffer.from('go:linkname'), s: Buffer.from('(SB)') };
let files = 0;
let parsed = 0;
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
    const bytes = scratch.subarray(0, n);
    if (!bytes.includes(needles[kind])) continue;
    parsed++;
    const source = SourceText.fromBytes(bytes);
    if (kind === 'go') parseGoFile(source);
    else parseAsmFile(source);
  }
}
for (const root of process.argv.slice(2)) walk(root);
console.log(JSON.stringify({ files, parsed }));

// The least any Node program can do for a scan: walk the tree (skipping what
// linkfix skips) and read every .go/.s file, testing it for the prefilter
// bytes. No parsing, no output. Its wall time, next to grep's, shows how much
// of linkfix's time is the platform's cost of reading the files at all.
// With --parse, linkfix's own parsers (the compiled modules, not the CLI
// bundle) also run over the files that pass: what a scan costs before it
// classifies anything.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

const parse = process.argv[2] === '--parse';
const roots = process.argv.slice(parse ? 3 : 2);
const parsers = parse
  ? await Promise.all([import('../dist/parse/gofile.js'), import('../dist/parse/asmfile.js'), import('../dist/parse/source.js')]).then(([go, asm, source]) => ({
      go: (bytes) => go.parseGoFile(source.SourceText.fromBytes(bytes)),
      s: (bytes) => asm.parseAsmFile(source.SourceText.fromBytes(bytes)),
    }))
  : null;
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
    const bytes = scratch.subarray(0, n);
    if (!bytes.includes(needles[kind])) continue;
    candidates++;
    parsers?.[kind](bytes);
  }
}
for (const root of roots) walk(root);
console.log(JSON.stringify({ files, candidates }));

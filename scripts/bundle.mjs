// The CLI as one ES module (dist/linkfix.js), and the scan worker as another
// (dist/scan-worker.js), from tsc's output. Node resolves and compiles the ~50
// modules of linkfix and its dependencies in about 0.2 s; one file takes a
// third of that, and start-up is most of a small scan. The library (dist/index.js)
// stays unbundled, with its types. tree-sitter stays outside: it is native.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

await build({
  entryPoints: { linkfix: join(dist, 'cli/main.js'), 'scan-worker': join(dist, 'scan/scan-worker.js') },
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['tree-sitter', 'tree-sitter-go'],
  // Bundled CommonJS dependencies call require() for Node's own modules (ignore, write-file-atomic)
  // and read __filename (write-file-atomic names its temporary files with it).
  banner: {
    js: [
      "import { createRequire as linkfixCreateRequire } from 'node:module';",
      "import { fileURLToPath as linkfixFileURLToPath } from 'node:url';",
      'const require = linkfixCreateRequire(import.meta.url);',
      'const __filename = linkfixFileURLToPath(import.meta.url);',
    ].join(' '),
  },
  logLevel: 'warning',
});

// The build's name for caches (src/version.ts BUILD): a digest of tsc's output, so that a
// result cached by one build is never read by another whose rules differ.
const code = readdirSync(dist, { recursive: true })
  .filter((f) => f.endsWith('.js') && !['linkfix.js', 'scan-worker.js'].includes(f))
  .sort();
const digest = createHash('sha256');
for (const f of code) digest.update(`${f}\0${readFileSync(join(dist, f))}\0`);
writeFileSync(join(dist, 'build-id'), `${digest.digest('hex').slice(0, 16)}\n`);

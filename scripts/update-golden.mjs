// Rewrites the golden files from the current build. Run it only on purpose
// (npm run golden) and review the diff: the golden files are the spec.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['fixtures/scan', 'fixtures/workspace', 'fixtures/invalid', 'fixtures/badmod'];
const run = spawnSync(process.execPath, [join(root, 'bin/linkfix.js'), 'scan', '--format', 'json', ...roots], {
  cwd: root,
  encoding: 'utf8',
});
if (run.status !== 1) throw new Error(`scan exited ${run.status}: ${run.stderr}`);
writeFileSync(join(root, 'test/golden/scan-fixtures.json'), run.stdout);
console.log('wrote test/golden/scan-fixtures.json');

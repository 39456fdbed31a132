// Rewrites the golden files from the current build. Run it only on purpose
// (npm run golden) and review the diff: the golden files are the spec.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOLDEN_OUTPUTS } from '../test/golden/outputs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
for (const { file, args, status } of GOLDEN_OUTPUTS) {
  const run = spawnSync(process.execPath, [join(root, 'bin/linkfix.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (run.status !== status) throw new Error(`linkfix ${args.join(' ')} exited ${run.status}, expected ${status}: ${run.stderr}`);
  writeFileSync(join(root, 'test/golden', file), run.stdout);
  console.log(`wrote test/golden/${file}`);
}

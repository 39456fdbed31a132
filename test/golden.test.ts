// CLI outputs against reviewed golden files (npm run golden rewrites them).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { GOLDEN_OUTPUTS } from './golden/outputs.mjs';
import { ROOT, runCli } from './helpers.js';

test.each(GOLDEN_OUTPUTS.map((g) => [g.args.join(' '), g] as const))('linkfix %s', (_, { file, args, status }) => {
  const run = runCli([...args]);
  expect(run.status).toBe(status);
  const golden = readFileSync(join(ROOT, 'test/golden', file), 'utf8');
  if (file.endsWith('.json')) {
    // The tool version is not part of the spec.
    const strip = (s: string): unknown => ({ ...JSON.parse(s), tool: null });
    expect(strip(run.stdout)).toEqual(strip(golden));
  } else {
    expect(run.stdout).toBe(golden);
  }
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // linkfix's caches (copy outcomes, catalogs of newer Go releases) start empty in every run and stay out of the user's.
    env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'linkfix-test-cache-')) },
  },
});

// Results kept under the XDG cache directory beside the catalogs, one file per
// key: what a key names never changes (a module version, a digest of std
// source), so a result stays true for as long as linkfix and the question are
// the same — all of which the caller puts in the key.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from './load.js';

export interface ResultCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/** A directory beside the catalog cache (`…/linkfix/<name>`). */
export function resultCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(cacheDir(env)), name);
}

export function fileCache(dir: string): ResultCache {
  const path = (key: string): string => join(dir, `${createHash('sha256').update(key).digest('hex')}.json`);
  return {
    get<T>(key: string): T | undefined {
      try {
        const entry = JSON.parse(readFileSync(path(key), 'utf8')) as { key: string; value: T };
        return entry.key === key ? entry.value : undefined;
      } catch {
        return undefined;
      }
    },
    set(key: string, value: unknown): void {
      const file = path(key);
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(tmp, JSON.stringify({ key, value }));
        renameSync(tmp, file);
      } catch {
        // A cache that cannot be written only costs time.
        rmSync(tmp, { force: true });
      }
    },
  };
}

export const noCache: ResultCache = { get: () => undefined, set: () => {} };

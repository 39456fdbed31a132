// Results per module@version, kept under the XDG cache directory next to the
// catalogs: a module version is immutable, so a result stays true for as long
// as linkfix, its catalogs and the question (packages, platform, tags,
// releases) are the same — all of which are in the key.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from '../catalog/load.js';

export interface ResultCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

/** The directory beside the catalog cache (`…/linkfix/deps`). */
export function depsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(cacheDir(env)), 'deps');
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

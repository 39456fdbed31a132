// File discovery: the .go and .s files under the given paths, the way the go
// command and git would see them (skip vendor/, testdata/, `.`/`_` dirs and
// gitignored paths), without ever following a symlink out of the root.

import { existsSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { describeFsError } from '../errors.js';
import type { ScanMessage } from '../model/types.js';

export interface DiscoverOptions {
  includeVendor?: boolean;
  includeTestdata?: boolean;
}

export interface DiscoveredFile {
  /** Absolute path. */
  path: string;
  kind: 'go' | 'asm';
}

interface IgnoreLevel {
  dir: string;
  rules: Ignore;
}

const fileKind = (name: string): DiscoveredFile['kind'] | null =>
  name.endsWith('.go') ? 'go' : name.endsWith('.s') ? 'asm' : null;

/** Yields files in a stable order (roots as given, entries sorted by name, a directory's files before its subdirectories). Problems go to `report`. */
export function* discoverFiles(
  roots: string[],
  options: DiscoverOptions,
  report: (m: ScanMessage) => void,
  rel: (abs: string) => string,
): Generator<DiscoveredFile> {
  // Roots may overlap (`a a/b`, or a file and its directory): each file is yielded once.
  const yielded = roots.length > 1 ? new Set<string>() : null;
  const once = (path: string): boolean => {
    if (!yielded) return true;
    if (yielded.has(path)) return false;
    yielded.add(path);
    return true;
  };
  for (const root of roots) {
    const abs = resolve(root);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      report({ severity: 'error', file: root, line: null, message: describeFsError(e, 'cannot read path') });
      continue;
    }
    if (st.isFile()) {
      const kind = fileKind(abs);
      if (kind) {
        if (once(abs)) yield { path: abs, kind };
      } else report({ severity: 'warning', file: root, line: null, message: 'not a .go or .s file; skipped' });
      continue;
    }
    let found = 0;
    const realRoot = realpathSync(abs);
    const visited = new Set<string>([realRoot]);
    for (const file of walkDir(abs, realRoot, ancestorIgnores(abs), visited, options, report, rel)) {
      found++;
      if (once(file.path)) yield file;
    }
    if (found === 0) report({ severity: 'warning', file: root, line: null, message: 'no Go or assembly files found here' });
  }
}

function* walkDir(
  dir: string,
  realRoot: string,
  levels: IgnoreLevel[],
  visited: Set<string>,
  options: DiscoverOptions,
  report: (m: ScanMessage) => void,
  rel: (abs: string) => string,
): Generator<DiscoveredFile> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    report({ severity: 'error', file: rel(dir), line: null, message: describeFsError(e, 'cannot read directory') });
    return;
  }
  const own = entries.some((e) => e.name === '.gitignore') ? loadIgnore(dir) : null;
  const here = own ? [...levels, own] : levels;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // A directory's files come before its subdirectories', so that each directory's files are contiguous.
  const subdirs: string[] = [];
  for (const entry of entries) {
    const path = dir + sep + entry.name; // dir is already normalised
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      // Follow a link only when its target stays inside the root, and each real directory once.
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue; // dangling link
      }
      if (real !== realRoot && !real.startsWith(realRoot + sep)) continue;
      const st = statSync(real);
      isDir = st.isDirectory();
      isFile = st.isFile();
      if (isDir && visited.has(real)) continue;
      if (isDir) visited.add(real);
    } else if (isDir) {
      visited.add(path);
    }
    if (isDir) {
      if (!skipDir(entry.name, options) && !isIgnored(here, path, true)) subdirs.push(path);
    } else if (isFile) {
      const kind = fileKind(entry.name);
      if (kind && !isIgnored(here, path, false)) yield { path, kind };
    }
  }
  for (const sub of subdirs) yield* walkDir(sub, realRoot, here, visited, options, report, rel);
}

/** The go command's rules: vendor/ and testdata/ are not packages of this module; `.`/`_` dirs are ignored. */
export function skipDir(name: string, options: DiscoverOptions = {}): boolean {
  if (name.startsWith('.') || name.startsWith('_')) return true;
  if (name === 'vendor') return !options.includeVendor;
  if (name === 'testdata') return !options.includeTestdata;
  return false;
}

/** The rules of `dir/file`; their patterns are relative to `dir`. */
function loadIgnore(dir: string, file = '.gitignore'): IgnoreLevel | null {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch {
    return null;
  }
  return { dir, rules: ignore().add(text) };
}

/** Ignore rules above the scan root, up to the repository top (with its .git/info/exclude); none outside a repository. */
function ancestorIgnores(root: string): IgnoreLevel[] {
  const chain: IgnoreLevel[] = [];
  for (let d = root; ; d = dirname(d)) {
    const level = d === root ? null : loadIgnore(d);
    if (level) chain.unshift(level);
    if (existsSync(join(d, '.git'))) {
      const exclude = loadIgnore(d, join('.git', 'info', 'exclude'));
      if (exclude) chain.unshift(exclude);
      return chain;
    }
    if (dirname(d) === d) return [];
  }
}

/** Deeper .gitignore files override shallower ones, and a `!pattern` re-includes, as in git. */
function isIgnored(levels: IgnoreLevel[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    const rel = relative(level.dir, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    const result = level.rules.test(isDir ? `${rel}/` : rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

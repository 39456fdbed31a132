// scan: discover files → per directory (prefilter → parse → model → classify)
// → settle handshakes across the workspace.

import { dirname, resolve } from 'node:path';
import { classifyPackage, settleHandshake, type PushSite } from '../classify/classify.js';
import { discoverFiles, type DiscoverOptions } from '../discover/walk.js';
import { ModuleIndex } from '../model/modules.js';
import { SourceStore } from '../model/packages.js';
import type { ScanMessage, ScanResult } from '../model/types.js';
import { MIN_FILES_FOR_WORKERS, maxThreads, runHere, WorkerPool, type Progress } from './parallel.js';
import type { DirectoryUnit, UnitResult } from './unit.js';

export interface ScanOptions extends DiscoverOptions {
  /** Directory that reported paths are relative to (default: the current directory). */
  base?: string;
  /** Threads for reading and parsing (default: one per core, at most 4, when there are enough files). */
  threads?: number;
  /** Told how many files are read and parsed so far (scan only). */
  onProgress?: Progress;
}

/** Scans on the calling thread only. */
export function scanSync(paths: string[], options: ScanOptions = {}): ScanResult {
  const walk = walkTree(paths, options, () => {});
  return finishScan(walk, runHere(walk.units, walk.modules, options.onProgress));
}

/** Scans, with worker threads when there are enough files: one prefilters while the walk goes on. */
export async function scan(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const threads = maxThreads(options.threads);
  const workers: { pool: WorkerPool | null } = { pool: null };
  try {
    const walk = walkTree(paths, options, (unit, units, seen) => {
      if (workers.pool) workers.pool.added(unit);
      else if (threads > 1 && (options.threads !== undefined || seen >= MIN_FILES_FOR_WORKERS)) workers.pool = new WorkerPool(threads, units);
    });
    const results = workers.pool ? await workers.pool.run(walk.modules, options.onProgress) : runHere(walk.units, walk.modules, options.onProgress);
    return finishScan(walk, results);
  } finally {
    await workers.pool?.close();
  }
}

interface Walk {
  started: number;
  base: string;
  messages: ScanMessage[];
  modules: ModuleIndex;
  filesSeen: number;
  units: DirectoryUnit[];
}

/**
 * Finds the files and groups them by directory (the walk yields a directory's
 * files together), telling `onUnit` of each directory as it is complete; then
 * loads every module they belong to, so that any unit resolves targets alike.
 */
function walkTree(paths: string[], options: ScanOptions, onUnit: (unit: DirectoryUnit, units: DirectoryUnit[], seen: number) => void): Walk {
  const started = performance.now();
  const base = options.base ?? process.cwd();
  const messages: ScanMessage[] = [];
  const modules = new ModuleIndex(base, (m) => void messages.push(m));
  const units: DirectoryUnit[] = [];
  let seen = 0;
  for (const file of discoverFiles(paths.length > 0 ? paths : ['.'], options, (m) => void messages.push(m), (p) => modules.rel(p))) {
    seen++;
    const dir = dirname(file.path);
    const last = units[units.length - 1];
    if (last?.dir === dir) last.files.push(file);
    else {
      if (last) onUnit(last, units, seen);
      units.push({ dir, files: [file] });
    }
  }
  if (units.length > 0) onUnit(units[units.length - 1]!, units, seen);
  for (const unit of units) modules.moduleFor(unit.dir);
  return { started, base, messages, modules, filesSeen: seen, units };
}

function finishScan({ started, base, messages, modules, filesSeen, units }: Walk, results: UnitResult[]): ScanResult {
  const pushes = new Map<string, PushSite>();
  const addPushes = (list: PushSite[]): void => {
    for (const p of list) if (!pushes.has(p.symbol)) pushes.set(p.symbol, p);
  };
  for (const r of results) {
    addPushes(r.pushes);
    messages.push(...r.messages);
  }

  // A pull into this module or the workspace may target a package outside the
  // scanned paths: read that package's pushes too, without reporting its findings.
  const store = new SourceStore(modules, (m) => void messages.push(m));
  const scannedDirs = new Set(units.map((u) => u.dir));
  for (const f of results.flatMap((r) => r.findings)) {
    if (f.kind !== 'pull' || (f.target.kind !== 'same-module' && f.target.kind !== 'workspace')) continue;
    const { dir } = modules.resolve(f.target.importPath, modules.moduleFor(dirname(resolve(base, f.file))));
    if (!dir || scannedDirs.has(dir)) continue;
    scannedDirs.add(dir);
    const target = store.loadPackageDir(dir);
    if (target) addPushes(classifyPackage(target, store, modules).pushes);
  }

  const findings = results.flatMap((r) => r.findings.map((f) => settleHandshake(f, pushes)));
  const asmDefinitions = results.flatMap((r) => r.asmDefinitions);
  findings.sort((a, b) => compare(a.file, b.file) || a.span.start.offset - b.span.start.offset);
  asmDefinitions.sort((a, b) => compare(a.file, b.file) || a.line - b.line);
  messages.sort((a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  const filesParsed = results.reduce((n, r) => n + r.filesParsed, store.filesParsed);
  return {
    base,
    modules: modules.info(),
    findings,
    asmDefinitions,
    messages,
    stats: { filesSeen, filesParsed, durationMs: Math.round(performance.now() - started) },
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

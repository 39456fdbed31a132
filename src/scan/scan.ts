// scan: discover files → prefilter → parse → model packages → classify.

import { dirname } from 'node:path';
import { classifyPackage, settleHandshake, type PushSite } from '../classify/classify.js';
import { discoverFiles, type DiscoveredFile, type DiscoverOptions } from '../discover/walk.js';
import { readAndParse, type FileResult } from '../parse/file.js';
import { readAndParseAll, threadCount, type Progress } from './parallel.js';
import { splitSymbol } from '../parse/directive.js';
import { ModuleIndex } from '../model/modules.js';
import { SourceStore, type AsmFile } from '../model/packages.js';
import type { AsmDefinition, Finding, ScanMessage, ScanResult } from '../model/types.js';

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
  const run = startScan(paths, options);
  for (const f of run.files) run.take(readAndParse(f.path, f.kind));
  return finishScan(run);
}

/** Scans, reading and parsing files in worker threads when there are enough of them. */
export async function scan(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const run = startScan(paths, options);
  await readAndParseAll(run.files, threadCount(run.files.length, options.threads), run.take, options.onProgress);
  return finishScan(run);
}

interface ScanRun {
  started: number;
  base: string;
  messages: ScanMessage[];
  modules: ModuleIndex;
  store: SourceStore;
  files: DiscoveredFile[];
  /**
   * Takes one file's result as it comes: assembly is classified at once, Go
   * files join the store. Nothing holds every result, so a large tree's texts
   * do not all stay alive to the end.
   */
  take: (result: FileResult) => void;
  asmFindings: Finding[];
  asmDefinitions: AsmDefinition[];
}

function startScan(paths: string[], options: ScanOptions): ScanRun {
  const started = performance.now();
  const base = options.base ?? process.cwd();
  const messages: ScanMessage[] = [];
  const report = (m: ScanMessage): void => void messages.push(m);
  const modules = new ModuleIndex(base, report);
  const store = new SourceStore(modules, report);
  const files = [...discoverFiles(paths.length > 0 ? paths : ['.'], options, report, (p) => modules.rel(p))];
  const asmFindings: Finding[] = [];
  const asmDefinitions: AsmDefinition[] = [];
  const take = (result: FileResult): void => {
    const asm = store.register(result);
    if (asm) asmFindings.push(...classifyAsm(asm, modules, asmDefinitions));
    modules.moduleFor(dirname(result.path));
  };
  return { started, base, messages, modules, store, files, take, asmFindings, asmDefinitions };
}

function finishScan({ started, base, messages, modules, store, files, asmFindings, asmDefinitions }: ScanRun): ScanResult {
  const scanned = store.allPackages();
  const pushes = new Map<string, PushSite>();
  const addPushes = (list: PushSite[]): void => {
    for (const p of list) if (!pushes.has(p.symbol)) pushes.set(p.symbol, p);
  };
  const classified = scanned.map((pkg) => {
    const c = { pkg, ...classifyPackage(pkg, store, modules) };
    store.forgetDirectoryBytes(pkg.dir);
    return c;
  });
  for (const c of classified) addPushes(c.pushes);

  // A pull into this module or the workspace may target a package outside the
  // scanned paths: read that package's pushes too, without reporting its findings.
  const scannedDirs = new Set(scanned.map((p) => p.dir));
  for (const { pkg, findings } of classified) {
    for (const f of findings) {
      if (f.kind !== 'pull' || (f.target.kind !== 'same-module' && f.target.kind !== 'workspace')) continue;
      const { dir } = modules.resolve(f.target.importPath, pkg.module);
      if (!dir || scannedDirs.has(dir)) continue;
      scannedDirs.add(dir);
      const target = store.loadPackageDir(dir);
      if (target) addPushes(classifyPackage(target, store, modules).pushes);
    }
  }
  const findings = classified.flatMap((c) => c.findings).map((f) => settleHandshake(f, pushes));

  findings.push(...asmFindings);

  findings.sort((a, b) => compare(a.file, b.file) || a.span.start.offset - b.span.start.offset);
  messages.sort((a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return {
    base,
    modules: modules.info(),
    findings,
    asmDefinitions,
    messages,
    stats: { filesSeen: files.length, filesParsed: store.filesParsed, durationMs: Math.round(performance.now() - started) },
  };
}

/** Cross-package `pkg·sym(SB)` references are asm pulls; TEXT lines are recorded as definitions. */
function classifyAsm(asm: AsmFile, modules: ModuleIndex, definitions: AsmDefinition[]): Finding[] {
  const dir = dirname(asm.path);
  const module = modules.moduleFor(dir);
  const own = modules.importPath(dir);
  const qualify = (symbol: string): string => (symbol.startsWith('.') ? `${own ?? ''}${symbol}` : symbol);
  for (const def of asm.parsed.definitions) {
    definitions.push({ file: asm.rel, line: def.line, symbol: qualify(def.symbol), abi: def.abi });
  }
  const findings: Finding[] = [];
  for (const ref of asm.parsed.references) {
    if (ref.symbol.startsWith('.')) continue;
    const split = splitSymbol(ref.symbol);
    if (!split || split.importPath === own) continue;
    const target = { raw: ref.symbol, ...split, kind: modules.resolve(split.importPath, module).kind };
    findings.push({
      kind: 'asm-pull',
      verb: 'asm',
      file: asm.rel,
      span: asm.parsed.source.span(ref.start, ref.end),
      package: own,
      module: module?.path ?? null,
      localName: null,
      target,
      declaration: null,
      importsUnsafe: false,
      constraint: asm.constraint,
      generated: false,
      invalid: null,
      reason: `assembly references ${ref.symbol} (${ref.abi}) in package ${split.importPath}`,
    });
  }
  return findings;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

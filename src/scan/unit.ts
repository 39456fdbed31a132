// The per-directory stage of a scan: read, prefilter, parse and classify the
// files of one directory (a package and its external test package). Units
// share nothing but the module index, so they run the same on the main thread
// and in worker threads, and a directory's texts are dropped as soon as it is
// classified: memory does not grow with the tree.

import { dirname } from 'node:path';
import { classifyPackage, type PushSite } from '../classify/classify.js';
import type { DiscoveredFile } from '../discover/walk.js';
import { readAndParse } from '../parse/file.js';
import { DirectoryBytes } from '../parse/prefilter.js';
import { splitSymbol } from '../parse/directive.js';
import type { ModuleIndex } from '../model/modules.js';
import { SourceStore, type AsmFile } from '../model/packages.js';
import type { AsmDefinition, Finding, ScanMessage } from '../model/types.js';

export interface DirectoryUnit {
  dir: string;
  files: DiscoveredFile[];
}

/** What a directory contributes to a scan. Findings are not yet settled as handshakes (that needs every push). */
export interface UnitResult {
  findings: Finding[];
  pushes: PushSite[];
  asmDefinitions: AsmDefinition[];
  messages: ScanMessage[];
  filesParsed: number;
}

/** One per thread: a unit is scanned in one synchronous call, and keeps none of its bytes. */
const directoryBytes = new DirectoryBytes();

export function scanUnit(unit: DirectoryUnit, modules: ModuleIndex): UnitResult {
  directoryBytes.reset();
  const messages: ScanMessage[] = [];
  const store = new SourceStore(modules, (m) => void messages.push(m));
  const findings: Finding[] = [];
  const asmDefinitions: AsmDefinition[] = [];
  for (const file of unit.files) {
    const asm = store.register(readAndParse(file.path, file.kind, directoryBytes));
    if (asm) findings.push(...classifyAsm(asm, modules, asmDefinitions));
  }
  const pushes: PushSite[] = [];
  for (const pkg of store.allPackages()) {
    const classified = classifyPackage(pkg, store, modules);
    findings.push(...classified.findings);
    pushes.push(...classified.pushes);
  }
  return { findings, pushes, asmDefinitions, messages, filesParsed: store.filesParsed };
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

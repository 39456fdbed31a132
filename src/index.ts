// linkfix as a library, for migration scripts: scan → plan → apply, with the
// same engine as the CLI (which is a thin shell over these functions).

import { unifiedDiff } from './emit/diff.js';
import { writeChanges, type AtomicWriter } from './emit/write.js';
import { applyPlan, type ApplyOptions, type FileChange, type Skipped } from './fix/apply.js';
import type { Plan, SuggestedFix } from './fix/types.js';
import { judgeScan, type JudgeOptions } from './judge/judge.js';
import type { ScanResult } from './model/types.js';
import { scan as scanFiles, type ScanOptions } from './scan/scan.js';

export type * from './model/types.js';
export type { Applicability, Diagnostic, FileOp, Plan, Strategy, SuggestedFix, TextEdit } from './fix/types.js';
export type { ApplyOptions, FileChange, Skipped } from './fix/apply.js';
export type { Catalog, LinkerRules, Platform, SymbolEntry } from './catalog/types.js';
export type { ScanOptions } from './scan/scan.js';
export type { JudgeOptions } from './judge/judge.js';
export type { PlanOptions } from './fix/plan.js';
export type { AtomicWriter } from './emit/write.js';
export type { Explanation, ReleaseFacts } from './judge/explain.js';
export type { LinkCheckOptions } from './linkcheck/linkcheck.js';
export { LinkfixError, type LinkfixErrorCode } from './errors.js';
export { scanSync } from './scan/scan.js';
export { plan } from './fix/plan.js';
export { fixSource, type FixSourceOptions, type FixSourceResult } from './fix/fix-source.js';
export { explain } from './judge/explain.js';
export { linkCheck } from './linkcheck/linkcheck.js';
export { buildCatalog } from './catalog/build.js';
export { shippedCatalog, shippedReleases } from './catalog/load.js';
export { PLATFORMS } from './catalog/types.js';
export { toGithub, toSarif } from './report/sarif.js';
export { scanToJson } from './report/json.js';
export { unifiedDiff } from './emit/diff.js';

export interface LibraryScanOptions extends ScanOptions, JudgeOptions {
  /** Judge every pull per Go release (default true). */
  verdicts?: boolean;
}

/** Finds and classifies every linkname use under `paths`, with verdicts per Go release. */
export async function scan(paths: string[], options: LibraryScanOptions = {}): Promise<ScanResult> {
  const result = await scanFiles(paths, options);
  return options.verdicts === false ? result : judgeScan(result, options);
}

export interface ApplyRunOptions extends ApplyOptions {
  /** Write the changes to disk (atomically, restoring on failure); default false: compute only. */
  write?: boolean;
  /** Replaces the atomic file writer (tests, dry runs into another store). */
  writer?: AtomicWriter;
}

export interface ApplyResult {
  changes: FileChange[];
  /** The changes as a git-style unified diff. */
  diff: string;
  applied: SuggestedFix[];
  skipped: Skipped[];
  /** Files written (empty unless `write`). */
  written: string[];
}

/** Applies a plan: in memory by default, on disk with `write: true`. */
export async function apply(p: Plan, options: ApplyRunOptions = {}): Promise<ApplyResult> {
  const { changes, applied, skipped } = applyPlan(p, options);
  const written = options.write ? writeChanges(changes, options.writer).written : [];
  return { changes, diff: unifiedDiff(changes), applied, skipped, written };
}
export { deps, bisectFixed, type DepsOptions, type DepsResult, type DependencyModule, type VersionSearch, type FixedVersion } from './deps/deps.js';
export { upgrade, type UpgradeOutcome } from './deps/write.js';
export { depsToJson, depsToMarkdown } from './deps/report.js';

// fixSource: the whole engine on one Go source in memory — parse, classify,
// judge, plan, apply — without reading or writing any file (the shipped
// catalogs aside, unless catalogs are given).

import { shippedCatalog, shippedReleases } from '../catalog/load.js';
import { goMinor, type Catalog } from '../catalog/types.js';
import { classifyPackage } from '../classify/classify.js';
import { selectMinors } from '../judge/judge.js';
import { isJudged, judge } from '../judge/verdict.js';
import { ModuleIndex, type Module } from '../model/modules.js';
import { SourceStore, fileConstraint, type GoFile, type Package } from '../model/packages.js';
import type { Finding, ScanResult } from '../model/types.js';
import { parseGoFile } from '../parse/gofile.js';
import { SourceText } from '../parse/source.js';
import { applyPlan, type Skipped } from './apply.js';
import { plan } from './plan.js';
import type { Diagnostic, SuggestedFix } from './types.js';

export interface FixSourceOptions {
  /** The file's name (it decides `_GOOS`/`_GOARCH` constraints); default `main.go`. */
  filename?: string;
  /** The package's import path; default `example.com/fixsource`. */
  importPath?: string;
  /** The module's `go` directive, e.g. `1.22`; default: the oldest judged release. */
  goVersion?: string;
  /** Releases to judge (as `--go`); default: from `goVersion` to the newest catalog. */
  go?: string;
  platform?: string;
  /** Catalogs to judge with; default: the shipped ones. */
  catalogs?: Catalog[];
  unsafeFixes?: boolean;
}

export interface FixSourceResult {
  /** The fixed source (the input when nothing applied; empty when the fix deletes the file, which kept nothing but its package clause). */
  output: string;
  findings: Finding[];
  diagnostics: Diagnostic[];
  applied: SuggestedFix[];
  skipped: Skipped[];
  /** Files a fix creates next to this one (a build-tag guard's pair). */
  files: { file: string; content: string }[];
}

const BASE = '/linkfix-fixsource';

export function fixSource(source: string, options: FixSourceOptions = {}): FixSourceResult {
  const filename = options.filename ?? 'main.go';
  const catalogs = options.catalogs ?? shippedReleases().map((r) => shippedCatalog(r));
  const known = catalogs.map((c) => c.minor).sort((a, b) => a - b);
  const minors = options.go ? selectMinors(options.go, known) : known.filter((m) => m >= (options.goVersion ? goMinor(options.goVersion) : known[0]!));
  const platform = options.platform ?? 'linux/amd64';

  const parsed = parseGoFile(SourceText.fromString(source));
  const module: Module = { dir: BASE, path: options.importPath ?? 'example.com/fixsource', goVersion: options.goVersion ?? `1.${minors[0] ?? known[0]}`, toolchain: null, workspace: null };
  const modules = new ModuleIndex(BASE, () => {});
  const store = new SourceStore(modules, () => {}, true);
  const file: GoFile = { path: `${BASE}/${filename}`, rel: filename, parsed, constraint: fileConstraint(filename, parsed.goBuild, parsed.plusBuild) };
  const pkg: Package = { dir: BASE, name: parsed.packageName ?? 'main', importPath: module.path, module, files: [file] };
  const findings = classifyPackage(pkg, store, modules).findings.map((f) =>
    isJudged(f) ? { ...f, verdicts: minors.map((m) => judge(f, catalogs.find((c) => c.minor === m)!, platform)) } : f,
  );

  const result: ScanResult = {
    base: BASE,
    modules: [{ dir: '.', path: module.path, goVersion: module.goVersion, toolchain: null, workspace: null }],
    findings,
    asmDefinitions: [],
    messages: [],
    stats: { filesSeen: 1, filesParsed: 1, durationMs: 0 },
  };
  const sources = new Map([[filename, Buffer.from(source, 'utf8')]]);
  const fixPlan = plan(result, { goroot: () => null, sources });
  const applied = applyPlan(fixPlan, { unsafeFixes: options.unsafeFixes, sources, includeGenerated: true });
  const own = applied.changes.find((c) => c.file === filename);
  return {
    output: own ? (own.after?.toString('utf8') ?? '') : source,
    findings,
    diagnostics: fixPlan.diagnostics,
    applied: applied.applied,
    skipped: applied.skipped,
    files: applied.changes.filter((c) => c.file !== filename && c.after).map((c) => ({ file: c.file, content: c.after!.toString('utf8') })),
  };
}

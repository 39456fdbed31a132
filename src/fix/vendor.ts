// Strategy 4: a pure std symbol (the encoding/json.safeSet case) is copied
// from the user's own GOROOT — never from linkfix — with the same-package
// declarations it uses, renamed to the local name, into a new file headed by
// the Go authors' notice and compiled where the pull was (same file-name
// GOOS/GOARCH, same build constraint). Anything impure refuses: unsafe, cgo,
// internal packages, assembly, another linkname, types, or a var that std code
// may change after initialisation (in a shipped release or in the GOROOT the
// copy comes from): a copy of shared state is a different variable. What the
// std source alone decides is recorded in the catalog (../catalog/copyable.ts):
// a package is parsed only when its source is neither a shipped release's nor
// one this user's linkfix has parsed before (the outcome is cached by digest),
// or its record leaves the copy possible.

import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  copyAnalysis,
  decodeOutcome,
  encodeOutcome,
  packageFiles,
  lazyPackage,
  packageSources,
  sourceDigest,
  type CopyOutcome,
  type PackageDecls,
  type PackageSources,
  type StdDecl,
} from '../catalog/copyable.js';
import { releasesWritingVar, shippedCatalog, shippedReleases } from '../catalog/load.js';
import { localGo } from '../catalog/local-go.js';
import { fileCache, resultCacheDir, type ResultCache } from '../catalog/result-cache.js';
import { stdSources, varsWrittenByStd, type StdSourceFile } from '../catalog/writes.js';
import type { DirectiveSite, GoDecl } from '../parse/goshared.js';
import { parseFuncSignature } from '../judge/shape.js';
import type { Finding } from '../model/types.js';
import { BUILD } from '../version.js';
import { ownConstraint, printBuildExpr } from './constraint.js';
import { defaultPackageName } from '../model/modules.js';
import { constraintSuffix, declHead, removeAll, removeLines, type EditableFile } from './source.js';
import type { SuggestedFix } from './types.js';

export interface VendorInput {
  finding: Finding;
  directiveFile: EditableFile;
  directive: DirectiveSite;
  declFile: EditableFile;
  decl: GoDecl;
  std: StdSource;
}

/** The user's GOROOT as a source of std declarations: located once per plan, each package read and parsed once. */
export class StdSource {
  private located: { goroot: string; version: string } | null | undefined;
  private readonly sources = new Map<string, PackageSources>();
  private readonly digests = new Map<string, string>();
  private readonly packages = new Map<string, PackageDecls>();
  private stdFiles: StdSourceFile[] | undefined;

  /**
   * `goroot` overrides `go env GOROOT` (null: no copies). Outcomes computed
   * from a source no shipped catalog holds (a patch release between shipped
   * ones, a locally built Go) are kept in `cache`.
   */
  constructor(
    private readonly goroot?: () => string | null,
    private readonly cache: ResultCache = fileCache(resultCacheDir('copy')),
  ) {}

  where(): { goroot: string; version: string } | null {
    if (this.located === undefined) {
      if (this.goroot) {
        const goroot = this.goroot();
        this.located = goroot ? { goroot, version: versionIn(goroot) } : null;
      } else this.located = localGo();
    }
    return this.located;
  }

  private sourcesOf(importPath: string): PackageSources {
    let sources = this.sources.get(importPath);
    if (!sources) this.sources.set(importPath, (sources = packageSources(join(this.where()!.goroot, 'src', importPath))));
    return sources;
  }

  declarations(importPath: string): PackageDecls {
    let decls = this.packages.get(importPath);
    if (!decls) this.packages.set(importPath, (decls = lazyPackage(this.sourcesOf(importPath))));
    return decls;
  }

  /** What a shipped catalog, or this user's cache, records about copying `name`, when it was computed from exactly this GOROOT's source of the package; undefined: parse to know. */
  recorded(importPath: string, name: string): CopyOutcome | undefined {
    const digest = this.digestOf(importPath);
    for (const release of shippedReleases()) {
      const symbols = shippedCatalog(release).symbols;
      const outcome = symbols.sourceDigest(importPath) === digest ? symbols.copyOutcome(`${importPath}.${name}`) : undefined;
      if (outcome !== undefined) return decodeOutcome(outcome);
    }
    const cached = this.cache.get<string>(this.cacheKey(importPath, name));
    return cached === undefined ? undefined : decodeOutcome(cached);
  }

  /** Keeps what a parse of this GOROOT's package said about `name`, for the next run. */
  remember(importPath: string, name: string, outcome: CopyOutcome): void {
    this.cache.set(this.cacheKey(importPath, name), encodeOutcome(outcome));
  }

  /**
   * The package's source digest, remembered under its files' names, sizes and
   * modification times (runtime's are 6 MB to read and hash). A stale digest
   * can only find a record that refuses the copy: one that allows it is
   * checked by a parse.
   */
  private digestOf(importPath: string): string {
    let digest = this.digests.get(importPath);
    if (digest === undefined) {
      const key = `source digest; ${filesStat(join(this.where()!.goroot, 'src', importPath))}`;
      digest = this.cache.get<string>(key);
      if (digest === undefined) this.cache.set(key, (digest = sourceDigest(this.sourcesOf(importPath))));
      this.digests.set(importPath, digest);
    }
    return digest;
  }

  private cacheKey(importPath: string, name: string): string {
    return `copy outcome; linkfix ${BUILD}; ${importPath} ${this.digestOf(importPath)}; ${name}`;
  }

  /**
   * Which of the vars `names` of a std package the std of this GOROOT may
   * change after initialisation (every package, every platform), with a file
   * that does. The std sources are read once per plan; only files that
   * mention one of the names are looked at.
   */
  writes(importPath: string, packageName: string, names: string[]): Map<string, string> {
    this.stdFiles ??= [...stdSources(this.where()!.goroot)];
    const index = { vars: new Map([[importPath, new Set(names)]]), names: new Map([[importPath, packageName]]) };
    return varsWrittenByStd(this.stdFiles.filter((f) => names.some((n) => f.text.includes(n))), index);
  }
}

/** The names, sizes and modification times of the files packageSources reads. */
function filesStat(dir: string): string {
  return [dir, ...packageFiles(dir).map((name) => {
    const { size, mtimeMs } = statSync(join(dir, name));
    return `${name} ${size} ${mtimeMs}`;
  })].join('\n');
}

/** The release a GOROOT holds, for messages (a Go built from source may have no VERSION file). */
function versionIn(goroot: string): string {
  try {
    return readFileSync(join(goroot, 'VERSION'), 'utf8').split('\n')[0]!.trim();
  } catch {
    return goroot;
  }
}

export function vendoredCopy(input: VendorInput): SuggestedFix | { manual: string } {
  const { finding: f } = input;
  const where = input.std.where();
  if (!where) return { manual: 'no GOROOT to copy the std declaration from (is Go on PATH?)' };
  const { version } = where;
  // A refusal the catalog records for this very source needs no parse.
  const recorded = input.std.recorded(f.target.importPath, f.target.symbol);
  const early = recorded && refusal(recorded, input, where);
  if (early) return { manual: early };
  const { outcome, closure, imports } = copyAnalysis(input.std.declarations(f.target.importPath), f.target.symbol);
  if (!recorded) input.std.remember(f.target.importPath, f.target.symbol, outcome);
  const refused = refusal(outcome, input, where);
  if (refused) return { manual: refused };
  const root = closure[0]!;
  const shared = sharedState(closure, f.target.importPath, input.std);
  if (shared) return { manual: shared };
  // The copy takes the std's declaration: its type must be the one the package declared, or uses of it change.
  const local = localType(input);
  const std = stdType(root, input.std, f.target.importPath);
  if (local === null || std === null || local !== std) {
    return { manual: `${f.target.raw} is ${std ?? 'of a type not written in its declaration'} in ${version}; the local declaration says ${local ?? input.declFile.parsed.source.text.slice(input.decl.start, input.decl.signatureEnd)}: a copy would change the type` };
  }

  const clash = closure.slice(1).find((d) => input.declFile.parsed.decls.has(d.name));
  if (clash) return { manual: `the copy needs ${clash.name}, which the package already declares` };

  const eol = input.declFile.eol;
  // The pull's platform goes with the copy: the same file-name suffixes and build constraint.
  const newFile = join(dirname(input.declFile.rel), `${f.localName!.toLowerCase()}_from_std${constraintSuffix(input.declFile.rel)}.go`);
  const own = ownConstraint(input.declFile.parsed);
  const head = declHead(input.declFile, input.decl);
  const content = [
    ...copyrightOf(root.file.text),
    `// Code below is copied from ${f.target.importPath} (${root.file.name}) of ${version} by linkfix:`,
    `// ${f.target.raw} can no longer be pulled with //go:linkname.`,
    '',
    ...(own ? [`//go:build ${printBuildExpr(own)}`, ''] : []),
    `package ${input.declFile.parsed.packageName}`,
    '',
    ...importBlock([...imports].sort()),
    ...closure.flatMap((d, i) => [...(i === 0 ? head.doc : []), ...declText(d, i === 0 ? f.localName! : d.name).split('\n'), '']),
  ];
  // The declaration goes with its doc comment (which moves into the copy) and its pragmas; so does the directive.
  const removed: [number, number][] = [[head.docStart, input.decl.end], ...head.pragmas.map((p): [number, number] => [p.start, p.end])];
  const sameFile = input.directiveFile.rel === input.declFile.rel;
  if (sameFile) removed.push([input.directive.start, input.directive.end]);
  const edits = [...(sameFile ? [] : [removeLines(input.directiveFile, input.directive.start, input.directive.end)]), ...removeAll(input.declFile, removed)];
  return {
    message: `copy ${f.target.raw} from ${version} (${f.target.importPath}/${root.file.name}) into ${newFile}: it is pure Go and no std code changes what it copies after initialisation, so the copy keeps its value`,
    applicability: 'safe',
    strategy: 'vendored',
    edits,
    files: [{ kind: 'create', file: newFile, content: content.join(eol).replace(/(\r?\n)+$/, '') + eol }],
  };
}

/** Why the std source rules a copy out, as the user reads it; null when it leaves the copy possible. */
function refusal(outcome: CopyOutcome, input: VendorInput, where: { goroot: string; version: string }): string | null {
  const { raw, importPath } = input.finding.target;
  if (outcome.decl === null) return `${raw} is not in ${where.goroot} (${where.version}): nothing to copy`;
  const bodyless = 'blocker' in outcome ? false : outcome.bodyless;
  if ((outcome.decl === 'var') !== (input.decl.kind === 'var') || outcome.decl === 'type' || outcome.decl === 'const' || bodyless) {
    return `${raw} is a ${bodyless ? 'bodyless (assembly or linknamed) func' : outcome.decl} in ${where.version}; the local declaration is a ${input.decl.kind}`;
  }
  const b = 'blocker' in outcome ? outcome.blocker : null;
  if (!b) return null;
  switch (b.why) {
    case 'linkname':
      return `${importPath}.${b.name} carries a //go:linkname of its own`;
    case 'import':
      return `${raw} depends on ${b.path}, which a copy cannot use`;
    case 'type':
      return `${raw} uses the type ${importPath}.${b.name}; copying types is not automatic`;
    case 'bodyless':
      return `${raw} uses ${importPath}.${b.name}, which has no Go body`;
    case 'size':
      return `${raw} pulls in more than ${b.limit} declarations`;
    case 'platform':
      return `${importPath}.${b.name} is declared for some platforms only (${b.files.join(', ')}): one copy for every platform the pull is compiled on cannot take one platform's version`;
    case 'allocated':
      return `${importPath}.${b.name} is shared state of package ${importPath}: a copy would be a different variable, its value made anew by \`${b.made}\`, never equal to the std's`;
  }
}

/**
 * Why a var of the closure cannot be copied: the std may change it after
 * initialisation in a shipped release where it exists (the catalogs), or in
 * the GOROOT the copy comes from, which may be newer than every catalog.
 */
function sharedState(closure: StdDecl[], importPath: string, std: StdSource): string | null {
  const vars = closure.filter((d) => d.kind === 'var').map((d) => d.name);
  if (vars.length === 0) return null;
  const because = (name: string, why: string): string => `${importPath}.${name} is shared state of package ${importPath}: a copy would be a different variable (${why})`;
  for (const name of vars) {
    const releases = releasesWritingVar(`${importPath}.${name}`);
    if (releases.length) return because(name, `std code may change it after initialisation in ${releases.join(', ')}`);
  }
  const packageName = /^package\s+(\w+)/m.exec(closure[0]!.file.text)?.[1] ?? defaultPackageName(importPath);
  const local = std.writes(importPath, packageName, vars);
  const [symbol, file] = [...local][0] ?? [];
  const where = std.where()!;
  return symbol ? because(symbol.slice(importPath.length + 1), `std code may change it after initialisation: ${file} in ${where.version}`) : null;
}

/** The leading copyright comment of a std file. */
function copyrightOf(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    lines.push(line.replace(/\r$/, ''));
  }
  return lines.some((l) => /Copyright/.test(l)) ? [...lines, ''] : ['// Copyright The Go Authors. All rights reserved.', '// Use of this source code is governed by a BSD-style', '// license that can be found in the LICENSE file.', ''];
}

function importBlock(paths: string[]): string[] {
  if (paths.length === 0) return [];
  if (paths.length === 1) return [`import "${paths[0]}"`, ''];
  return ['import (', ...paths.map((p) => `\t"${p}"`), ')', ''];
}

/** The declaration's text (a spec of a group becomes a declaration of its own), renamed. */
function declText(d: StdDecl, name: string): string {
  const text = d.file.text;
  const start = d.node.startIndex;
  const renamed = text.slice(start, d.nameNode.startIndex) + name + text.slice(d.nameNode.endIndex, d.node.endIndex);
  if (!d.grouped) return renamed;
  // Out of its group: one tab less on continuation lines.
  return `${d.kind} ${renamed.replace(/\n\t/g, '\n')}`;
}

const typeText = (t: string): string => t.replace(/\s+/g, ' ').replace(/\s*([()[\],])\s*/g, '$1').trim();

/**
 * Array lengths written as a std constant (`[utf8.RuneSelf]bool`) as their
 * value (`[128]bool`), so that two spellings of one type compare equal; a
 * length that cannot be read stays as written.
 */
function withLengths(type: string, imports: (name: string) => string | undefined, ownPath: string, std: StdSource): string {
  return type.replace(/\[([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)?|0[xXoObB]?[\da-fA-F_]+|\d[\d_]*)\]/gu, (whole, len: string) => {
    const literal = (text: string): number | null => (/^(0[xX][\da-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][\d_]*|0)$/.test(text) ? Number(text.replace(/_/g, '').replace(/^0([0-7]+)$/, '0o$1')) : null);
    const direct = literal(len);
    if (direct !== null) return `[${direct}]`;
    const [pkg, name] = len.includes('.') ? [imports(len.split('.')[0]!), len.split('.')[1]!] : [ownPath, len];
    const decl = pkg && !pkg.includes('.') ? std.declarations(pkg).get(name) : undefined;
    const value = decl?.kind === 'const' ? /=\s*([\w]+)\s*(?:\/\/.*)?$/m.exec(decl.node.text)?.[1] : undefined;
    const n = value ? literal(value) : null;
    return n === null ? whole : `[${n}]`;
  });
}

/** The type of the local declaration: a var's written type, or a func's parameter and result types (names aside). */
function localType(input: VendorInput): string | null {
  const text = input.declFile.parsed.source.text.slice(input.decl.start, input.decl.signatureEnd);
  const specs = input.declFile.parsed.imports.flatMap((d) => d.specs);
  const imports = (name: string): string | undefined => specs.find((s) => (s.name ?? defaultPackageName(s.path)) === name)?.path;
  const sig = input.decl.kind === 'var' ? null : parseFuncSignature(text);
  const type = input.decl.kind === 'var' ? text.replace(/^[\p{L}_][\p{L}\p{N}_]*\s*/u, '') : sig ? `(${sig.params.map((p) => p.type).join(',')})(${sig.results.map((r) => r.type).join(',')})` : '';
  return type ? typeText(withLengths(type, imports, '', input.std)) : null;
}

/** A func signature's parameter and result types, `(…)(…)`, spaces normalised: equal texts, equal types as written. */
export function callType(sig: { params: { type: string }[]; results: { type: string }[] }): string {
  return typeText(`(${sig.params.map((p) => p.type).join(',')})(${sig.results.map((r) => r.type).join(',')})`);
}

/** The same for the std declaration: a var's written type, or the type of its composite literal. */
function stdType(d: StdDecl, std: StdSource, importPath: string): string | null {
  let type: string | null = null;
  if (d.kind === 'var') {
    const spec = d.node.type === 'var_spec' ? d.node : d.node.namedChildren.find((n) => n.type === 'var_spec');
    const literal = spec?.childForFieldName('value')?.namedChildren[0];
    type = (spec?.childForFieldName('type') ?? (literal?.type === 'composite_literal' ? literal.childForFieldName('type') : null))?.text ?? null;
  } else {
    const sig = parseFuncSignature(d.file.text.slice(d.node.startIndex, d.node.childForFieldName('body')?.startIndex ?? d.node.endIndex));
    type = sig ? `(${sig.params.map((p) => p.type).join(',')})(${sig.results.map((r) => r.type).join(',')})` : null;
  }
  return type ? typeText(withLengths(type, (name) => d.file.imports.get(name), importPath, std)) : null;
}

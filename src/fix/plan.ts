// The rule engine: for each pull, the first strategy that applies gives its
// fix — handshake completion, a call to the exported std function, a public
// API replacement (behind a build-tag guard when it needs a newer Go), a
// vendored copy of a pure std symbol — else a manual diagnostic that says why.

import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { varsWrittenByStd } from '../catalog/writes.js';
import { FAILING } from '../judge/verdict.js';
import { isExportedName } from '../parse/directive.js';
import { goMinor } from '../catalog/types.js';
import { shippedCatalog, shippedReleases } from '../catalog/load.js';
import { parseFuncSignature, type FuncSignature, type Param } from '../judge/shape.js';
import type { DirectiveSite, GoDecl } from '../parse/goshared.js';
import type { Finding, ScanResult } from '../model/types.js';
import { ANY_POINTER, REPLACEMENTS, type Rewrite } from '../rules/replacements.js';
import { conjoin, ownConstraint, printBuildExpr, satisfiable } from './constraint.js';
import type { BuildExpr } from '../model/constraint.js';
import { FileCache, declHead, importAll, leadingHeader, siblingFile, planBaselines, ensureImport, helperName, legalWithBody, lineStartOf, removeAll, removeLines, type EditableFile } from './source.js';
import { defaultPackageName, importable } from '../model/modules.js';
import type { Diagnostic, Plan, SuggestedFix, TextEdit } from './types.js';
import { callType, StdSource, vendoredCopy } from './vendor.js';

export interface PlanOptions {
  /** Only pulls that fail on a judged release (default: every pull that has a fix). */
  onlyBroken?: boolean;
  /** Keep a pull that still links on older releases there, behind `//go:build !go1.N`, N being the first release it fails on. */
  keepOldPath?: boolean;
  /** GOROOT to copy pure std symbols from (default: `go env GOROOT`; null: no copies). */
  goroot?: () => string | null;
  /** File contents by path relative to the scan's base, used instead of the disk. */
  sources?: ReadonlyMap<string, Buffer>;
}

export function plan(result: ScanResult, options: PlanOptions = {}): Plan {
  const files = new FileCache(result.base, options.sources);
  const std = new StdSource(options.goroot);
  const modules = new Map(result.modules.map((m) => [m.path, m]));
  const diagnostics: Diagnostic[] = [];
  for (const f of result.findings) {
    if (f.kind !== 'pull' && f.kind !== 'asm-pull') continue;
    const failing = (f.verdicts ?? []).filter((v) => FAILING.has(v.verdict));
    if (options.onlyBroken && failing.length === 0) continue;
    // A pull fenced to old releases (`//go:build !go1.N`, e.g. by a guard fix) that links wherever it is compiled is done.
    if (failing.length === 0 && /!\s*go1\.\d+/.test(f.constraint.expression ?? '')) continue;
    const moduleGo = f.module ? modules.get(f.module)?.goVersion : null;
    // A go.mod without a go line means go 1.16 to the go command.
    const context: Context = { f, files, std, result, moduleMinor: moduleGo ? goMinor(moduleGo) : f.module ? 16 : null, options };
    diagnostics.push(diagnose(context, failing.map((v) => `${v.go} ${v.verdict}`)));
  }
  const out: Plan = { base: result.base, diagnostics };
  planBaselines.set(out, files);
  return out;
}

interface Context {
  f: Finding;
  files: FileCache;
  std: StdSource;
  result: ScanResult;
  moduleMinor: number | null;
  options: PlanOptions;
}

/** A strategy gives a fix, a reason it does not apply (which a manual diagnostic reports), or null to pass. */
type Outcome = SuggestedFix | { manual: string } | null;

function diagnose(ctx: Context, failing: string[]): Diagnostic {
  const { f } = ctx;
  const unused = (f.verdicts ?? []).filter((v) => v.verdict === 'ok-unreferenced').map((v) => v.go);
  const state = failing.length
    ? `fails on ${failing.join(', ')}`
    : unused.length
      ? `links only while its package never uses it (a use fails on ${unused.join(', ')})`
      : f.namesReceiverType && f.verdicts?.some((v) => v.verdict === 'ok-implicit')
        ? "links today, while the method exists (the declaration names the receiver's type, so the linker does not check the reference)"
        : 'links today, but only while the target allows it';
  const message = `${f.kind === 'asm-pull' ? 'assembly reference to' : 'pull of'} ${f.target.raw} ${state}`;
  if (f.kind === 'asm-pull') return manual(f, message, 'assembly references have no automatic rewrite: call a Go wrapper that uses a public API instead');
  const reasons: string[] = [];
  for (const strategy of [handshakeCompletion, exportedCall, apiReplacement, initialisedVar, vendored]) {
    const out = strategy(ctx);
    if (out === null) continue;
    if ('manual' in out) {
      reasons.push(out.manual);
      continue;
    }
    return { finding: f, message, fixes: [out] };
  }
  const known = REPLACEMENTS[`${f.target.importPath}.${f.target.symbol}`];
  if (known && !known.rewrite && !known.initialise) reasons.push(`known replacement: ${known.use}${known.note ? ` (${known.note})` : ''}`);
  return manual(f, message, reasons.length ? reasons.join('; ') : 'no public API does this job: restructure, or propose an API upstream');
}

function manual(f: Finding, message: string, why: string): Diagnostic {
  return {
    finding: f,
    message,
    fixes: [
      {
        message: `${why}. (-ldflags=-checklinkname=0 only hides the problem: use it for experiments, never to ship)`,
        applicability: 'manual',
        strategy: 'manual',
        edits: [],
        files: [],
      },
    ],
  };
}

/** The directive and declaration of a Go pull, as the planner's parse sees them. */
interface Sites {
  file: EditableFile;
  directive: DirectiveSite;
  declFile: EditableFile;
  decl: GoDecl;
}

function sites(ctx: Context): Sites | null {
  const { f, files } = ctx;
  if (!f.declaration || !f.localName) return null;
  const file = files.get(f.file);
  const directive = file.parsed.directives.find((d) => d.args[0] === f.localName && file.parsed.source.position(d.start).line === f.span.start.line);
  const declFile = files.get(f.declaration.file);
  const decl = declFile.parsed.decls.get(f.localName);
  return directive && decl ? { file, directive, declFile, decl } : null;
}

// 1. The target is defined in this module or workspace: push it from its definition.
function handshakeCompletion(ctx: Context): Outcome {
  const { f, files, result } = ctx;
  if (f.target.kind !== 'same-module' && f.target.kind !== 'workspace') return null;
  if (ctx.options.sources) return { manual: `${f.target.raw} is defined outside the source given: push it from its definition` };
  // The module with the longest path that holds the import path (a nested module owns its subtree).
  const module = result.modules
    .filter((m) => m.path !== null && (f.target.importPath === m.path || f.target.importPath.startsWith(`${m.path}/`)))
    .sort((a, b) => b.path!.length - a.path!.length)[0];
  if (!module?.path) return { manual: `the module of ${f.target.importPath} was not found` };
  const dir = resolve(result.base, module.dir, f.target.importPath.slice(module.path.length + 1));
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
  } catch {
    return { manual: `the package directory of ${f.target.importPath} is not readable` };
  }
  for (const name of names) {
    const target = files.get(relative(result.base, join(dir, name)).split(sep).join('/'));
    const decl = target.parsed.decls.get(f.target.symbol);
    if (!decl) continue;
    if (decl.kind === 'func-bodyless') return { manual: `${f.target.raw} is itself bodyless: it has no definition to push` };
    const at = lineStartOf(target, decl.start);
    const edits: TextEdit[] = [{ file: target.rel, start: at, end: at, newText: `//go:linkname ${f.target.symbol}${target.eol}` }];
    // A blank import is all the directive needs.
    if (!target.parsed.importsUnsafe) edits.push(ensureImport(target, 'unsafe', { blank: true }).edit!);
    return {
      message: `push ${f.target.raw} from its definition (${target.rel}), completing the handshake`,
      applicability: 'safe',
      strategy: 'handshake',
      edits,
      files: [],
    };
  }
  return { manual: `no definition of ${f.target.raw} was found in ${relative(result.base, dir)}` };
}

// 2. An exported std function pulled through linkname: just call it.
function exportedCall(ctx: Context): Outcome {
  const { f } = ctx;
  if (f.target.kind !== 'std' || !isExportedName(f.target.symbol) || f.declaration?.kind !== 'func-bodyless') return null;
  // internal/poll.IsPollDescriptor is exported, but only the std may import internal/poll.
  if (!importable(f.target.importPath)) return null;
  if (STACK_SENSITIVE.test(`${f.target.importPath}.${f.target.symbol}`)) {
    return { manual: `${f.target.raw} looks at its caller's stack: called from a wrapper, it would see the wrapper's frame` };
  }
  const s = sites(ctx);
  const sig = parseFuncSignature(f.declaration.signature);
  if (!s || !sig) return null;
  const use = ensureImport(s.declFile, f.target.importPath);
  // The call must compile and mean the same, in every release judged: the std's very types (a layout match is not enough: int64 for time.Duration, []any for ...any).
  const want = catalogCallType(f, use.name);
  if (want === null || want !== callType(sig) || /\/[/*]/.test(f.declaration.signature)) {
    return { manual: `the local declaration (${f.declaration.signature}) is not written with ${f.target.raw}'s own types${want ? ` ${want}` : ' in every release judged'}: a call may not compile, or may mean something else` };
  }
  const shadow = [...sig.params, ...sig.results].find((p) => p.name === use.name);
  if (shadow) return { manual: `the parameter ${shadow.name} would hide the package ${use.name} in the call` };
  const { params } = header(s, sig);
  const args = params.map((p) => (p.type.startsWith('...') ? `${p.name}...` : p.name!)).join(', ');
  const call = `${use.name}.${f.target.symbol}(${args})`;
  return bodyFix(s, sig, [sig.results.length ? `return ${call}` : call], [], use.edit ? [use.edit] : [], {
    message: `call ${f.target.raw} directly: it is exported`,
    applicability: 'safe',
    strategy: 'exported',
  });
}

/**
 * The std func's parameter and result types as the catalogs of the releases
 * it was judged for record them, written as a caller outside its package
 * writes them (`qualifier` naming the package); null unless every one of
 * those catalogs has it, with the same types, and not generic.
 */
function catalogCallType(f: Finding, qualifier: string): string | null {
  const minors = new Set((f.verdicts ?? []).map((v) => goMinor(v.go)));
  const types = shippedReleases()
    .filter((r) => minors.has(goMinor(r)))
    .map((r) => {
      const signature = shippedCatalog(r).symbols.lookup(`${f.target.importPath}.${f.target.symbol}`)?.signature;
      const sig = signature && !/^func\s+[^\s(]+\[/.test(signature) ? parseFuncSignature(signature) : null;
      // The package's own exported types are bare in its source and qualified outside it.
      return sig ? callType(sig).replace(/(?<![\p{L}\p{N}_.])(\p{Lu}[\p{L}\p{N}_]*)/gu, `${qualifier}.$1`) : null;
    });
  return types.length === minors.size && types.every((t) => t !== null && t === types[0]) ? types[0]! : null;
}

/** Std functions whose result depends on their caller's frame (a wrapper changes it): called directly only by hand. */
const STACK_SENSITIVE = /^(?:runtime\.(?:Caller|Callers|Stack)|runtime\/debug\.(?:Stack|PrintStack)|log\.\w+|log\/slog\.\w+|testing\.\w+)$/;

// 3. A public API does the same job (rules in src/rules/replacements.ts).
function apiReplacement(ctx: Context): Outcome {
  const { f, moduleMinor } = ctx;
  const rule = REPLACEMENTS[`${f.target.importPath}.${f.target.symbol}`];
  if (!rule?.rewrite || f.declaration?.kind !== 'func-bodyless') return null;
  const rw = rule.rewrite;
  const sig = parseFuncSignature(f.declaration.signature);
  const norm = (t: string): string => t.replace(/\s+/g, ' ').trim();
  const matches = (want: string, type: string): boolean => want === type || (want === ANY_POINTER && (type.startsWith('*') || type === 'unsafe.Pointer'));
  const paramsMatch = sig?.params.length === rw.params.length && sig.params.every((p, i) => matches(rw.params[i]!, norm(p.type)));
  if (!sig || !paramsMatch || sig.results.map((p) => norm(p.type)).join(',') !== rw.results.join(',')) {
    return { manual: `the replacement ${rule.use} expects func(${rw.params.map((t) => (t === ANY_POINTER ? 'a type pointer' : t)).join(', ')})${rw.results.length ? ` (${rw.results.join(', ')})` : ''}, the local declaration is ${f.declaration.signature}` };
  }
  const s = sites(ctx);
  if (!s) return null;
  // A parameter or result named like a package or a variable the replacement's body uses would hide it there (`after` declarations have scopes of their own).
  const template = rw.body.join('\n').replace(/\$\d+|\{\w*\}\w*/g, ' ');
  const used = new Set([...Object.values(importAll(s.declFile, rw.imports).names), ...Array.from(template.matchAll(/[\p{L}_][\p{L}\p{N}_]*/gu), (m) => m[0])]);
  const hidden = [...sig.params, ...sig.results].find((p) => p.name && used.has(p.name));
  if (hidden) return { manual: `the local declaration names a ${sig.params.includes(hidden) ? 'parameter' : 'result'} ${hidden.name}, which the replacement (${rule.use}) needs for its own: rename it, and the fix applies` };
  const what = rw.applicability === 'unsafe' ? ` (behaviour differs: ${rule.note ?? 'see linkfix explain'})` : '';
  const fix = { message: `use ${rule.use} instead of ${f.target.raw}${what}`, applicability: rw.applicability, strategy: 'replacement' as const };

  // 5. The replacement needs a newer Go than the module allows (or the user keeps the old path): guard both.
  const firstFailing = (f.verdicts ?? []).find((v) => FAILING.has(v.verdict));
  const guardAt = Math.max(rw.minGo ?? 0, ctx.options.keepOldPath && firstFailing ? goMinor(firstFailing.go) : 0);
  // Only where the file is compiled on a release before it at all: `//go:build go1.23` needs no guard for a Go 1.22 API.
  const own = ownConstraint(s.declFile.parsed);
  const olderReleases = Array.from({ length: Math.max(0, guardAt - (moduleMinor ?? guardAt)) }, (_, i) => moduleMinor! + i);
  if (olderReleases.length > 0 && (own === null || satisfiable(own, s.declFile.rel, olderReleases))) {
    const gap = (f.verdicts ?? []).find((v) => goMinor(v.go) < guardAt && FAILING.has(v.verdict));
    if (gap) return { manual: `${rule.use} needs Go 1.${guardAt}, and the pull already fails on ${gap.go} (${gap.verdict}): no build-tag split covers every release from the module's go 1.${moduleMinor}` };
    // Go 1.16 and older read only `// +build` lines: the split's //go:build files would both compile there.
    if (moduleMinor! < 17) return { manual: `${rule.use} needs Go 1.${guardAt}, and the module allows go 1.${moduleMinor}, whose toolchain does not read //go:build: raise the go line to 1.17 or later, and the fix applies as a build-tag split` };
    return guarded(ctx, s, sig, rw, guardAt, own, fix);
  }

  const { names, edits: importEdits } = importAll(s.declFile, rw.imports);
  const fill = filler(ctx, s, header(s, sig).params, names);
  return bodyFix(s, sig, rw.body.map(fill), (rw.after ?? []).map(fill), importEdits, fix);
}

/**
 * Expands a rule's template: `$N` the N-th parameter, `{pkg}` the name an
 * import has in the file, `{local}` the local name, and `{local}Xxx` a
 * package-level helper, given a fresh unexported name (one per fix).
 */
function filler(ctx: Context, s: Sites, params: Param[], names: Record<string, string>): (line: string) => string {
  const local = ctx.f.localName!;
  const helpers = new Map<string, string>();
  const helper = (suffix: string): string => {
    if (!helpers.has(suffix)) helpers.set(suffix, helperName(ctx.files, s.declFile.rel, local, suffix));
    return helpers.get(suffix)!;
  };
  return (line) =>
    line
      .replace(/\$(\d+)/g, (_, i: string) => params[Number(i)]!.name!)
      .replace(/\{local\}([A-Z]\w*)/g, (_, suffix: string) => helper(suffix))
      .replace(/\{local\}/g, local)
      .replace(/\{(\w+)\}/g, (m, pkg: string) => names[pkg] ?? m);
}

/**
 * Keeps the pull, in a file of its own, for the releases before `minor`
 * (`//go:build !go1.N`), and puts the replacement in a sibling file for the
 * rest (`//go:build go1.N`); the original file's own constraint is ANDed in.
 * The declaration's doc comment and pragmas go with it to both files (a
 * bodyless-only pragma such as `//go:noescape` only to the pull's).
 */
function guarded(ctx: Context, s: Sites, sig: FuncSignature, rw: Rewrite, minor: number, own: BuildExpr | null, fix: Pick<SuggestedFix, 'message' | 'applicability' | 'strategy'>): SuggestedFix {
  const { f } = ctx;
  const eol = s.declFile.eol;
  const text = s.declFile.parsed.source.text;
  const release: BuildExpr = { op: 'tag', tag: `go1.${minor}` };
  const constraint = (tag: BuildExpr): string => `//go:build ${printBuildExpr(conjoin(tag, own))}`;
  // Imports the declaration's signature uses (e.g. unsafe for unsafe.Pointer) go to both files.
  const signature = text.slice(s.decl.start, s.decl.signatureEnd);
  const sigImports = s.declFile.parsed.imports
    .flatMap((d) => d.specs)
    .filter((spec) => spec.name !== '_' && spec.name !== '.' && new RegExp(`\\b${spec.name ?? defaultPackageName(spec.path)}\\.`).test(signature));
  const importLines = (specs: string[]): string[] =>
    specs.length === 0 ? [] : specs.length === 1 ? [`import ${specs[0]}`, ''] : ['import (', ...specs.map((x) => `\t${x}`), ')', ''];
  const specText = (name: string | null, path: string): string => `${name ? `${name} ` : ''}"${path}"`;
  const pkg = `package ${s.declFile.parsed.packageName}`;
  const local = f.localName!;
  const pullFile = siblingFile(s.declFile.rel, `${local.toLowerCase()}_linkname`);
  const replacementFile = siblingFile(s.declFile.rel, `${local.toLowerCase()}_go1${minor}`);
  const head = declHead(s.declFile, s.decl);
  const { doc } = head;
  // gofmt's layout: the doc text, then `//`, then the directives.
  const comments = (directives: string[]): string[] => [...doc, ...(doc.length && directives.length ? ['//'] : []), ...directives];

  const oldSpecs = [...sigImports.map((x) => specText(x.name, x.path)), ...(sigImports.some((x) => x.path === 'unsafe') ? [] : [specText('_', 'unsafe')])].sort(byPath);
  const licence = leadingHeader(s.declFile);
  const top = licence.length ? [...licence, ''] : [];
  const oldFile = [...top, constraint({ op: 'not', x: release }), '', pkg, '', ...importLines(oldSpecs), ...comments([...head.pragmas.map((p) => p.text), `//go:linkname ${s.directive.args.join(' ')}`]), signature, ''];

  const names: Record<string, string> = {};
  for (const path of rw.imports) names[defaultPackageName(path)] = sigImports.find((x) => x.path === path)?.name ?? defaultPackageName(path);
  const newSpecs = [...new Set([...sigImports.map((x) => specText(x.name, x.path)), ...rw.imports.filter((p) => !sigImports.some((x) => x.path === p)).map((p) => specText(null, p))])].sort(byPath);
  const { text: funcHeader, params } = header(s, sig);
  const fill = filler(ctx, s, params, names);
  const kept = head.pragmas.filter(legalWithBody).map((p) => p.text);
  const newFile = [...top, constraint(release), '', pkg, '', ...importLines(newSpecs), ...comments(kept), `${funcHeader} {`, ...rw.body.map((l) => `\t${fill(l)}`), '}', ...(rw.after ?? []).flatMap((a) => ['', ...fill(a).split('\n')]), ''];

  const removed: [number, number][] = [[head.docStart, s.decl.end], ...head.pragmas.map((p): [number, number] => [p.start, p.end])];
  if (s.file === s.declFile) removed.push([s.directive.start, s.directive.end]);
  return {
    ...fix,
    strategy: 'guard',
    message: `${fix.message}, from Go 1.${minor} on (${replacementFile}); the pull stays for older releases, where it links (${pullFile})`,
    edits: [...(s.file === s.declFile ? [] : [removeLines(s.file, s.directive.start, s.directive.end)]), ...removeAll(s.declFile, removed)],
    files: [
      { kind: 'create', file: pullFile, content: oldFile.join(eol) },
      { kind: 'create', file: replacementFile, content: newFile.join(eol) },
    ],
  };
}

/** gofmt's import order: by path, whatever the name. */
const byPath = (a: string, b: string): number => {
  const pa = a.slice(a.indexOf('"'));
  const pb = b.slice(b.indexOf('"'));
  return pa < pb ? -1 : pa > pb ? 1 : 0;
};

// 3b. A pulled std var that never changes after start-up: an ordinary var, initialised from the public API.
function initialisedVar(ctx: Context): Outcome {
  const { f } = ctx;
  const rule = REPLACEMENTS[`${f.target.importPath}.${f.target.symbol}`];
  const init = rule?.initialise;
  if (!rule || !init || f.declaration?.kind !== 'var') return null;
  const s = sites(ctx);
  if (!s) return null;
  const text = s.declFile.parsed.source.text;
  const spec = text.slice(s.decl.start, s.decl.end);
  const declared = /^([\p{L}_][\p{L}\p{N}_]*)\s+([^=]+)$/u.exec(spec);
  // Only `var x T` on a line of its own: in a var ( … ) group gofmt may realign the specs around a longer one.
  const own = text.slice(lineStartOf(s.declFile, s.decl.start), s.decl.start).trim() === 'var';
  if (!own || declared?.[1] !== f.localName || declared[2]!.replace(/\s+/g, ' ').trim() !== init.type) {
    return { manual: `the engine initialises only a var declared alone as var ${f.localName} ${init.type} (from ${rule.use}); the local declaration is ${spec}${own ? '' : ', in a var ( … ) group'}` };
  }
  const writer = writerOf(ctx, s);
  if (writer) return { manual: `${f.localName} may be written in ${writer}: the pull shares ${f.target.raw}, an initialised var would not; ${rule.note ?? ''}` };
  // Other packages may write an exported var, and only this package's files were read.
  if (isExportedName(f.localName!)) return { manual: `${f.localName} is exported: another package may write it, and the pull shares ${f.target.raw} where an initialised var would not` };
  const { names, edits: importEdits } = importAll(s.declFile, init.imports);
  const value = filler(ctx, s, [], names)(init.value);
  const directiveEdits = s.file === s.declFile ? removeAll(s.declFile, [[s.directive.start, s.directive.end]]) : [removeLines(s.file, s.directive.start, s.directive.end)];
  return {
    message: `initialise ${f.localName} from ${rule.use} instead of pulling ${f.target.raw}${init.applicability === 'unsafe' ? ` (behaviour differs: ${rule.note})` : ''}`,
    applicability: init.applicability,
    strategy: 'replacement',
    edits: [...directiveEdits, { file: s.declFile.rel, start: s.decl.end, end: s.decl.end, newText: ` = ${value}` }, ...importEdits],
    files: [],
  };
}

/**
 * The first file of the pulled var's package (any build tag, tests and
 * assembly included) that may write it, by the same reading as the std's
 * writes are found with (every doubt counts); the pull's own directive aside.
 */
function writerOf(ctx: Context, s: Sites): string | null {
  const dir = dirname(s.declFile.rel);
  // The directive's own line is no write: the file is read without it.
  const files = ctx.files.filesNear(s.declFile.rel).map((file) => ({
    importPath: dir,
    name: file.name,
    text: file.rel === s.file.rel ? s.file.parsed.source.text.slice(0, s.directive.start) + s.file.parsed.source.text.slice(s.directive.end) : file.text,
  }));
  const pkg = s.declFile.parsed.packageName ?? '';
  const written = varsWrittenByStd(files, { vars: new Map([[dir, new Set([ctx.f.localName!])]]), names: new Map([[dir, pkg]]) });
  return written.values().next().value ?? null;
}

// 4. A pure std var or func: copy it from the user's own GOROOT.
function vendored(ctx: Context): Outcome {
  const { f } = ctx;
  // Only package-level funcs and vars are copied: a method (`(*T).m`, `T.m`) belongs to its type.
  if (f.target.kind !== 'std' || /[().]/.test(f.target.symbol)) return null;
  const s = sites(ctx);
  if (!s) return null;
  // A write from the package (or, to an exported var, from any other) reaches the std's var through the pull; into a copy it would not.
  if (f.declaration?.kind === 'var') {
    const writer = isExportedName(f.localName!) ? 'another package (it is exported)' : writerOf(ctx, s);
    if (writer) return { manual: `${f.localName} may be written in ${writer}: the pull shares ${f.target.raw} with the std, a copy would not` };
  }
  return vendoredCopy({ finding: f, directiveFile: s.file, directive: s.directive, declFile: s.declFile, decl: s.decl, std: ctx.std });
}

/**
 * The function's header for a body: the user's own text when every parameter
 * has a name; otherwise the body needs names, so unnamed or blank parameters
 * get `a0`, `a1`… (and the header is written anew).
 */
function header(s: Sites, sig: FuncSignature): { text: string; params: Param[]; verbatim: boolean } {
  const own = s.declFile.parsed.source.text.slice(s.decl.start, s.decl.signatureEnd);
  if (sig.params.every((p) => p.name && p.name !== '_')) return { text: own, params: sig.params, verbatim: true };
  // A generated name must not be one the header already has (`(_ uint32) (a0 uint32)`).
  const taken = new Set([...sig.params, ...sig.results].map((p) => p.name));
  const fresh = (i: number): string => {
    let name = `a${i}`;
    while (taken.has(name)) name = `_${name}`;
    return name;
  };
  const params = sig.params.map((p, i) => ({ name: p.name && p.name !== '_' ? p.name : fresh(i), type: p.type }));
  const funcName = /^func\s+[^\s(]+/.exec(own)?.[0] ?? `func ${s.decl.name}`;
  return { text: `${funcName}(${params.map((p) => `${p.name} ${p.type}`).join(', ')})${resultText(sig.results)}`, params, verbatim: false };
}

function resultText(results: Param[]): string {
  if (results.length === 0) return '';
  if (results.length === 1 && !results[0]!.name) return ` ${results[0]!.type}`;
  return ` (${results.map((r) => (r.name ? `${r.name} ${r.type}` : r.type)).join(', ')})`;
}

/**
 * Removes the directive and gives the bodyless declaration a body (plus
 * declarations after it, and imports). The header stays as written where it
 * can; a pragma only a bodyless function may carry goes, the others stay.
 */
function bodyFix(s: Sites, sig: FuncSignature, body: string[], after: string[], importEdits: TextEdit[], fix: Pick<SuggestedFix, 'message' | 'applicability' | 'strategy'>): SuggestedFix {
  const eol = s.declFile.eol;
  const head = header(s, sig);
  // A comment after the header (`func f() // from runtime/stubs.go`) stays on the header's line.
  const text = s.declFile.parsed.source.text;
  const lineEnd = text.slice(s.decl.end).search(/\r?\n|$/);
  const trailing = /^\s*\/\//.test(text.slice(s.decl.end, s.decl.end + lineEnd)) ? text.slice(s.decl.end, s.decl.end + lineEnd) : '';
  const block = [` {${trailing}`, ...body.map((l) => `\t${l}`), '}'].join(eol) + after.map((a) => `${eol}${eol}${a.split('\n').join(eol)}`).join('');
  const end = s.decl.end + trailing.length;
  const bodyEdit: TextEdit = head.verbatim
    ? { file: s.declFile.rel, start: s.decl.end, end, newText: block }
    : { file: s.declFile.rel, start: s.decl.start, end, newText: head.text + block };
  const dropped = declHead(s.declFile, s.decl).pragmas.filter((p) => !legalWithBody(p));
  const removed: [number, number][] = dropped.map((p) => [p.start, p.end]);
  const directiveEdits = s.file === s.declFile ? (removed.push([s.directive.start, s.directive.end]), []) : [removeLines(s.file, s.directive.start, s.directive.end)];
  return { ...fix, edits: [...directiveEdits, ...removeAll(s.declFile, removed), bodyEdit, ...importEdits], files: [] };
}

// Classification of linkname directives, following the compiler's checks in
// cmd/compile/internal/noder (writer.go collectDecls) and the linker's notion
// of pull versus push (cmd/link/internal/loader). Handshakes are settled later,
// once every push in the workspace is known.

import { isExportedName, isInstantiation, isWellFormed, splitSymbol } from '../parse/directive.js';
import { declSignature, type DirectiveSite } from '../parse/gofile.js';
import type { ImportDecl } from '../parse/goshared.js';
import { constraintsOverlap } from '../model/constraint.js';
import { defaultPackageName, type ModuleIndex } from '../model/modules.js';
import type { GoFile, Package, SourceStore } from '../model/packages.js';
import type { DeclarationInfo, Finding, FindingKind, InvalidCode, TargetRef } from '../model/types.js';

/** A symbol some package defines with a linkname on the definition side. */
export interface PushSite {
  symbol: string;
  file: string;
  line: number;
}

export interface PackageClassification {
  findings: Finding[];
  pushes: PushSite[];
}

const INVALID_MESSAGES: Record<InvalidCode, (local: string) => string> = {
  usage: () => 'usage: //go:linkname localname [linkname]',
  misplaced: () => 'misplaced compiler directive: a directive must be on a line by itself',
  'no-unsafe': () => '//go:linkname only allowed in Go files that import "unsafe"',
  instantiation: () => '//go:linkname reference of an instantiation is not allowed',
  undeclared: () => '//go:linkname must refer to declared function or variable',
  duplicate: (local) => `duplicate //go:linkname for ${local}`,
};

export function classifyPackage(pkg: Package, store: SourceStore, modules: ModuleIndex): PackageClassification {
  const findings: Finding[] = [];
  const pushes: PushSite[] = [];
  // Directives already bound, per local name, with their file (duplicates are judged per build).
  const bound = new Map<string, GoFile[]>();
  const overlap = overlapPerFilePair();

  for (const file of pkg.files) {
    for (const site of file.parsed.directives) {
      const finding = classifyDirective(pkg, file, site, store, modules, bound, overlap);
      findings.push(finding);
      if ((finding.kind === 'push' || finding.kind === 'export') && finding.target.importPath !== '') {
        pushes.push({ symbol: `${finding.target.importPath}.${finding.target.symbol}`, file: finding.file, line: finding.span.start.line });
      }
    }
  }
  return { findings, pushes };
}

/**
 * constraintsOverlap of two files' constraints, computed once per pair: it
 * tries every port, and a package's directives bind the same names in the
 * same few platform files over and over (runtime: 120 ms of a GOROOT/src scan).
 */
function overlapPerFilePair(): (a: GoFile, b: GoFile) => boolean {
  const known = new Map<GoFile, Map<GoFile, boolean>>();
  return (a, b) => {
    let row = known.get(a);
    if (!row) known.set(a, (row = new Map()));
    let result = row.get(b);
    if (result === undefined) row.set(b, (result = constraintsOverlap(a.constraint, b.constraint)));
    return result;
  };
}

function classifyDirective(
  pkg: Package,
  file: GoFile,
  site: DirectiveSite,
  store: SourceStore,
  modules: ModuleIndex,
  bound: Map<string, GoFile[]>,
  overlap: (a: GoFile, b: GoFile) => boolean,
): Finding {
  const local = site.args[0] ?? '';
  const remote = site.args[1];
  const base: Finding = {
    kind: 'invalid',
    verb: site.verb,
    file: file.rel,
    span: file.parsed.source.span(site.start, site.end),
    package: pkg.importPath,
    module: pkg.module?.path ?? null,
    localName: local || null,
    target: targetOf(pkg, remote ?? local, remote === undefined, modules),
    declaration: null,
    importsUnsafe: file.parsed.importsUnsafe,
    constraint: file.constraint,
    generated: file.parsed.generated,
    invalid: null,
    reason: '',
  };
  const invalid = (code: InvalidCode): Finding => ({ ...base, kind: 'invalid', invalid: code, reason: INVALID_MESSAGES[code](local) });

  if (!isWellFormed(site)) return invalid('usage');
  if (site.misplaced) return invalid('misplaced');
  if (!file.parsed.importsUnsafe) return invalid('no-unsafe');
  if (remote !== undefined && isInstantiation(remote)) return invalid('instantiation');
  const hit = store.lookupDecl(pkg, file, local);
  if (!hit) return invalid('undeclared');
  const earlier = bound.get(local) ?? [];
  if (earlier.some((f) => overlap(f, file))) return invalid('duplicate');
  bound.set(local, [...earlier, file]);

  const declaration: DeclarationInfo = {
    kind: hit.decl.kind,
    file: hit.file.rel,
    span: hit.file.parsed.source.span(hit.decl.start, hit.decl.end),
    signature: declSignature(hit.file.parsed, hit.decl),
  };
  const isDefinition = declaration.kind === 'func' || declaration.kind === 'var-initialized';
  const { kind, reason } = kindOf(pkg, base.target, remote === undefined, isDefinition, declaration);
  if (kind !== 'pull' || declaration.kind !== 'func-bodyless') return { ...base, kind, declaration, reason };
  const own = [
    { file, start: site.start, end: site.end },
    { file: hit.file, start: docCommentStart(hit.file.parsed.source.text, hit.decl.start), end: hit.decl.end },
  ];
  const referenced = store.mentionedElsewhere(pkg, local, own);
  const receiverNamed = base.target.kind === 'std' && namesReceiverType(base.target, declaration.signature, hit.file.parsed.imports);
  if (!receiverNamed) return { ...base, kind, declaration, reason, ...(referenced === undefined ? {} : { referenced }) };
  const receiverReason = `${describeDecl(declaration)} pulls the standard-library method ${base.target.raw} and names its receiver's type: the compiler takes the method from export data, a reference the linker does not check`;
  return { ...base, kind, declaration, reason: receiverReason, ...(referenced === undefined ? {} : { referenced }), namesReceiverType: true };
}

/** A method's linker name: `(*Builder).grow` or `Value.pointer`; group 1 or 2 is the receiver's type. */
const METHOD_SYMBOL = /^(?:\(\*([\p{L}_][\p{L}\p{N}_]*)\)|([\p{L}_][\p{L}\p{N}_]*))\.[\p{L}_][\p{L}\p{N}_]*$/u;

/**
 * Whether a pull's declaration (`signature`, in a file with `imports`) names
 * the receiver's type of the std method it pulls, anywhere in its parameters
 * or results. Only the declaration's own text counts: another declaration
 * naming the type helps only when the compiler reads it first, which depends
 * on the order of files and declarations.
 */
function namesReceiverType(target: TargetRef, signature: string, imports: readonly ImportDecl[]): boolean {
  const method = METHOD_SYMBOL.exec(target.symbol);
  const type = method?.[1] ?? method?.[2];
  if (!type) return false;
  const types = signature.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ').replace(/^[^(]*/, '');
  return imports.some((decl) =>
    decl.specs.some((spec) => {
      if (spec.path !== target.importPath || spec.name === '_') return false;
      // Dot-imported, the bare name; not a parameter that happens to be called so (`Builder int`).
      if (spec.name === '.') return new RegExp(`(?<![\\p{L}\\p{N}_.])${type}(?![\\p{L}\\p{N}_]|\\s+[\\p{L}_*\\[(])`, 'u').test(types);
      const qualifier = spec.name ?? defaultPackageName(spec.path);
      return new RegExp(`(?<![\\p{L}\\p{N}_.])${qualifier}\\s*\\.\\s*${type}(?![\\p{L}\\p{N}_])`, 'u').test(types);
    }),
  );
}


/** Where the `//` comment lines right above a declaration (its doc comment, directives included) begin. */
function docCommentStart(text: string, declStart: number): number {
  let start = declStart;
  for (;;) {
    const lineEnd = text.lastIndexOf('\n', start - 1);
    if (lineEnd < 0) return start;
    const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
    if (!text.slice(lineStart, lineEnd).trimStart().startsWith('//')) return start;
    start = lineStart;
  }
}

function targetOf(pkg: Package, raw: string, oneArg: boolean, modules: ModuleIndex): TargetRef {
  if (oneArg) return { raw: pkg.importPath ? `${pkg.importPath}.${raw}` : raw, importPath: pkg.importPath ?? '', symbol: raw, kind: 'none' };
  const split = splitSymbol(raw);
  if (!split) return { raw, importPath: '', symbol: raw, kind: 'c-symbol' };
  const kind = split.importPath === pkg.importPath ? 'same-module' : modules.resolve(split.importPath, pkg.module).kind;
  return { raw, ...split, kind };
}

function kindOf(
  pkg: Package,
  target: TargetRef,
  oneArg: boolean,
  isDefinition: boolean,
  decl: DeclarationInfo,
): { kind: FindingKind; reason: string } {
  const what = describeDecl(decl);
  if (oneArg) {
    return isDefinition
      ? { kind: 'export', reason: `one-argument form: ${what} is pushed as ${target.raw} for other packages to pull` }
      : { kind: 'export', reason: `one-argument form on a ${what}: its body must come from assembly or a push into ${target.raw}` };
  }
  if (target.kind === 'c-symbol') {
    return isDefinition
      ? { kind: 'push', reason: `${what} is defined under the package-less name ${target.raw}` }
      : { kind: 'pull', reason: `${what} binds to the C or assembly symbol ${target.raw}` };
  }
  if (target.importPath === pkg.importPath) {
    return { kind: 'export', reason: `names its own package's symbol ${target.raw}, which pushes it` };
  }
  if (isDefinition) return { kind: 'push', reason: `${what} is pushed into ${target.importPath} as ${target.raw}` };
  switch (target.kind) {
    case 'std':
      return isExportedName(target.symbol)
        ? { kind: 'pull', reason: `${what} pulls the exported standard-library symbol ${target.raw} through linkname instead of calling it` }
        : { kind: 'pull', reason: `${what} pulls the standard-library symbol ${target.raw}; it links only while the std pushes it` };
    case 'external':
      return { kind: 'pull', reason: `${what} pulls ${target.raw} from a module outside the workspace` };
    default:
      return { kind: 'pull', reason: `${what} pulls ${target.raw}, which its package does not push` };
  }
}

function describeDecl(decl: DeclarationInfo): string {
  switch (decl.kind) {
    case 'func-bodyless':
      return 'bodyless func';
    case 'func':
      return 'func';
    case 'var':
      return 'uninitialised var';
    case 'var-initialized':
      return 'initialised var';
  }
}

/**
 * A pull whose target some package in the workspace pushes is a handshake.
 * That holds for a std-looking path too (timandy/routine pushes
 * `routine.isNil` and `runtime.getgp` from one package and pulls them in
 * another): the symbol is defined outside the standard library, which the
 * linker does not check.
 */
export function settleHandshake(finding: Finding, pushes: ReadonlyMap<string, PushSite>): Finding {
  if (finding.kind !== 'pull' || finding.target.kind === 'c-symbol') return finding;
  const push = pushes.get(`${finding.target.importPath}.${finding.target.symbol}`);
  if (!push) return finding;
  return {
    ...finding,
    kind: 'handshake',
    target: finding.target.kind === 'std' ? { ...finding.target, kind: 'workspace' } : finding.target,
    reason: `pulls ${finding.target.raw}, which is pushed with //go:linkname at ${push.file}:${push.line}`,
  };
}

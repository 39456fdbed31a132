// The scan model: what linkfix knows about linkname uses after reading a tree.
// Everything here is plain data (JSON-serialisable) so that later stages
// (verdicts, fixes, reports) and library users can consume it directly.

/** A place in a file. `line` and `column` are 1-based; `column` and `offset` count UTF-8 bytes, as go/token does. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A half-open byte range [start, end) in a file. */
export interface Span {
  start: Position;
  end: Position;
}

/** Which directive spelled the link: `linknamestd` is Go 1.27's std-only variant; `asm` is a `pkg·sym(SB)` reference. */
export type DirectiveVerb = 'linkname' | 'linknamestd' | 'asm';

/**
 * - pull: a bodyless func or an uninitialised var bound to another package's symbol;
 * - push: a definition bound to another package's symbol name;
 * - handshake: a pull whose target definition carries its own linkname in the scanned workspace;
 * - export: the one-argument form, or a two-argument form naming the package's own symbol;
 * - invalid: the compiler rejects the directive (see `reason`);
 * - asm-pull: an assembly reference to another package's symbol.
 */
export type FindingKind = 'pull' | 'push' | 'handshake' | 'export' | 'invalid' | 'asm-pull';

/** Where the target symbol lives, seen from the directive's module. */
export type TargetKind = 'std' | 'same-module' | 'workspace' | 'external' | 'c-symbol' | 'none';

/** The compiler's reasons for rejecting a directive. */
export type InvalidCode =
  | 'usage'
  | 'misplaced'
  | 'no-unsafe'
  | 'undeclared'
  | 'duplicate'
  | 'instantiation';

export type DeclarationKind = 'func-bodyless' | 'func' | 'var' | 'var-initialized';

export interface TargetRef {
  /** The target as written in the directive (or assembly), after `·`→`.` and `∕`→`/` normalisation. */
  raw: string;
  /** Import path of the target's package ('' for a C symbol). Linker escapes such as `%2e` are decoded. */
  importPath: string;
  /** Symbol within the package, e.g. `fastrand` or `(*rtype).Name`. */
  symbol: string;
  kind: TargetKind;
}

export interface DeclarationInfo {
  kind: DeclarationKind;
  file: string;
  span: Span;
  /** The declaration without its body, e.g. `func fastrand() uint32` or `var ncpu int32`. */
  signature: string;
}

/** A `//go:build` expression and the constraints implied by the file name, kept as data. */
export interface FileConstraint {
  /** The `//go:build` expression (or the `// +build` lines translated to one), or null. */
  expression: string | null;
  goos: string | null;
  goarch: string | null;
  test: boolean;
}

export type VerdictKind =
  | 'ok-pushed'
  | 'ok-implicit'
  | 'ok-unchecked'
  | 'ok-unreferenced'
  | 'blocked'
  | 'rejected'
  | 'missing'
  | 'detached'
  | 'abi-mismatch'
  | 'not-compiled';

/** Whether a pull links on one Go release, and still means what it says. */
export interface Verdict {
  /** Go release, e.g. `1.26` (judged with the catalog of its newest patch, `release`). */
  go: string;
  release: string;
  verdict: VerdictKind;
  /** Why, in one line. */
  detail: string;
  /** The local declaration's argument/result layout differs from this release's std declaration. */
  signatureDrift?: { local: string; std: string };
}

/** What a real `go build` said about a pull on one release (`scan --link`). */
export interface LinkOutcome {
  release: string;
  outcome: 'ok' | 'invalid-reference' | 'not-defined' | 'abi-mismatch' | 'build-error' | 'undetermined' | 'not-compiled' | 'unavailable';
  /** The linker's line, a read var's value (`value: 0`), or why no answer. */
  message: string;
}

export interface Finding {
  kind: FindingKind;
  verb: DirectiveVerb;
  /** Path relative to the scan's base directory, with forward slashes. */
  file: string;
  span: Span;
  /** Import path of the package containing the directive (null when it is not inside a module). */
  package: string | null;
  /** Module path of the enclosing module (null when none). */
  module: string | null;
  /** The local name (Go directives only). */
  localName: string | null;
  target: TargetRef;
  declaration: DeclarationInfo | null;
  importsUnsafe: boolean;
  constraint: FileConstraint;
  generated: boolean;
  /** For `invalid`, the compiler's rule that rejects it. */
  invalid: InvalidCode | null;
  /** One line saying why the finding has its kind. */
  reason: string;
  /**
   * For a bodyless func pull: whether its local name occurs as a word
   * anywhere in its package's directory (any .go file, tests and every build
   * tag included, comments too, or any .s file) outside its own directive,
   * declaration and doc comment. The linker checks only the references that
   * the directive's package compiles, and an unreferenced pull compiles none.
   * Absent when not known.
   */
  referenced?: boolean;
  /**
   * For a bodyless func pull of a std method (`pkg.(*T).m`, `pkg.T.m`): true
   * when its own declaration names the receiver's type `pkg.T` (through the
   * declaring file's import of pkg, renamed or dot-imported too). The compiler
   * then takes the method's symbol from pkg's export data, a reference by
   * index, and the linker checks only references by name. Absent otherwise.
   */
  namesReceiverType?: boolean;
  /** Per Go release, for pulls (after judging; absent on a plain scan). */
  verdicts?: Verdict[];
  /** Per Go release, with `scan --link`. */
  link?: LinkOutcome[];
}

/** A TEXT symbol defined in an assembly file. */
export interface AsmDefinition {
  file: string;
  line: number;
  /** Fully qualified symbol, e.g. `example.com/p.callNanotime`. */
  symbol: string;
  /** `ABI0` unless the TEXT line names `<ABIInternal>`. */
  abi: 'ABI0' | 'ABIInternal';
}

export interface ModuleInfo {
  /** Directory of the go.mod, relative to the scan base ('.' for the base itself). */
  dir: string;
  path: string | null;
  goVersion: string | null;
  toolchain: string | null;
  /** The go.work file that uses this module, if any. */
  workspace: string | null;
}

export type Severity = 'error' | 'warning';

/** A problem with the input: the scan of everything else still completes. */
export interface ScanMessage {
  severity: Severity;
  file: string;
  line: number | null;
  message: string;
}

export interface ScanStats {
  filesSeen: number;
  filesParsed: number;
  durationMs: number;
}

export interface ScanResult {
  base: string;
  /** After judging: the platform the verdicts are for, and the Go releases considered. */
  judged?: { platform: string; releases: string[] };
  modules: ModuleInfo[];
  findings: Finding[];
  asmDefinitions: AsmDefinition[];
  messages: ScanMessage[];
  stats: ScanStats;
}

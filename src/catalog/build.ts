// The catalog generator: reads a GOROOT the way its own toolchain compiles it
// (`go list` per platform, default GOEXPERIMENTs included) and derives the
// pushed, blocked and existing std symbols by the rules of
// ../shared/reference/go-linkname-rules.md §4.5, which std vars the std may
// change after initialisation (./writes.ts, from every std source file), and
// what the std source says about copying each func and var (./copyable.ts).

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describeFsError, LinkfixError } from '../errors.js';
import { parseAsmFile, type ParsedAsmFile } from '../parse/asmfile.js';
import { isWellFormed, splitSymbol } from '../parse/directive.js';
import { declSignature, parseGoFile, type ParsedGoFile } from '../parse/gofile.js';
import { SourceText } from '../parse/source.js';
import { VERSION } from '../version.js';
import { copyRecords } from './copyable.js';
import { stdSources, varsWrittenByStd, type StdVarIndex } from './writes.js';
import {
  ALL_PLATFORMS_MASK,
  CATALOG_SCHEMA,
  PLATFORMS,
  goMinor,
  platformBit,
  rulesFor,
  SymbolTable,
  type Catalog,
  type SymbolEntry,
} from './types.js';

/** One std package as the toolchain compiles it for one platform. */
export interface CompiledPackage {
  importPath: string;
  dir: string;
  goFiles: string[];
  asmFiles: string[];
}

export type PackageLister = (goroot: string, platform: string) => Promise<CompiledPackage[]>;

const run = promisify(execFile);

/** Asks the GOROOT's own go command which files it compiles for a platform. */
const listWithGo: PackageLister = async (goroot, platform) => {
  const [goos, goarch] = platform.split('/') as [string, string];
  const env: NodeJS.ProcessEnv = { ...process.env, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '1', GOTOOLCHAIN: 'local', GOFLAGS: '', GOWORK: 'off', GOENV: 'off' };
  delete env.GOROOT;
  delete env.GOEXPERIMENT;
  const format = '{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles " "}} {{join .CgoFiles " "}}\t{{join .SFiles " "}}';
  let stdout: string;
  try {
    ({ stdout } = await run(join(goroot, 'bin', 'go'), ['list', '-e', '-f', format, 'std'], { env, cwd: goroot, maxBuffer: 64 << 20 }));
  } catch (e) {
    throw new LinkfixError('EIO', `go list std failed for ${platform} in ${goroot}: ${(e as Error).message}`);
  }
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [importPath = '', dir = '', go = '', asm = ''] = line.split('\t');
      return { importPath, dir, goFiles: go.split(' ').filter(Boolean), asmFiles: asm.split(' ').filter(Boolean) };
    });
};

export interface BuildOptions {
  goroot: string;
  lister?: PackageLister;
  platforms?: readonly string[];
}

interface ParsedSet {
  go: Map<string, ParsedGoFile>;
  asm: Map<string, ParsedAsmFile>;
}

/** What one platform contributes, before platforms are merged into masks. */
interface PlatformView {
  symbols: Map<string, { k: SymbolEntry['k']; s?: string; asm: boolean; wrapper: boolean }>;
  pushes: Map<string, { verb: 'linkname' | 'linknamestd'; doc?: string[]; at: string }>;
}

export async function buildCatalog({ goroot, lister = listWithGo, platforms = PLATFORMS }: BuildOptions): Promise<Catalog> {
  return buildCatalogOf({ goroot, lister, platforms }, { copies: true });
}

/**
 * The catalog, with or without the copy records (./copyable.ts: a parse of
 * every std package, most of the build's time): a catalog built on the fly
 * for a newer local Go leaves them out, and fix parses what it needs.
 */
export async function buildCatalogOf({ goroot, lister = listWithGo, platforms = PLATFORMS }: BuildOptions, { copies }: { copies: boolean }): Promise<Catalog> {
  let go: string;
  try {
    go = readFileSync(join(goroot, 'VERSION'), 'utf8').split('\n')[0]!.trim();
  } catch (e) {
    throw new LinkfixError('EIO', `not a Go release's GOROOT: ${describeFsError(e, 'cannot read VERSION')}`, { file: goroot });
  }
  const minor = goMinor(go);
  const rules = rulesFor(minor);
  const listed = await Promise.all(platforms.map((p) => lister(goroot, p)));
  const parsed: ParsedSet = { go: new Map(), asm: new Map() };
  const views = listed.map((pkgs) => platformView(pkgs, parsed, join(goroot, 'src')));

  const symbols: [string, SymbolEntry][] = [];
  const names = new Set(views.flatMap((v) => [...v.symbols.keys(), ...v.pushes.keys()]));
  for (const name of [...names].sort()) {
    let p = 0;
    let a = 0;
    let w = 0;
    let pp = 0;
    let entry: SymbolEntry | undefined;
    views.forEach((view, i) => {
      const bit = platformBit(platforms[i]!);
      const sym = view.symbols.get(name);
      if (sym) {
        p |= bit;
        if (sym.asm) a |= bit;
        if (sym.wrapper) w |= bit;
        entry ??= { k: sym.k, ...(sym.s ? { s: sym.s } : {}) };
      }
      const push = view.pushes.get(name);
      if (push) {
        pp |= bit;
        entry ??= { k: 'func' };
        entry.push ??= push.verb;
        entry.at ??= push.at;
        if (push.doc) entry.doc ??= push.doc;
      }
    });
    if (!entry || p === 0) continue; // pushed under a name nothing defines on any platform
    const all = platforms.length === PLATFORMS.length ? ALL_PLATFORMS_MASK : platforms.reduce((m, pl) => m | platformBit(pl), 0);
    if (p !== all) entry.p = p;
    if (a) entry.a = a;
    if (w) entry.w = w;
    if (pp && pp !== p) entry.pp = pp;
    symbols.push([name, entry]);
  }
  const written = varsWrittenByStd(stdSources(goroot), varIndex(symbols, listed.flat(), parsed));
  for (const [name, entry] of symbols) if (entry.k === 'var' && written.has(name)) entry.m = true;

  return {
    schema: CATALOG_SCHEMA,
    generator: `linkfix ${VERSION}`,
    go,
    minor,
    platforms,
    rules,
    blocked: readBlocklist(goroot),
    builtins: rules.builtinLoophole ? readBuiltins(goroot) : [],
    symbols: SymbolTable.fromEntries(symbols, copies ? await copyRecords(goroot, symbols) : undefined),
  };
}

/** The vars of the catalog by package, and each package's name. */
function varIndex(symbols: [string, SymbolEntry][], pkgs: CompiledPackage[], parsed: ParsedSet): StdVarIndex {
  const vars = new Map<string, Set<string>>();
  for (const [name, entry] of symbols) {
    if (entry.k !== 'var') continue;
    const dot = name.lastIndexOf('.');
    const set = vars.get(name.slice(0, dot)) ?? new Set();
    vars.set(name.slice(0, dot), set.add(name.slice(dot + 1)));
  }
  const names = new Map<string, string>();
  for (const pkg of pkgs) {
    const name = pkg.goFiles.length ? parsed.go.get(join(pkg.dir, pkg.goFiles[0]!))?.packageName : null;
    if (name) names.set(pkg.importPath, name);
  }
  return { vars, names };
}

function platformView(pkgs: CompiledPackage[], parsed: ParsedSet, src: string): PlatformView {
  const view: PlatformView = { symbols: new Map(), pushes: new Map() };
  for (const pkg of pkgs) {
    const P = pkg.importPath;
    const goFiles = pkg.goFiles.map((f) => ({ path: join(pkg.dir, f), file: parseCached(parsed.go, join(pkg.dir, f), parseGo) }));
    const asmFiles = pkg.asmFiles.map((f) => parseCached(parsed.asm, join(pkg.dir, f), parseAsm));
    const qualify = (sym: string): string => (sym.startsWith('.') ? `${P}${sym}` : sym);
    const texts = new Set(asmFiles.flatMap((a) => a.definitions.map((d) => qualify(d.symbol))));
    const asmCalled = new Set(asmFiles.flatMap((a) => a.references.map((r) => qualify(r.symbol))));

    const decls = new Map<string, { kind: string; sig: string }>();
    for (const { file } of goFiles) {
      for (const [name, decl] of file.decls) {
        if (!decls.has(name)) decls.set(name, { kind: decl.kind, sig: declSignature(file, decl) });
      }
    }
    for (const [name, decl] of decls) {
      const symbol = `${P}.${name}`;
      view.symbols.set(symbol, {
        k: decl.kind.startsWith('var') ? 'var' : 'func',
        s: decl.sig,
        asm: decl.kind === 'func-bodyless' && texts.has(symbol),
        wrapper: asmCalled.has(symbol) && decl.kind === 'func',
      });
    }
    for (const text of texts) {
      if (!view.symbols.has(text)) view.symbols.set(text, { k: 'asm', asm: true, wrapper: false });
    }

    for (const { path, file } of goFiles) {
      if (!file.importsUnsafe) continue;
      for (const d of file.directives) {
        if (!isWellFormed(d) || d.misplaced) continue;
        const local = d.args[0]!;
        const decl = decls.get(local);
        let pushed: string | null = null;
        if (d.args.length === 1) pushed = `${P}.${local}`; // (a) one-argument form
        else {
          const remote = d.args[1]!;
          const split = splitSymbol(remote);
          const isDefinition = decl !== undefined && (decl.kind === 'func' || decl.kind === 'var-initialized');
          if (isDefinition) {
            pushed = remote; // (b) a definition under another name: it defines that symbol
            if (!view.symbols.has(remote)) {
              view.symbols.set(remote, { k: decl.kind.startsWith('var') ? 'var' : 'func', s: decl.sig, asm: false, wrapper: false });
            }
          }
          else if (split?.importPath === P) pushed = remote; // (c) own symbol, e.g. a method (badlinkname trick)
          else if (texts.has(remote)) pushed = remote; // (d) bodyless naming its own package's TEXT symbol
        }
        if (pushed === null || view.pushes.has(pushed)) continue;
        const doc = hallOfShame(file, d.start);
        const line = file.source.position(d.start).line;
        view.pushes.set(pushed, { verb: d.verb, at: `${relative(src, path)}:${line}`, ...(doc ? { doc } : {}) });
      }
    }
  }
  return view;
}

function parseCached<T>(cache: Map<string, T>, path: string, parse: (bytes: Buffer) => T): T {
  let v = cache.get(path);
  if (!v) {
    v = parse(readFileSync(path));
    cache.set(path, v);
  }
  return v;
}

const parseGo = (bytes: Buffer): ParsedGoFile => parseGoFile(SourceText.fromBytes(bytes));
const parseAsm = (bytes: Buffer): ParsedAsmFile => parseAsmFile(SourceText.fromBytes(bytes));

const DOC_MARKERS = /hall of shame|Do not remove or change the type signature|go\.dev\/issue\/67401|widely used packages access/i;

/**
 * The legacy-use documentation of a push: the contiguous comment block above
 * the directive, or (reflect/badlinkname.go style) a file-level block about
 * "these symbols". Returns the modules it lists, or null when undocumented.
 */
export function hallOfShame(file: ParsedGoFile, directiveStart: number): string[] | null {
  const lines = file.source.text.slice(0, file.source.lineStart(directiveStart)).split('\n');
  lines.pop();
  const block: string[] = [];
  for (let i = lines.length - 1; i >= 0 && lines[i]!.trim().startsWith('//'); i--) block.unshift(lines[i]!.trim());
  let text = block.join('\n');
  if (!DOC_MARKERS.test(text)) {
    const fileLevel = /((?:^\/\/.*\n)+)/gm;
    text = [...file.source.text.matchAll(fileLevel)].map((m) => m[1]!).find((b) => /these symbols/i.test(b) && DOC_MARKERS.test(b)) ?? '';
    if (!text) return null;
  }
  return [...text.matchAll(/^\/\/\s+-\s+(\S+)/gm)].map((m) => m[1]!);
}

/** `blockedLinknames` from the linker of that GOROOT ({} before Go 1.23, which had none). */
export function readBlocklist(goroot: string): Record<string, string[]> {
  let src: string;
  try {
    src = readFileSync(join(goroot, 'src/cmd/link/internal/loader/loader.go'), 'utf8');
  } catch {
    return {};
  }
  const start = src.indexOf('var blockedLinknames = map[string][]string{');
  if (start < 0) return {};
  const end = src.indexOf('\n}', start);
  const body = src.slice(start, end).replace(/\/\/[^\n]*/g, '');
  const blocked: Record<string, string[]> = {};
  for (const m of body.matchAll(/"([^"]+)"\s*:\s*\{([^}]*)\}/g)) {
    blocked[m[1]!] = [...m[2]!.matchAll(/"([^"]+)"/g)].map((p) => p[1]!);
  }
  return blocked;
}

/** Names of cmd/internal/goobj/builtinlist.go (the Go 1.23 loophole). */
export function readBuiltins(goroot: string): string[] {
  try {
    const src = readFileSync(join(goroot, 'src/cmd/internal/goobj/builtinlist.go'), 'utf8');
    return [...src.matchAll(/\{"([^"]+)",\s*\d+\}/g)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

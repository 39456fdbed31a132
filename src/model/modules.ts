// Which module and package a directory belongs to, and where a target import
// path lives (std, this module, another module of the workspace, elsewhere).

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { ModFileError, parseGoMod, parseGoWork } from './gomod.js';
import type { ModuleInfo, ScanMessage, TargetKind } from './types.js';

export interface Module {
  dir: string;
  /** Module path; null when go.mod did not parse (its packages then have no import path). */
  path: string | null;
  goVersion: string | null;
  toolchain: string | null;
  workspace: Workspace | null;
}

export interface Workspace {
  file: string;
  modules: Module[];
}

export class ModuleIndex {
  private readonly byDir = new Map<string, Module | null>();
  private readonly workspaces = new Map<string, Workspace | null>();
  /** The directories each go.work uses. */
  private readonly useDirs = new Map<Workspace, string[]>();
  /** Every module seen, in the order first seen. */
  readonly modules: Module[] = [];

  constructor(
    readonly base: string,
    private readonly report: (m: ScanMessage) => void,
  ) {}

  /** The module whose go.mod is nearest above `dir` (nested modules are separate modules). */
  moduleFor(dir: string): Module | null {
    const cached = this.byDir.get(dir);
    if (cached !== undefined) return cached;
    const goMod = join(dir, 'go.mod');
    let mod: Module | null;
    if (existsSync(goMod)) mod = this.load(dir);
    else {
      const parent = dirname(dir);
      mod = parent === dir ? null : this.moduleFor(parent);
    }
    this.byDir.set(dir, mod);
    return mod;
  }

  private load(dir: string): Module {
    const file = join(dir, 'go.mod');
    const mod: Module = { dir, path: null, goVersion: null, toolchain: null, workspace: null };
    this.byDir.set(dir, mod);
    this.modules.push(mod);
    try {
      const parsed = parseGoMod(readFileSync(file, 'utf8'));
      mod.path = parsed.module;
      mod.goVersion = parsed.go;
      mod.toolchain = parsed.toolchain;
    } catch (e) {
      this.reportUnparsable(file, e, 'its packages have no import path');
    }
    mod.workspace = this.workspaceFor(dir, mod);
    return mod;
  }

  /** The go.work nearest above the module, if it uses the module. */
  private workspaceFor(dir: string, mod: Module): Workspace | null {
    for (let d = dir; ; d = dirname(d)) {
      const ws = this.workspaceAt(d);
      if (ws) {
        if (!(this.useDirs.get(ws) ?? []).includes(dir)) return null;
        if (!ws.modules.includes(mod)) ws.modules.push(mod);
        return ws;
      }
      if (dirname(d) === d) return null;
    }
  }

  private reportUnparsable(file: string, e: unknown, consequence: string): void {
    this.report({
      severity: 'warning',
      file: this.rel(file),
      line: e instanceof ModFileError ? e.line : null,
      message: `${basename(file)} does not parse (${(e as Error).message}); ${consequence}`,
    });
  }

  private workspaceAt(dir: string): Workspace | null {
    const cached = this.workspaces.get(dir);
    if (cached !== undefined) return cached;
    const file = join(dir, 'go.work');
    let ws: Workspace | null = null;
    if (existsSync(file)) {
      ws = { file, modules: [] };
      this.workspaces.set(dir, ws);
      try {
        const work = parseGoWork(readFileSync(file, 'utf8'));
        this.useDirs.set(ws, work.use.map((u) => join(dir, u)));
        // Load every used module so that targets in them resolve even when they were not scanned.
        for (const useDir of this.useDirs.get(ws)!) if (existsSync(join(useDir, 'go.mod'))) this.moduleFor(useDir);
      } catch (e) {
        this.reportUnparsable(file, e, 'its modules are treated as separate');
      }
    }
    this.workspaces.set(dir, ws);
    return ws;
  }

  /** Import path of the package in `dir`, or null outside a module (or in a module whose go.mod is broken). */
  importPath(dir: string): string | null {
    const mod = this.moduleFor(dir);
    if (!mod || mod.path === null) return null;
    const rest = relative(mod.dir, dir).split(sep).join('/');
    // GOROOT/src is module "std" and GOROOT/src/cmd is module "cmd": std import paths have no module prefix.
    if (mod.path === 'std') return rest === '' ? 'std' : rest;
    return rest === '' ? mod.path : `${mod.path}/${rest}`;
  }

  /** Where `importPath` lives, seen from module `from`; `dir` is the package directory when it is in a known module. */
  resolve(importPath: string, from: Module | null): { kind: TargetKind; dir: string | null } {
    let best: Module | null = null;
    const candidates = [...(from ? [from] : []), ...(from?.workspace?.modules ?? []), ...this.modules];
    for (const m of candidates) {
      if (m.path === null || m.path === 'std') continue;
      if ((importPath === m.path || importPath.startsWith(`${m.path}/`)) && (!best || m.path.length > best.path!.length)) best = m;
    }
    if (best) {
      const dir = join(best.dir, importPath.slice(best.path!.length));
      return { kind: best === from ? 'same-module' : 'workspace', dir };
    }
    const first = importPath.split('/')[0]!;
    if (!first.includes('.')) {
      const std = from?.path === 'std' ? join(from.dir, importPath) : null;
      return { kind: 'std', dir: std };
    }
    return { kind: 'external', dir: null };
  }

  info(): ModuleInfo[] {
    return this.modules.map((m) => ({
      dir: this.rel(m.dir) || '.',
      path: m.path,
      goVersion: m.goVersion,
      toolchain: m.toolchain,
      workspace: m.workspace ? this.rel(m.workspace.file) : null,
    }));
  }

  rel(abs: string): string {
    return relative(this.base, abs).split(sep).join('/');
  }
}

/** Can another module import this package? Not one under internal/ or vendor/ (those are linked in through their importers). */
export function importable(importPath: string): boolean {
  return !/(^|\/)internal(\/|$)/.test(importPath) && !importPath.startsWith('vendor/');
}

/** The name a package is imported under by default: the last path element (before a /vN suffix). */
export function defaultPackageName(path: string): string {
  const parts = path.split('/');
  const last = parts[parts.length - 1]!;
  return /^v\d+$/.test(last) && parts.length > 1 ? parts[parts.length - 2]! : last;
}

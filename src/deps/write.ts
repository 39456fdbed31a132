// deps --write: move each failing module to its fixed version with the go
// command (go get, go mod tidy), check again, and put go.mod and go.sum back
// as they were when that made the build or the check worse.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkfixError } from '../errors.js';
import { deps, failingPulls, type DepsOptions, type DepsResult } from './deps.js';
import { firstLine, runGo, type GoEnv } from './golist.js';

export interface UpgradeOutcome {
  /** The check after the upgrade (the one before, when it was restored or nothing changed). */
  result: DepsResult;
  /** module@version for each module moved. */
  upgraded: string[];
  /** go.mod and go.sum were put back, and why. */
  restored: string | null;
  /** What was done, one line each. */
  log: string[];
}

export async function upgrade(before: DepsResult, options: DepsOptions = {}): Promise<UpgradeOutcome> {
  if (before.mainModules.length !== 1) throw new LinkfixError('EUSAGE', '--write changes one go.mod: run it in a module, not a go.work workspace');
  const targets = before.modules.filter((m) => m.search?.fixed).map((m) => `${m.path}@${m.search!.fixed!.version}`);
  const log: string[] = [];
  if (targets.length === 0) return { result: before, upgraded: [], restored: null, log: ['linkfix: no failing module has a fixed version: nothing to upgrade'] };

  const files = ['go.mod', 'go.sum'].map((f) => join(before.dir, f));
  const saved = files.map((f) => (existsSync(f) ? readFileSync(f) : null));
  const goEnv: GoEnv = { platform: before.platform, tags: options.tags, env: options.env };
  // A vendored module gets its vendor/ rebuilt from go.mod, after the upgrade and after a restore alike.
  const vendored = existsSync(join(before.dir, 'vendor', 'modules.txt'));
  const revendor = async (): Promise<void> => {
    if (vendored) await runGo(['mod', 'vendor'], before.dir, goEnv);
  };
  const restore = async (): Promise<void> => {
    files.forEach((f, i) => (saved[i] ? writeFileSync(f, saved[i]!) : rmSync(f, { force: true })));
    await revendor();
  };
  const giveUp = async (why: string): Promise<UpgradeOutcome> => {
    await restore();
    log.push(`linkfix: restored go.mod and go.sum${vendored ? ' (and vendor/)' : ''}: ${why}`);
    return { result: before, upgraded: [], restored: why, log };
  };

  for (const args of [['get', ...targets], ['mod', 'tidy'], ...(vendored ? [['mod', 'vendor']] : [])]) {
    log.push(`go ${args.join(' ')}`);
    const r = await runGo(args, before.dir, goEnv);
    if (r.status !== 0) return giveUp(`go ${args[0]} failed: ${firstLine(r.stderr)}`);
  }
  const after = await deps(before.dir, options);
  const worse = checkWorse(before, after);
  if (worse) return giveUp(worse);
  const built = await build(before.dir, goEnv);
  if (built) {
    // Worse only if the build worked before: try it with the old go.mod.
    const upgradedFiles = files.map((f) => (existsSync(f) ? readFileSync(f) : null));
    await restore();
    const builtBefore = await build(before.dir, goEnv);
    if (!builtBefore) return giveUp(`the build fails after the upgrade: ${built}`);
    files.forEach((f, i) => (upgradedFiles[i] ? writeFileSync(f, upgradedFiles[i]!) : rmSync(f, { force: true })));
    await revendor();
  }
  log.push(...targets.map((t) => `linkfix: upgraded ${t}`));
  return { result: after, upgraded: targets, restored: null, log };
}

/** Why `after` is worse than `before`, or null: more failing pulls, a module failing that did not, or packages that no longer load. */
function checkWorse(before: DepsResult, after: DepsResult): string | null {
  const count = (r: DepsResult): number => r.modules.reduce((n, m) => n + failingPulls(m.pulls).length, 0);
  if (after.errors.length > before.errors.length) return `the build list has new errors: ${after.errors[0]}`;
  const failedBefore = new Set(before.modules.filter((m) => m.fails).map((m) => m.path));
  const newly = after.modules.find((m) => m.fails && !failedBefore.has(m.path));
  if (newly) return `${newly.path}@${newly.version} fails now`;
  if (count(after) > count(before)) return `more failing pulls (${count(before)} before, ${count(after)} after)`;
  return null;
}

/** Builds (and links) every package of the module; the first error line, or null when it builds. */
async function build(dir: string, go: GoEnv): Promise<string | null> {
  const out = mkdtempSync(join(tmpdir(), 'linkfix-build-'));
  try {
    const args = ['build', `-o=${out}/`];
    if (go.tags) args.push(`-tags=${go.tags}`);
    const r = await runGo([...args, './...'], dir, go);
    return r.status === 0 ? null : firstLine(r.stderr.split('\n').filter((l) => !l.startsWith('#')).join('\n'));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

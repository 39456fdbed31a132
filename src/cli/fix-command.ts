import { Command, Option } from 'clipanion';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { LinkfixError } from '../errors.js';
import { parseTags } from '../judge/verdict.js';
import type { Applied, FileChange } from '../fix/apply.js';
import { planFiles } from '../fix/source.js';
import type { Plan, TextEdit } from '../fix/types.js';
import { ModuleIndex } from '../model/modules.js';
import { parseGoFile } from '../parse/gofile.js';
import { SourceText } from '../parse/source.js';
import { VERSION } from '../version.js';
import { LinkfixCommand, treePaths } from './command.js';
import { colorsFor } from './context.js';

const run = promisify(execFile);

export class FixCommand extends LinkfixCommand {
  static override paths = [['fix']];
  static override usage = Command.Usage({
    description: 'Rewrite pulls into safe forms: print the diff (--dry-run, the default) or write it (--write).',
    details: `
      Each pull gets the first strategy that applies: completing the handshake when the target is in this module or workspace, calling an exported std function, a public API replacement, or a copy of a pure std symbol from your GOROOT; otherwise a manual diagnostic says why.

      --write applies safe fixes; --unsafe-fixes adds those whose behaviour differs in the documented way. Files are written atomically; if any write fails, the files already written are restored.

      Exit status: with --dry-run, 1 when the diff is not empty; with --write, 1 when something is left to fix by hand; 2 on an error.
    `,
    examples: [
      ['Show the diff', 'linkfix fix ./...'],
      ['Apply the safe fixes', 'linkfix fix --write ./...'],
    ],
  });

  targets = Option.Rest({ name: 'paths' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Print a unified diff (the default)' });
  write = Option.Boolean('--write', false, { description: 'Write the fixes' });
  unsafeFixes = Option.Boolean('--unsafe-fixes', false, { description: 'Also apply fixes that change behaviour (documented per fix)' });
  onlyBroken = Option.Boolean('--only-broken', false, { description: 'Only pulls that fail on a judged Go release' });
  keepOldPath = Option.Boolean('--keep-old-path', false, { description: 'Keep a pull for the releases where it still links, behind a //go:build !go1.N guard' });
  go = Option.String('--go', { description: 'Go releases to judge (as for scan)' });
  platform = Option.String('--platform', 'linux/amd64', { description: 'GOOS/GOARCH the verdicts are for' });
  tags = Option.String('--tags,-tags', { description: 'Build tags (as for scan)' });
  format = Option.String('--format', 'text', { description: 'text (a diff), or json (the fixes as data)' });
  includeGenerated = Option.Boolean('--include-generated', false, { description: 'Also edit generated files' });
  includeVendor = Option.Boolean('--include-vendor', false, { description: 'Also scan and edit vendor/' });
  verify = Option.Boolean('--verify', false, { description: 'After writing, link and vet each changed package with every judged release; restore everything if one that linked no longer does' });

  async run(): Promise<number> {
    // Loaded on use: the CLI starts faster when a command does not load what others need.
    const { unifiedDiff } = await import('../emit/diff.js');
    const { writeChanges } = await import('../emit/write.js');
    const { applyPlan } = await import('../fix/apply.js');
    const { plan } = await import('../fix/plan.js');
    const { judgeScan } = await import('../judge/judge.js');
    const { scan } = await import('../scan/scan.js');
    if (this.write && this.dryRun) throw new LinkfixError('EUSAGE', '--write and --dry-run exclude each other');
    if (this.format !== 'text' && this.format !== 'json') throw new LinkfixError('EUSAGE', `unknown --format "${this.format}" (want text or json)`);
    if (this.verify && !this.write) throw new LinkfixError('EUSAGE', '--verify goes with --write');
    const { stdout, stderr, env } = this.context;
    const paths = treePaths(this.targets);
    const scanned = await scan(paths, { includeVendor: this.includeVendor });
    for (const m of scanned.messages.filter((m) => m.severity === 'error')) throw new LinkfixError('EIO', m.message, { file: m.file, line: m.line ?? undefined });
    const judged = await judgeScan(scanned, { go: this.go, platform: this.platform, tags: this.tags, announce: (m) => stderr.write(`${m}\n`) });
    const fixPlan = plan(judged, { onlyBroken: this.onlyBroken, keepOldPath: this.keepOldPath });
    const applied = applyPlan(fixPlan, { unsafeFixes: this.unsafeFixes, includeGenerated: this.includeGenerated, includeVendor: this.includeVendor });
    const c = colorsFor(stderr, env);

    if (this.format === 'json') stdout.write(`${JSON.stringify(fixReport(fixPlan, applied), null, 2)}\n`);
    for (const d of fixPlan.diagnostics) {
      const fix = d.fixes[0]!;
      const where = `${d.finding.file}:${d.finding.span.start.line}:${d.finding.span.start.column}`;
      const label = fix.applicability === 'manual' ? c.yellow('manual') : fix.applicability === 'unsafe' ? c.magenta('unsafe') : c.green('safe');
      stderr.write(`${where}: ${d.message}\n    ${label}: ${fix.message}\n`);
    }
    for (const s of applied.skipped) stderr.write(`${s.diagnostic.finding.file}:${s.diagnostic.finding.span.start.line}: ${c.yellow('not applied')}: ${s.reason}\n`);
    const total = fixPlan.diagnostics.filter((d) => d.fixes[0]!.applicability !== 'manual').length;
    const manual = fixPlan.diagnostics.length - total;
    const summary = `applied ${applied.applied.length} of ${total} fixes, ${manual} manual`;

    if (!this.write) {
      if (this.format === 'text') stdout.write(unifiedDiff(applied.changes));
      stderr.write(`linkfix: ${summary}; ${applied.changes.length} files would change${applied.skipped.some((s) => s.retry) ? '; re-run to apply more' : ''}\n`);
      return applied.changes.length > 0 ? 1 : 0;
    }

    const before = this.verify ? await this.buildAll(applied.changes, judged.judged?.releases ?? []) : null;
    const { written } = writeChanges(applied.changes);
    for (const file of written) stderr.write(`wrote ${file}\n`);
    if (before) {
      const after = await this.buildAll(applied.changes, judged.judged?.releases ?? []);
      const broken = [...after].filter(([key, out]) => before.get(key) === null && out !== null);
      if (broken.length > 0) {
        writeChanges(applied.changes.map((ch) => ({ ...ch, before: ch.after, after: ch.before })));
        throw new LinkfixError('EIO', `--verify: restored every file of the run; these linked before and no longer do:\n${broken.map(([k, out]) => `${k}:\n${out}`).join('\n')}`);
      }
      stderr.write(`linkfix: verified ${after.size} package links\n`);
    }
    stderr.write(`linkfix: ${summary}; wrote ${written.length} files\n`);
    return manual > 0 || applied.skipped.length > 0 ? 1 : 0;
  }

  /** Each changed package linked into a program, and vetted, per release: null when clean, else the output. */
  private async buildAll(changes: FileChange[], releases: string[]): Promise<Map<string, string | null>> {
    const { defaultGoroot, linkPackage } = await import('../linkcheck/linkcheck.js');
    const tags = parseTags(this.tags);
    const out = new Map<string, string | null>();
    const modules = new ModuleIndex(process.cwd(), () => {});
    const pkgs = new Map<string, { dir: string; name: string; importPath: string; moduleDir: string }>();
    for (const ch of changes) {
      const bytes = ch.after ?? ch.before;
      const name = bytes && ch.file.endsWith('.go') ? parseGoFile(SourceText.fromBytes(bytes)).packageName : null;
      const dir = dirname(ch.path);
      const importPath = modules.importPath(dir);
      const moduleDir = modules.moduleFor(dir)?.dir;
      if (ch.file.endsWith('.go') && !ch.file.endsWith('_test.go') && name && name !== 'main' && importPath && moduleDir) pkgs.set(dir, { dir, name, importPath, moduleDir });
    }
    for (const release of releases) {
      const goroot = defaultGoroot(release);
      for (const pkg of pkgs.values()) {
        let problem = await linkPackage(pkg, goroot, this.platform, tags);
        if (problem === null) {
          try {
            const [GOOS, GOARCH] = this.platform.split('/');
            await run(`${goroot}/bin/go`, ['vet', ...(tags.length ? ['-tags', tags.join(',')] : []), '.'], { cwd: pkg.dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOOS, GOARCH } });
          } catch (e) {
            const err = e as { stderr?: string; message: string };
            problem = (err.stderr ?? err.message).trim();
          }
        }
        out.set(`${release} ${pkg.importPath}`, problem);
      }
    }
    return out;
  }
}

/** The fixes as data: edits with line/column/byte positions as well as the UTF-16 offsets. */
function fixReport(p: Plan, applied: Applied): object {
  const files = planFiles(p);
  const pos = (e: TextEdit): object => {
    const s = files.get(e.file).parsed.source;
    return { file: e.file, start: s.position(e.start), end: s.position(e.end), newText: e.newText };
  };
  return {
    schemaVersion: 1,
    tool: { name: 'linkfix', version: VERSION },
    diagnostics: p.diagnostics.map((d) => ({
      file: d.finding.file,
      span: d.finding.span,
      target: d.finding.target,
      message: d.message,
      fixes: d.fixes.map((f) => ({ ...f, edits: f.edits.map(pos), applied: applied.applied.includes(f) })),
    })),
    skipped: applied.skipped.map((s) => ({ file: s.diagnostic.finding.file, line: s.diagnostic.finding.span.start.line, reason: s.reason })),
    changes: applied.changes.map((ch) => ({ file: ch.file, action: ch.before === null ? 'create' : ch.after === null ? 'delete' : 'modify' })),
  };
}

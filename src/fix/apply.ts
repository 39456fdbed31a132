// Applying a plan in memory: the chosen fixes are merged per file against one
// baseline (identical edits coalesce; a fix that conflicts with one already
// taken is dropped whole, as go/analysis does), applied with magic-string
// (byte ranges, never a reprint), tidied (an unused `import _ "unsafe"` or an import the fix left unused, an
// empty .s file kept only for bodyless funcs), and re-parsed: a file whose
// syntax errors grew is refused.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import MagicString from 'magic-string';
import { parseGoFile, parseGoFileWithTreeSitter, syntaxErrorCount, treeSitterTree, type ParsedGoFile } from '../parse/gofile.js';
import { SourceText } from '../parse/source.js';
import { isWellFormed } from '../parse/directive.js';
import { defaultPackageName } from '../model/modules.js';
import { coveredBy } from './constraint.js';
import { lineRemoval, planFiles, type EditableFile, type FileCache } from './source.js';
import type { Diagnostic, FileOp, Plan, SuggestedFix, TextEdit } from './types.js';

export interface ApplyOptions {
  /** Also apply unsafe fixes (behaviour changes in the documented way). */
  unsafeFixes?: boolean;
  /** Edit generated files (`// Code generated … DO NOT EDIT.`) too. */
  includeGenerated?: boolean;
  /** Edit files under vendor/ too. */
  includeVendor?: boolean;
  /** File contents by relative path, used instead of the disk (then no directory is looked at either). */
  sources?: ReadonlyMap<string, Buffer>;
}

/** One file's new content; `before` null for a created file, `after` null for a deleted one. */
export interface FileChange {
  file: string;
  path: string;
  before: Buffer | null;
  after: Buffer | null;
}

export interface Skipped {
  diagnostic: Diagnostic;
  reason: string;
  /** Another run may apply it: it overlapped a fix applied in this one. */
  retry: boolean;
}

export interface Applied {
  changes: FileChange[];
  applied: SuggestedFix[];
  /** Fixes that were candidates but were not applied, and why. */
  skipped: Skipped[];
}

export function applyPlan(plan: Plan, options: ApplyOptions = {}): Applied {
  // The plan's own reading of each file, when it has one: edits were made against exactly those bytes.
  const baselines = planFiles(plan, options.sources);
  // The scanner's rule (go/ast.IsGenerated: the marker before the package clause), not a match anywhere in the file.
  const isGenerated = (file: string): boolean => file.endsWith('.go') && baselines.get(file).parsed.generated;
  const accepted = new Map<string, TextEdit[]>();
  const created = new Map<string, FileOp & { kind: 'create' }>();
  /** The fixes an accepted edit or created file belongs to (an identical edit of two fixes is one edit). */
  const owners = new Map<TextEdit | FileOp, SuggestedFix[]>();
  const applied: SuggestedFix[] = [];
  const skipped: Skipped[] = [];

  for (const diagnostic of plan.diagnostics) {
    const fix = diagnostic.fixes[0];
    if (!fix || fix.applicability === 'manual') continue;
    if (fix.applicability === 'unsafe' && !options.unsafeFixes) {
      skipped.push({ diagnostic, reason: 'unsafe fix (behaviour changes): pass --unsafe-fixes to apply it', retry: false });
      continue;
    }
    const touched = [...new Set(fix.edits.map((e) => e.file))];
    const protectedFile = touched.find((file) => (!options.includeVendor && /(^|\/)vendor\//.test(file)) || (!options.includeGenerated && isGenerated(file)));
    if (protectedFile) {
      skipped.push({ diagnostic, reason: `${protectedFile} is ${/(^|\/)vendor\//.test(protectedFile) ? 'vendored' : 'generated'}: reported, not edited (--include-vendor / --include-generated)`, retry: false });
      continue;
    }
    const fresh: TextEdit[] = [];
    let conflict: string | null = null;
    for (const e of fix.edits) {
      const taken = accepted.get(e.file) ?? [];
      const same = taken.find((t) => t.start === e.start && t.end === e.end && t.newText === e.newText);
      if (same) {
        owners.get(same)!.push(fix); // identical: coalesce
        continue;
      }
      // Ranges that overlap conflict; insertions at one point do not (they are ordered by text), nor do
      // two deletions (the union goes: neighbouring declarations removed by two fixes share a blank line).
      const clash = taken.find((t) => t.start < e.end && e.start < t.end && (t.newText !== '' || e.newText !== ''));
      if (clash) {
        conflict = `${e.file}: it overlaps another fix's edit`;
        break;
      }
      fresh.push(e);
    }
    const newFiles = fix.files.filter((op) => op.kind === 'create') as (FileOp & { kind: 'create' })[];
    const exists = newFiles.find((op) => created.has(op.file) || (options.sources ? options.sources.has(op.file) : existsSync(resolve(plan.base, op.file))));
    if (!conflict && exists) conflict = `${exists.file} already exists`;
    if (conflict) {
      skipped.push({ diagnostic, reason: `conflicts (${conflict}); re-run to apply it`, retry: true });
      continue;
    }
    for (const e of fresh) {
      accepted.set(e.file, [...(accepted.get(e.file) ?? []), e]);
      owners.set(e, [fix]);
    }
    for (const op of newFiles) {
      created.set(op.file, op);
      owners.set(op, [fix]);
    }
    applied.push(fix);
  }

  // A fix whose edits leave a file that would not parse is refused whole: its edits to other
  // files and the files it creates go too, and the files it touched are rendered again without it.
  const refused = new Set<SuggestedFix>();
  const live = (x: TextEdit | FileOp): boolean => owners.get(x)!.some((fx) => !refused.has(fx));
  let changes: FileChange[] = [];
  for (let settled = false; !settled; ) {
    settled = true;
    changes = [];
    for (const [file, all] of accepted) {
      const edits = all.filter(live);
      if (edits.length === 0) continue;
      const baseline = baselines.get(file);
      const before = baseline.bytes;
      const source = baseline.parsed.source;
      const text = render(baseline, edits);
      if (text === null) {
        for (const fx of new Set(edits.flatMap((e) => owners.get(e)!))) {
          if (refused.has(fx)) continue;
          refused.add(fx);
          skipped.push({ diagnostic: plan.diagnostics.find((d) => d.fixes[0] === fx)!, reason: `refused: the edited ${file} would not parse`, retry: false });
        }
        settled = false;
        break;
      }
      const bom = before.subarray(0, source.bomBytes);
      changes.push({ file, path: resolve(plan.base, file), before, after: Buffer.concat([bom, Buffer.from(text, 'utf8')]) });
    }
  }
  for (const op of created.values()) if (live(op)) changes.push({ file: op.file, path: resolve(plan.base, op.file), before: null, after: Buffer.from(op.content, 'utf8') });
  deleteHusks(changes, baselines, options.sources);
  if (!options.sources) changes.push(...emptyAsmFilesToDelete(changes));
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { changes: changes.filter((c) => c.before === null || c.after === null || !c.before.equals(c.after)), applied: applied.filter((fx) => !refused.has(fx)), skipped };
}

/**
 * A file's text with `edits` applied (insertions at one point in text order,
 * so that imports added by different fixes stay sorted), the unsafe import
 * tidied; null when the result has more syntax errors than the baseline. The
 * result is parsed once, for both checks.
 */
function render(baseline: EditableFile, edits: TextEdit[]): string | null {
  const ms = new MagicString(baseline.parsed.source.text);
  const ordered = [...edits].sort((a, b) => a.start - b.start || a.end - b.end || (a.newText < b.newText ? -1 : 1));
  for (const e of ordered) {
    if (e.start === e.end) ms.appendLeft(e.start, e.newText);
    else if (e.newText === '') ms.remove(e.start, e.end);
    else ms.overwrite(e.start, e.end, e.newText);
  }
  // The tidy reads the edited text with the fast skimmer; the final text is what tree-sitter validates, once.
  const text = tidyImports(ms.toString(), baseline.parsed.source.text);
  const errors = parseGoFileWithTreeSitter(SourceText.fromString(text)).syntaxErrors;
  // The baseline's count costs a parse only when the result has errors (a file the skimmer read has none, but tree-sitter has gaps of its own).
  return errors > 0 && errors > syntaxErrorCount(baseline.parsed.source.text) ? null : text;
}

/**
 * Removes the imports a fix left unused, one at a time: `import _ "unsafe"`
 * (or an unused `import "unsafe"`) once no linkname directive is left in the
 * file, and any other named or plain import that `before` used and `text` no
 * longer does (the removed declaration was its only use; Go rejects an unused
 * import). Blank and dot imports other than unsafe stay: they are not there
 * for a name.
 */
function tidyImports(text: string, before: string): string {
  for (;;) {
    const cut = unusedImport(parseGoFile(SourceText.fromString(text)), before);
    if (!cut) return text;
    text = text.slice(0, cut.start) + text.slice(cut.end);
  }
}

function unusedImport(parsed: ParsedGoFile, before: string): { start: number; end: number } | null {
  const text = parsed.source.text;
  const directives = parsed.directives.some(isWellFormed);
  for (const decl of parsed.imports) {
    const rest = text.slice(0, decl.start) + text.slice(decl.end);
    for (const spec of decl.specs) {
      const name = spec.name ?? defaultPackageName(spec.path);
      // A package name is an identifier: nothing in it to escape.
      const use = new RegExp(`(?<![\\p{L}\\p{N}_.])${name}\\s*\\.`, 'u');
      if (spec.path === 'unsafe') {
        if (directives || spec.name === '.' || (spec.name !== '_' && use.test(rest))) continue;
      } else if (spec.name === '_' || spec.name === '.' || use.test(rest) || !use.test(before)) continue;
      const [from, to] = decl.specs.length === 1 ? [decl.start, decl.end] : [spec.start, spec.end];
      // Whole lines when nothing else is on them (a comment aside); else just the spec, so that a `)` sharing its line stays.
      const lineStart = text.lastIndexOf('\n', from - 1) + 1;
      const lineEnd = text.indexOf('\n', to);
      const after = text.slice(to, lineEnd < 0 ? text.length : lineEnd).trim();
      const alone = text.slice(lineStart, from).trim() === '' && (after === '' || after.startsWith('//'));
      // The `;` that separated it from its neighbour on the line goes with it.
      const semicolonAfter = /^[ \t]*;[ \t]*/.exec(text.slice(to))?.[0] ?? '';
      const semicolonBefore = semicolonAfter ? '' : (/;[ \t]*$/.exec(text.slice(lineStart, from))?.[0] ?? '');
      return alone ? lineRemoval(text, from, to) : { start: from - semicolonBefore.length, end: to + semicolonAfter.length };
    }
  }
  return null;
}

/** A .s file with only comments and blank lines exists to allow bodyless funcs: once none is left in its package, it goes. */
function emptyAsmFilesToDelete(changes: FileChange[]): FileChange[] {
  const out: FileChange[] = [];
  const dirs = new Set(changes.filter((c) => c.file.endsWith('.go') && c.after).map((c) => dirname(c.path)));
  for (const dir of dirs) {
    const names = readdirSync(dir);
    const empty = names.filter((n) => n.endsWith('.s') && readFileSync(join(dir, n), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').trim() === '');
    if (empty.length === 0) continue;
    const bodyless = names.some((n) => {
      if (!n.endsWith('.go') || n.endsWith('_test.go')) return false;
      const changed = changes.find((c) => c.path === join(dir, n));
      const bytes = changed ? changed.after : readFileSync(join(dir, n));
      return bytes !== null && [...parseGoFile(SourceText.fromBytes(bytes)).decls.values()].some((d) => d.kind === 'func-bodyless');
    });
    if (bodyless) continue;
    for (const n of empty) {
      const path = join(dir, n);
      const file = changes.find((c) => dirname(c.path) === dir)!.file.replace(/[^/]*$/, n);
      out.push({ file, path, before: readFileSync(path), after: null });
    }
  }
  return out;
}

/**
 * A Go file an edit left with nothing but its package clause and comments is
 * noise: it goes, unless it still says something (a package doc comment, a
 * `//go:generate`), or deleting it could leave some build of the package
 * without any file (the other files, created ones included, must be compiled
 * wherever it was).
 */
function deleteHusks(changes: FileChange[], files: FileCache, sources?: ReadonlyMap<string, Buffer>): void {
  for (const c of changes) {
    if (!c.before || !c.after || !c.file.endsWith('.go') || !isHusk(c.after.toString('utf8'))) continue;
    const dir = dirname(c.file);
    const siblings = new Set([
      ...(sources ? [...sources.keys()] : readdirSync(dirname(c.path)).map((n) => (dir === '.' ? n : `${dir}/${n}`))).filter((f) => dirname(f) === dir),
      ...changes.filter((o) => o.before === null && dirname(o.file) === dir).map((o) => o.file),
    ]);
    const test = c.file.endsWith('_test.go');
    const husk = { name: c.file, parsed: files.get(c.file).parsed };
    const others: { name: string; parsed: ParsedGoFile }[] = [];
    for (const f of siblings) {
      const change = changes.find((o) => o.file === f);
      if (f === c.file || !f.endsWith('.go') || (!test && f.endsWith('_test.go')) || change?.after === null) continue;
      const parsed = change?.after ? parseGoFile(SourceText.fromBytes(change.after)) : files.get(f).parsed;
      if (parsed.packageName === husk.parsed.packageName) others.push({ name: f, parsed });
    }
    if (coveredBy(husk, others)) c.after = null;
  }
}

function isHusk(text: string): boolean {
  const root = treeSitterTree(text).rootNode;
  const pkg = root.namedChildren.find((n) => n.type === 'package_clause');
  if (!pkg || root.hasError) return false;
  for (const node of root.namedChildren) {
    if (node === pkg) continue;
    if (node.type !== 'comment') return false;
    if (node.text.startsWith('//go:generate')) return false;
    // A comment that ends on the line above the package clause is its doc comment (a build constraint line is not).
    if (node.endPosition.row === pkg.startPosition.row - 1 && !/^\/\/(go:build|\s*\+build)/.test(node.text)) return false;
  }
  return true;
}

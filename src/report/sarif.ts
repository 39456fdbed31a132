// SARIF 2.1.0 for code-scanning UIs, and GitHub Actions workflow commands.
// Rule ids are stable per kind of finding; locations are relative to the
// SRCROOT base; columns are UTF-16 code units (SARIF's default columnKind).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as Sarif from 'sarif';
import type { Applied } from '../fix/apply.js';
import type { Plan, SuggestedFix, TextEdit } from '../fix/types.js';
import { FAILING } from '../judge/verdict.js';
import type { Finding, ScanResult } from '../model/types.js';
import { SourceText } from '../parse/source.js';
import { VERSION } from '../version.js';

interface Rule {
  id: string;
  name: string;
  /** Both a SARIF level and a GitHub workflow command. */
  level: 'error' | 'warning';
  short: string;
}

const RULES: Rule[] = [
  { id: 'pull-broken', name: 'PullBroken', level: 'error', short: 'A //go:linkname pull fails to link on a selected Go release.' },
  { id: 'pull-detached', name: 'PullDetached', level: 'error', short: 'A var pull links to nothing: it reads a fresh zero value on a selected Go release.' },
  { id: 'pull-tolerated', name: 'PullTolerated', level: 'warning', short: 'A //go:linkname pull links today only while the target allows it.' },
  { id: 'asm-pull-broken', name: 'AsmPullBroken', level: 'error', short: 'An assembly reference to another package fails to link on a selected Go release.' },
  { id: 'asm-pull-tolerated', name: 'AsmPullTolerated', level: 'warning', short: 'An assembly reference to another package links today only while the target allows it.' },
  { id: 'invalid-directive', name: 'InvalidDirective', level: 'error', short: 'The compiler rejects this //go:linkname directive.' },
  { id: 'signature-drift', name: 'SignatureDrift', level: 'warning', short: 'The local declaration disagrees with the std declaration on argument or result layout.' },
  { id: 'pull-unreferenced', name: 'PullUnreferenced', level: 'warning', short: 'A //go:linkname pull links only because its package never uses it: its first use fails to link on a selected Go release.' },
];

/** The rule of a finding (null: nothing to report, e.g. a push or a handshake). */
function ruleOf(f: Finding): Rule | null {
  const rule = (id: string): Rule => RULES.find((r) => r.id === id)!;
  if (f.kind === 'invalid') return rule('invalid-directive');
  if (f.kind !== 'pull' && f.kind !== 'asm-pull') return null;
  const verdicts = f.verdicts ?? [];
  const asm = f.kind === 'asm-pull' ? 'asm-' : '';
  if (verdicts.some((v) => FAILING.has(v.verdict) && v.verdict !== 'detached')) return rule(`${asm}pull-broken`);
  if (verdicts.some((v) => v.verdict === 'detached')) return rule('pull-detached');
  if (verdicts.some((v) => v.verdict === 'ok-unreferenced')) return rule('pull-unreferenced');
  return rule(`${asm}pull-tolerated`);
}

function messageOf(f: Finding): string {
  const failing = (f.verdicts ?? []).filter((v) => FAILING.has(v.verdict) || v.verdict === 'ok-unreferenced');
  const row = (f.verdicts ?? []).map((v) => `${v.go} ${v.verdict}`).join(', ');
  return failing.length > 0 ? `${f.reason}. ${failing[0]!.detail}. Per release: ${row}.` : `${f.reason}${row ? `. Per release: ${row}.` : ''}`;
}

/** UTF-16 regions of files, read once. */
class Regions {
  private readonly texts = new Map<string, SourceText>();
  constructor(private readonly base: string) {}

  private text(file: string): SourceText {
    let t = this.texts.get(file);
    if (!t) {
      t = SourceText.fromBytes(readFileSync(resolve(this.base, file)));
      this.texts.set(file, t);
    }
    return t;
  }

  /** A region from UTF-16 indices of the text. */
  fromIndices(file: string, start: number, end: number): Sarif.Region {
    const t = this.text(file);
    const col = (i: number): { line: number; column: number } => ({ line: t.lineIndex(i) + 1, column: i - t.lineStart(i) + 1 });
    const a = col(start);
    const b = col(end);
    return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }

  /** A region from a finding's byte span. */
  fromFinding(f: Finding): Sarif.Region {
    const t = this.text(f.file);
    return this.fromIndices(f.file, t.indexAtOffset(f.span.start.offset), t.indexAtOffset(f.span.end.offset));
  }
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.file}\0${f.kind}\0${f.localName ?? ''}\0${f.target.raw}`).digest('hex').slice(0, 32);
}

export function toSarif(result: ScanResult, fixes?: { plan: Plan; applied: Applied }): Sarif.Log {
  const regions = new Regions(result.base);
  // A plan's diagnostics hold the scan's own Finding objects: a Map finds each one's fix directly.
  const applied = new Set(fixes?.applied.applied);
  const safeFix = new Map<Finding, SuggestedFix>(
    (fixes?.plan.diagnostics ?? []).flatMap((d) => {
      const fix = d.fixes[0];
      return fix && fix.applicability === 'safe' && applied.has(fix) && fix.files.length === 0 ? [[d.finding, fix] as const] : [];
    }),
  );
  const results: Sarif.Result[] = [];
  for (const f of result.findings) {
    const rule = ruleOf(f);
    if (!rule) continue;
    const location: Sarif.Location = { physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: 'SRCROOT' }, region: regions.fromFinding(f) } };
    const fix = safeFix.get(f);
    results.push({
      ruleId: rule.id,
      ruleIndex: RULES.indexOf(rule),
      level: rule.level,
      message: { text: messageOf(f) },
      locations: [location],
      partialFingerprints: { 'linkfix/v1': fingerprint(f) },
      ...(fix ? { fixes: [{ description: { text: fix.message }, artifactChanges: artifactChanges(fix.edits, regions) }] } : {}),
    });
    const drift = (f.verdicts ?? []).filter((v) => v.signatureDrift);
    if (drift.length > 0) {
      const d = drift[drift.length - 1]!.signatureDrift!;
      results.push({
        ruleId: 'signature-drift',
        ruleIndex: RULES.findIndex((r) => r.id === 'signature-drift'),
        level: 'warning',
        message: { text: `On ${drift.map((v) => v.go).join(', ')} the std declares \`${d.std}\`; the local declaration is \`${d.local}\`.` },
        locations: [location],
        partialFingerprints: { 'linkfix/v1': fingerprint({ ...f, kind: 'export' }) },
      });
    }
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'linkfix',
            version: VERSION,
            informationUri: 'https://go.dev/issue/67401',
            rules: RULES.map((r) => ({ id: r.id, name: r.name, shortDescription: { text: r.short }, defaultConfiguration: { level: r.level } })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: `file://${result.base.endsWith('/') ? result.base : `${result.base}/`}` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function artifactChanges(edits: TextEdit[], regions: Regions): Sarif.ArtifactChange[] {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  return [...byFile].map(([file, list]) => ({
    artifactLocation: { uri: file, uriBaseId: 'SRCROOT' },
    replacements: list.map((e) => ({ deletedRegion: regions.fromIndices(file, e.start, e.end), ...(e.newText ? { insertedContent: { text: e.newText } } : {}) })),
  }));
}

/** GitHub Actions workflow commands: one annotation per finding that matters. */
export function toGithub(result: ScanResult): string {
  const esc = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string): string => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines: string[] = [];
  for (const f of result.findings) {
    const rule = ruleOf(f);
    if (!rule) continue;
    const where = `file=${prop(f.file)},line=${f.span.start.line},col=${f.span.start.column},endLine=${f.span.end.line},endColumn=${f.span.end.column}`;
    lines.push(`::${rule.level} ${where},title=${prop(`linkfix ${rule.id}: ${f.target.raw}`)}::${esc(messageOf(f))}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

// Human output: findings grouped by file, one line each.

import type { Colors } from 'picocolors/types.js';
import { FAILING } from '../judge/verdict.js';
import type { Finding, FindingKind, ScanMessage, ScanResult, Verdict } from '../model/types.js';
import { countKinds } from './json.js';

const KIND_WIDTH = Math.max(...(['pull', 'asm-pull', 'handshake', 'push', 'export', 'invalid'] as const).map((k) => k.length));

function paintKind(kind: FindingKind, c: Colors): string {
  const label = kind.padEnd(KIND_WIDTH);
  switch (kind) {
    case 'pull':
    case 'asm-pull':
      return c.red(label);
    case 'invalid':
      return c.magenta(label);
    case 'handshake':
      return c.green(label);
    default:
      return c.cyan(label);
  }
}

function targetLabel(f: Finding): string {
  return f.target.kind === 'none' ? f.target.raw : `${f.target.raw} (${f.target.kind})`;
}

export function scanToText(result: ScanResult, c: Colors): string {
  const lines: string[] = [];
  let current: string | null = null;
  for (const f of result.findings) {
    if (f.file !== current) {
      if (current !== null) lines.push('');
      lines.push(c.bold(f.file));
      current = f.file;
    }
    const where = `${f.file}:${f.span.start.line}:${f.span.start.column}`;
    lines.push(`  ${c.dim(where)}  ${paintKind(f.kind, c)}  ${targetLabel(f)}  ${c.dim(f.reason)}`);
    if (f.verdicts) lines.push(...verdictLines(f.verdicts, c));
    if (f.link) lines.push(...linkLines(f, c));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** One compact row (`1.21–1.22 ok-unchecked · 1.23 rejected`), the reason of each failing or unreferenced run, and any signature drift. */
function verdictLines(verdicts: Verdict[], c: Colors): string[] {
  const runs: { from: Verdict; to: Verdict }[] = [];
  for (const v of verdicts) {
    const last = runs[runs.length - 1];
    if (last && last.to.verdict === v.verdict) last.to = v;
    else runs.push({ from: v, to: v });
  }
  const paint = (v: Verdict): string => (FAILING.has(v.verdict) ? c.red : v.verdict === 'not-compiled' ? c.dim : v.verdict === 'ok-unreferenced' ? c.yellow : c.green)(v.verdict);
  const span = (r: { from: Verdict; to: Verdict }): string => (r.from === r.to ? r.from.go : `${r.from.go}–${r.to.go}`);
  const out = [`      ${runs.map((r) => `${span(r)} ${paint(r.from)}`).join(' · ')}`];
  // An unreferenced pull links only until its first use: say what that use will get.
  for (const r of runs) if (FAILING.has(r.from.verdict) || r.from.verdict === 'ok-unreferenced') out.push(`        ${c.dim(`${span(r)}: ${r.from.detail}`)}`);
  const drift = verdicts.filter((v) => v.signatureDrift);
  if (drift.length > 0) {
    const d = drift[drift.length - 1]!.signatureDrift!;
    out.push(`        ${c.yellow('signature drift')} on ${drift.map((v) => v.go).join(', ')}: local \`${d.local}\`, std \`${d.std}\``);
  }
  return out;
}

/** The real toolchains' answers. A detached var links fine: only the static verdict (and the value read) shows it. */
function linkLines(f: Finding, c: Colors): string[] {
  const row = f.link!.map((o) => {
    const go = o.release.replace(/^go(1\.\d+).*/, '$1');
    const painted = o.outcome === 'ok' ? c.green(o.outcome) : o.outcome === 'not-compiled' || o.outcome === 'undetermined' ? c.dim(o.outcome) : c.red(o.outcome);
    return `${go} ${painted}${o.message.startsWith('value: ') ? c.dim(` (${o.message})`) : ''}`;
  });
  const out = [`      ${c.dim('link')} ${row.join(' · ')}`];
  for (const o of f.link!) if (o.outcome !== 'ok' && o.outcome !== 'not-compiled') out.push(`        ${c.dim(`${o.release}: ${o.message}`)}`);
  if (f.verdicts?.some((v) => v.verdict === 'detached')) out.push(`        ${c.dim('detached is decided statically: the link succeeds, and the var reads as a fresh zero value')}`);
  if (f.verdicts?.some((v) => v.verdict === 'ok-unreferenced')) out.push(`        ${c.dim('the link check uses the pulled name, as its first use would: ok-unreferenced holds only while nothing does')}`);
  return out;
}

export function formatMessage(m: ScanMessage, c: Colors): string {
  const where = m.line !== null ? `${m.file}:${m.line}` : m.file;
  const sev = m.severity === 'error' ? c.red('error') : c.yellow('warning');
  return `${where}: ${sev}: ${m.message}`;
}

export function summaryLine(result: ScanResult): string {
  const k = countKinds(result);
  const parts = [
    `${result.stats.filesSeen} files`,
    `${result.stats.filesParsed} parsed`,
    plural(k.pull, 'pull'),
    plural(k['asm-pull'], 'asm-pull'),
    plural(k.handshake, 'handshake'),
    plural(k.push, 'push', 'pushes'),
    plural(k.export, 'export'),
    `${k.invalid} invalid`,
  ];
  return `linkfix: ${parts.join(', ')} in ${result.stats.durationMs} ms`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

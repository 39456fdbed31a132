// Human output: findings grouped by file, one line each.

import type { Colors } from 'picocolors/types.js';
import type { Finding, FindingKind, ScanMessage, ScanResult } from '../model/types.js';
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
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
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

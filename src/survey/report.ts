// linkfix report: what a survey found, per std symbol and per module, as
// Markdown or as one self-contained HTML page (sortable table, a chart of
// modules broken per Go release). The aggregation sorts everything, so the
// report of N shards equals the report of one unsharded run.

import { goMinor } from '../catalog/types.js';
import { FAILING } from '../judge/verdict.js';
import type { VerdictKind } from '../model/types.js';
import type { SurveyRecord } from './survey.js';

export interface SymbolRow {
  symbol: string;
  modules: string[];
  /**
   * The verdicts seen per release, sorted. Usually one, but a verdict also
   * depends on the pull (a var or a func, its build constraint, the pulling
   * package), so modules may differ.
   */
  verdicts: Record<string, VerdictKind[]>;
}

export interface ModuleRow {
  module: string;
  /** Per release, the symbols whose pulls fail there. */
  breaks: Record<string, string[]>;
}

export interface SurveyReport {
  modules: number;
  modulesWithPulls: number;
  releases: string[];
  symbols: SymbolRow[];
  broken: ModuleRow[];
  brokenPerRelease: Record<string, number>;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byRelease = (a: string, b: string): number => goMinor(a) - goMinor(b);
const sortedMap = <V, W>(m: Map<string, V>, f: (v: V) => W): Record<string, W> => Object.fromEntries([...m].sort(([a], [b]) => byRelease(a, b)).map(([k, v]) => [k, f(v)]));

export function buildReport(records: SurveyRecord[]): SurveyReport {
  const unique = [...new Map(records.map((r) => [r.dir, r])).values()];
  const releases = new Set<string>();
  const symbols = new Map<string, { modules: Set<string>; verdicts: Map<string, Set<VerdictKind>> }>();
  const broken = new Map<string, Map<string, Set<string>>>();
  const add = <K, V>(m: Map<K, Set<V>>, k: K, v: V): void => void (m.get(k) ?? m.set(k, new Set()).get(k)!).add(v);
  for (const r of unique) {
    const name = r.module ?? r.dir;
    for (const p of r.pulls) {
      if (p.targetKind !== 'std') continue;
      const row = symbols.get(p.target) ?? { modules: new Set<string>(), verdicts: new Map<string, Set<VerdictKind>>() };
      symbols.set(p.target, row);
      row.modules.add(name);
      for (const [go, verdict] of Object.entries(p.verdicts)) {
        releases.add(go);
        add(row.verdicts, go, verdict);
        if (FAILING.has(verdict)) add(broken.get(name) ?? broken.set(name, new Map()).get(name)!, go, p.target);
      }
    }
  }
  const sortedReleases = [...releases].sort(byRelease);
  const rows: SymbolRow[] = [...symbols].map(([symbol, s]) => ({ symbol, modules: [...s.modules].sort(byName), verdicts: sortedMap(s.verdicts, (v) => [...v].sort(byName)) }));
  rows.sort((a, b) => b.modules.length - a.modules.length || byName(a.symbol, b.symbol));
  const brokenRows: ModuleRow[] = [...broken]
    .map(([module, breaks]) => ({ module, breaks: sortedMap(breaks, (v) => [...v].sort(byName)) }))
    .sort((a, b) => byName(a.module, b.module));
  return {
    modules: unique.length,
    modulesWithPulls: unique.filter((r) => r.pulls.length > 0).length,
    releases: sortedReleases,
    symbols: rows,
    broken: brokenRows,
    brokenPerRelease: Object.fromEntries(sortedReleases.map((go) => [go, brokenRows.filter((m) => m.breaks[go]).length])),
  };
}

export function reportMarkdown(r: SurveyReport): string {
  const out = [
    '# linkfix survey',
    '',
    `${r.modules} modules surveyed, ${r.modulesWithPulls} with linkname pulls.`,
    '',
    '## Modules broken per Go release',
    '',
    `| release | ${r.releases.join(' | ')} |`,
    `|---|${r.releases.map(() => '---').join('|')}|`,
    `| modules | ${r.releases.map((g) => r.brokenPerRelease[g]).join(' | ')} |`,
    '',
    '## Pulled std symbols',
    '',
    `| symbol | modules | ${r.releases.join(' | ')} |`,
    `|---|---|${r.releases.map(() => '---').join('|')}|`,
    ...r.symbols.map((s) => `| \`${s.symbol}\` | ${s.modules.length}: ${s.modules.join(', ')} | ${r.releases.map((g) => (s.verdicts[g] ?? []).join(' / ')).join(' | ')} |`),
    '',
    '## What breaks, per module',
    '',
    '| module | breaks |',
    '|---|---|',
    ...r.broken.map((m) => `| ${m.module} | ${Object.entries(m.breaks).map(([go, syms]) => `${go}: ${syms.map((x) => `\`${x}\``).join(', ')}`).join('; ')} |`),
    '',
  ];
  return out.join('\n');
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function reportHtml(r: SurveyReport): string {
  const max = Math.max(1, ...Object.values(r.brokenPerRelease));
  const barWidth = 48;
  const chart = r.releases
    .map((go, i) => {
      const h = Math.round((r.brokenPerRelease[go]! / max) * 160);
      return `<g><rect x="${20 + i * (barWidth + 12)}" y="${180 - h}" width="${barWidth}" height="${h}" fill="#c0392b"></rect><text x="${20 + i * (barWidth + 12) + barWidth / 2}" y="198" text-anchor="middle">${esc(go)}</text><text x="${20 + i * (barWidth + 12) + barWidth / 2}" y="${174 - h}" text-anchor="middle">${r.brokenPerRelease[go]}</text></g>`;
    })
    .join('');
  const cls = (vs: VerdictKind[] = []): string => (vs.length === 0 ? '' : vs.some((v) => FAILING.has(v)) ? 'bad' : 'ok');
  const rows = r.symbols
    .map((s) => `<tr><td><code>${esc(s.symbol)}</code></td><td data-sort="${s.modules.length}">${s.modules.length}</td><td>${s.modules.map(esc).join(', ')}</td>${r.releases.map((g) => `<td class="${cls(s.verdicts[g])}">${esc((s.verdicts[g] ?? []).join(' / '))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>linkfix survey</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{cursor:pointer;background:#f4f4f4}td.bad{background:#fbe3e1}td.ok{background:#e6f4ea}svg text{font:12px system-ui,sans-serif}
</style></head><body>
<h1>linkfix survey</h1>
<p>${r.modules} modules surveyed, ${r.modulesWithPulls} with linkname pulls.</p>
<h2>Modules broken per Go release</h2>
<svg id="chart" width="${40 + r.releases.length * (barWidth + 12)}" height="210" role="img" aria-label="modules broken per Go release">${chart}</svg>
<h2>Pulled std symbols</h2>
<table id="symbols"><thead><tr><th>symbol</th><th>modules</th><th>which</th>${r.releases.map((g) => `<th>${esc(g)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table>
<script>
// Click a header to sort by that column (numbers numerically), again to reverse.
document.querySelectorAll('#symbols th').forEach((th, col) => th.addEventListener('click', () => {
  const body = document.querySelector('#symbols tbody');
  const dir = th.dataset.dir === 'asc' ? -1 : 1;
  th.dataset.dir = dir === 1 ? 'asc' : 'desc';
  const key = (tr) => { const td = tr.children[col]; return td.dataset.sort !== undefined ? Number(td.dataset.sort) : td.textContent; };
  [...body.rows].sort((a, b) => (key(a) > key(b) ? 1 : key(a) < key(b) ? -1 : 0) * dir).forEach((tr) => body.appendChild(tr));
}));
</script>
</body></html>
`;
}

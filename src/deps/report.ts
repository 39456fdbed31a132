// deps output: text (one block per failing module), Markdown (for a pull
// request), and the versioned JSON report (docs/deps-json-schema.md). A
// module's pulls are printed by the scan report's own text renderer.

import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import { FAILING } from '../judge/verdict.js';
import type { Finding } from '../model/types.js';
import { scanToText } from '../report/text.js';
import { VERSION } from '../version.js';
import { failingPulls, type DependencyModule, type DepsResult } from './deps.js';

export const DEPS_SCHEMA_VERSION = 1;

const at = (m: DependencyModule): string => (m.version ? `${m.path}@${m.version}` : m.path);

/** The pulls as `scan` prints them, their files named module@version/file. */
function pullsText(m: DependencyModule, pulls: Finding[], c: Colors, version = m.version): string {
  const prefix = version ? `${m.path}@${version}/` : `${m.path}/`;
  const findings = pulls.map((f) => ({ ...f, file: prefix + f.file }));
  const text = scanToText({ base: '', modules: [], findings, asmDefinitions: [], messages: [], stats: { filesSeen: 0, filesParsed: 0, durationMs: 0 } }, c);
  // Blank lines separate modules here, not the files of one module.
  return text.split('\n').filter((line) => line.trim() !== '').join('\n');
}

/** One line: the version that fixes the module, or why there is none. */
export function fixLine(m: DependencyModule): string {
  const s = m.search;
  if (m.replace) return `replaced by ${m.replace}: no version search`;
  if (!s) return 'not searched';
  if (s.fixed) {
    const go = s.fixed.goVersion ? ` (go ${s.fixed.goVersion}${s.fixed.requiresNewerGo ? ': newer than your go directive' : ''})` : '';
    const gone = s.fixed.missingPackages.length > 0 ? `; it no longer has ${s.fixed.missingPackages.join(', ')}` : '';
    return `fixed in ${s.fixed.version}${go}${gone}`;
  }
  if (s.error) return `no fixed version found: ${s.error}`;
  if (s.candidates === 0) return 'no fixed version: no newer version is published';
  return `no fixed version: the newest, ${s.newest!.version}, still fails`;
}

export function depsToText(r: DepsResult, c: Colors = pc.createColors(false)): string {
  const out: string[] = [];
  for (const m of r.modules.filter((m) => m.fails)) {
    out.push(`${c.bold(at(m))}${m.replace ? c.dim(` => ${m.replace}`) : ''}`);
    out.push(`  packages: ${m.packages.join(', ')}`);
    out.push(indent(pullsText(m, failingPulls(m.pulls), c), '  '));
    out.push(`  ${m.search?.fixed ? c.green(fixLine(m)) : c.red(fixLine(m))}`);
    if (m.search?.newest) {
      out.push('  still failing in the newest version:');
      out.push(indent(pullsText(m, m.search.newest.failing, c, m.search.newest.version), '    '));
    }
    out.push('');
  }
  return out.join('\n');
}

/** The summary for stderr. */
export function depsSummary(r: DepsResult): string {
  const withPulls = r.modules.filter((m) => m.pulls.length > 0).length;
  const failing = r.modules.filter((m) => m.fails);
  const fixable = failing.filter((m) => m.search?.fixed).length;
  const go = r.releases.map((v) => v.replace(/^go(1\.\d+).*/, '$1'));
  return (
    `linkfix: ${r.modules.length} dependency module${r.modules.length === 1 ? '' : 's'} (${r.stats.packages} packages) for ${r.platform}, Go ${go[0]}${go.length > 1 ? `–${go[go.length - 1]}` : ''}: ` +
    `${withPulls} with pulls, ${failing.length} failing${failing.length > 0 ? ` (${fixable} fixed by a newer version)` : ''}; ` +
    `${r.stats.fetched} versions fetched, ${r.stats.cached} from the cache, in ${r.stats.durationMs} ms`
  );
}

export function depsToMarkdown(r: DepsResult): string {
  const failing = r.modules.filter((m) => m.fails);
  const go = r.releases.map((v) => v.replace(/^go(1\.\d+).*/, '$1'));
  const out = [`### Go linkname check of dependencies (${r.platform}, Go ${go.join(', ')})`, ''];
  if (failing.length === 0) {
    out.push(`No dependency pull fails (${r.modules.length} modules checked).`, '');
    return out.join('\n');
  }
  out.push('| module | in use | fails on | fix |', '|---|---|---|---|');
  for (const m of failing) {
    const on = [...new Set(m.pulls.flatMap((f) => (f.verdicts ?? []).filter((v) => FAILING.has(v.verdict)).map((v) => v.go)))].sort(byMinor);
    out.push(`| \`${m.path}\` | ${m.version ?? m.replace ?? ''} | ${on.join(', ')} | ${fixLine(m)} |`);
  }
  out.push('');
  for (const m of failing) {
    out.push('<details>', `<summary><code>${at(m)}</code></summary>`, '', '```', pullsText(m, failingPulls(m.pulls), pc.createColors(false)).trimEnd(), '```', '</details>', '');
  }
  return out.join('\n');
}

const byMinor = (a: string, b: string): number => Number(a.split('.')[1]) - Number(b.split('.')[1]);
const indent = (text: string, pad: string): string => text.trimEnd().split('\n').map((l) => (l ? pad + l : l)).join('\n');

export function depsToJson(r: DepsResult): string {
  const report = {
    schemaVersion: DEPS_SCHEMA_VERSION,
    tool: { name: 'linkfix', version: VERSION },
    dir: r.dir,
    mainModules: r.mainModules,
    judged: { platform: r.platform, releases: r.releases },
    tags: r.tags,
    tests: r.tests,
    modules: r.modules,
    errors: r.errors,
    summary: {
      modules: r.modules.length,
      packages: r.stats.packages,
      modulesWithPulls: r.modules.filter((m) => m.pulls.length > 0).length,
      failing: r.modules.filter((m) => m.fails).length,
      fixable: r.modules.filter((m) => m.search?.fixed).length,
      fetched: r.stats.fetched,
      cached: r.stats.cached,
    },
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

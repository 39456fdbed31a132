import { Command, Option } from 'clipanion';
import { FAILING } from '../judge/verdict.js';
import { LinkfixCommand } from './command.js';
import { colorsFor } from './context.js';
import { LinkfixError } from '../errors.js';
import { splitSymbol } from '../parse/directive.js';

export class ExplainCommand extends LinkfixCommand {
  static override paths = [['explain']];
  static override usage = Command.Usage({
    description: 'Show one std symbol across Go releases: does it exist, can a module pull it and why, its signature, its legacy-use documentation and the safe replacement.',
    examples: [
      ['A pushed function', 'linkfix explain runtime.fastrand'],
      ['A var that vanished', 'linkfix explain runtime.ncpu'],
    ],
  });

  symbol = Option.String({ name: 'symbol' });
  format = Option.String('--format', 'text', { description: 'text or json' });
  platform = Option.String('--platform', 'linux/amd64', { description: 'GOOS/GOARCH' });

  async run(): Promise<number> {
    // Loaded on use: the CLI starts faster when a command does not load what others need.
    const { explain } = await import('../judge/explain.js');
    const { knownCatalogs } = await import('../judge/judge.js');
    if (this.format !== 'text' && this.format !== 'json') throw new LinkfixError('EUSAGE', `unknown --format "${this.format}" (want text or json)`);
    if (!splitSymbol(this.symbol)?.importPath) {
      throw new LinkfixError('EUSAGE', `"${this.symbol}" is not a package-qualified symbol (e.g. runtime.fastrand, encoding/json.safeSet)`);
    }
    const { stdout, stderr, env } = this.context;
    const catalogs = await knownCatalogs({ announce: (m) => stderr.write(`${m}\n`) });
    const list = [...catalogs.keys()].sort((a, b) => a - b).map((m) => catalogs.get(m)!());
    const e = explain(this.symbol, list, this.platform);
    if (this.format === 'json') {
      stdout.write(`${JSON.stringify(e, null, 2)}\n`);
      return 0;
    }
    const c = colorsFor(stdout, env);
    const lines = [c.bold(`${e.symbol}`) + c.dim(`  (${this.platform})`), ''];
    lines.push(`  ${'release'.padEnd(11)} ${'kind'.padEnd(5)} ${'a pull from a module'.padEnd(22)} signature / why`);
    for (const r of e.releases) {
      const verdict = r.pull.verdict.padEnd(22);
      const painted = FAILING.has(r.pull.verdict) ? c.red(verdict) : c.green(verdict);
      const sig = r.signature ? (r.signatureChanged ? c.yellow(`${r.signature}  (changed)`) : r.signature) : c.dim('—');
      lines.push(`  ${r.release.padEnd(11)} ${(r.kind ?? '—').padEnd(5)} ${painted} ${sig}`);
      lines.push(`  ${''.padEnd(11)} ${''.padEnd(5)} ${''.padEnd(22)} ${c.dim(r.pull.detail)}`);
    }
    lines.push('');
    lines.push(`  hall of shame: ${e.hallOfShame === null ? c.dim('not documented as legacy use') : e.hallOfShame.length ? e.hallOfShame.join(', ') : 'documented, no modules listed'}`);
    lines.push(`  replacement:   ${e.replacement ? `${e.replacement.use}${e.replacement.since ? ` (Go ${e.replacement.since}+)` : ''}${e.replacement.note ? c.dim(` — ${e.replacement.note}`) : ''}` : c.dim('none known')}`);
    stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
}

import { Command, Option } from 'clipanion';
import { LinkfixError } from '../errors.js';
import { LinkfixCommand } from './command.js';
import { colorsFor } from './context.js';
import { progressReporter } from './progress.js';

export class DepsCommand extends LinkfixCommand {
  static override paths = [['deps']];
  static override usage = Command.Usage({
    description: 'Which dependency modules pull what, which fail on which Go release, and the first newer version of each that no longer fails.',
    details: `
      Reads the build list as the go command sees it (go list -deps of the main packages and their tests, for --platform and --tags), scans the compiled files of every dependency package in place (nothing is written into the module cache) and judges each pull per Go release like scan.

      For a failing module, its newer versions (go list -m -versions, fetched through your GOPROXY) are checked by bisection: the oldest newer version whose same packages have no failing pull is reported, with its go directive. Results are cached per module@version under the XDG cache directory.

      --write runs go get module@fixed for each fixable module and go mod tidy, checks again, and restores go.mod and go.sum if the build or the check got worse.

      Exit status: 0 when no dependency fails, 1 when one fails on a selected release (after --write: when one still fails), 2 when the build list could not be loaded or on a usage error.
    `,
    examples: [
      ['Before moving to Go 1.27', 'linkfix deps --go 1.27'],
      ['A PR description for darwin/arm64', 'linkfix deps --platform darwin/arm64 --format markdown'],
      ['Upgrade the failing modules', 'linkfix deps --write'],
    ],
  });

  dir = Option.String({ name: 'dir', required: false });
  format = Option.String('--format', 'text', { description: 'text, json (docs/deps-json-schema.md) or markdown' });
  go = Option.String('--go', { description: "Go releases to judge: 1.27, >=1.23 (default: from the main module's go directive to the newest known)" });
  platform = Option.String('--platform', 'linux/amd64', { description: 'GOOS/GOARCH of the build' });
  tags = Option.String('--tags,-tags', { description: 'Build tags, as for go build' });
  noTests = Option.Boolean('--no-tests', false, { description: "Leave out what only the main packages' tests import" });
  noSearch = Option.Boolean('--no-search', false, { description: 'Do not look for fixed versions (no fetches)' });
  noCache = Option.Boolean('--no-cache', false, { description: 'Neither read nor write the per-version result cache' });
  write = Option.Boolean('--write', false, { description: 'Upgrade each failing module to its fixed version (go get, go mod tidy), restoring go.mod/go.sum if that makes things worse' });
  quiet = Option.Boolean('--quiet', false, { description: 'No progress bar' });

  async run(): Promise<number> {
    if (!['text', 'json', 'markdown'].includes(this.format)) throw new LinkfixError('EUSAGE', `unknown --format "${this.format}" (want text, json or markdown)`);
    if (this.write && this.noSearch) throw new LinkfixError('EUSAGE', '--write needs the fixed versions: it does not go with --no-search');
    // Loaded on use: the CLI starts faster when a command does not load what others need.
    const { deps, depsExitStatus } = await import('../deps/deps.js');
    const { depsSummary, depsToJson, depsToMarkdown, depsToText } = await import('../deps/report.js');
    const { stdout, stderr, env } = this.context;
    const options = {
      go: this.go,
      platform: this.platform,
      tags: this.tags,
      tests: !this.noTests,
      search: !this.noSearch,
      cache: !this.noCache,
      env,
      announce: (m: string) => void stderr.write(`${m}\n`),
      onProgress: progressReporter(stderr, env, this.quiet, 'modules and versions'),
    };
    let result = await deps(this.dir ?? '.', options);
    if (this.write) {
      const { upgrade } = await import('../deps/write.js');
      const outcome = await upgrade(result, options);
      for (const line of outcome.log) stderr.write(`${line}\n`);
      result = outcome.result;
    }
    if (this.format === 'json') stdout.write(depsToJson(result));
    else if (this.format === 'markdown') stdout.write(depsToMarkdown(result));
    else stdout.write(depsToText(result, colorsFor(stdout, env)));
    for (const e of result.errors) stderr.write(`linkfix: warning: ${e}\n`);
    for (const m of result.modules) if (m.search?.error) stderr.write(`linkfix: warning: ${m.path}: ${m.search.error}\n`);
    stderr.write(`${depsSummary(result)}\n`);
    return depsExitStatus(result);
  }
}

import { Command, Option } from 'clipanion';
import { writeFileSync } from 'node:fs';
import { LinkfixError } from '../errors.js';
import { LinkfixCommand } from './command.js';
import { progressReporter } from './progress.js';

export class SurveyCommand extends LinkfixCommand {
  static override paths = [['survey']];
  static override usage = Command.Usage({
    description: 'Scan many modules (every directory with a go.mod under DIR, one path per line of a list file, or module@version lines fetched through GOPROXY with --modules) into NDJSON, one record per module.',
    details: `
      Resumable: modules already in the output are skipped. --shard K/N takes the K-th of N shards by a stable hash, so N machines can each run one (see the README for Kubernetes Indexed Jobs and GNU parallel).

      --modules FILE: each line is module@version, or module for its latest version; each is fetched with go mod download (your GOPROXY) and scanned in the module cache. A module that cannot be fetched is a record with its error.
    `,
    examples: [
      ['Survey a module cache', 'linkfix survey ~/go/pkg/mod --out survey.ndjson'],
      ['Survey modules from the proxy', 'linkfix survey --modules modules.txt --out survey.ndjson'],
    ],
  });

  input = Option.String({ name: 'dir-or-list', required: false });
  modules = Option.String('--modules', { description: 'A file of module@version (or module) lines, fetched through GOPROXY' });
  out = Option.String('--out', { required: true, description: 'NDJSON output (appended to)' });
  shard = Option.String('--shard', { description: 'K/N: survey only the K-th of N shards' });
  go = Option.String('--go', { description: "Go releases to judge (default: from each module's go directive)" });
  platform = Option.String('--platform', 'linux/amd64', { description: 'GOOS/GOARCH' });
  quiet = Option.Boolean('--quiet', false, { description: 'No progress bar' });

  async run(): Promise<number> {
    // Loaded on use: the CLI starts faster when a command does not load what others need.
    const { parseShard, survey } = await import('../survey/survey.js');
    if ((this.input === undefined) === (this.modules === undefined)) throw new LinkfixError('EUSAGE', 'give a directory or list file, or --modules FILE (one of them)');
    const { stderr, env } = this.context;
    const started = performance.now();
    const r = await survey((this.modules ?? this.input)!, {
      modules: this.modules !== undefined,
      env,
      out: this.out,
      shard: this.shard ? parseShard(this.shard) : undefined,
      go: this.go,
      platform: this.platform,
      onProgress: progressReporter(stderr, env, this.quiet, this.modules !== undefined ? 'downloads and modules' : 'modules'),
    });
    const secs = (performance.now() - started) / 1000;
    stderr.write(`linkfix: surveyed ${r.scanned} modules (${r.skipped} already in ${this.out}) of ${r.total} in ${secs.toFixed(1)} s\n`);
    return 0;
  }
}

export class ReportCommand extends LinkfixCommand {
  static override paths = [['report']];
  static override usage = Command.Usage({
    description: 'Aggregate survey NDJSON files: per std symbol, the modules that pull it and its verdict per Go release; per module, what breaks where.',
    examples: [['An HTML page from four shards', 'linkfix report --format html --out report.html shard-*.ndjson']],
  });

  files = Option.Rest({ name: 'ndjson', required: 1 });
  format = Option.String('--format', 'markdown', { description: 'markdown or html' });
  out = Option.String('--out', { description: 'Output file (default: stdout)' });

  async run(): Promise<number> {
    if (this.format !== 'markdown' && this.format !== 'html') throw new LinkfixError('EUSAGE', `unknown --format "${this.format}" (want markdown or html)`);
    const { readRecords } = await import('../survey/survey.js');
    const { buildReport, reportHtml, reportMarkdown } = await import('../survey/report.js');
    const report = buildReport(readRecords(this.files));
    const text = this.format === 'html' ? reportHtml(report) : reportMarkdown(report);
    if (this.out) writeFileSync(this.out, text);
    else this.context.stdout.write(text);
    return 0;
  }
}

import { once } from 'node:events';
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { Command, Option } from 'clipanion';
import { LinkfixCommand, treePaths } from './command.js';
import { isNumber, applyCascade, isInteger, isAtLeast } from 'typanion';
import { scan } from '../scan/scan.js';
import { judgeScan } from '../judge/judge.js';
import { formatMessage, scanToText, summaryLine } from '../report/text.js';
import { colorsFor } from './context.js';
import { progressReporter } from './progress.js';
import { exitStatus } from './exit.js';
import { LinkfixError } from '../errors.js';

const isPositiveInteger = applyCascade(isNumber(), [isInteger(), isAtLeast(1)]);

export class ScanCommand extends LinkfixCommand {
  static override paths = [['scan']];
  static override usage = Command.Usage({
    description: 'Find every //go:linkname directive and cross-package assembly reference, and classify it.',
    details: `
      Walks the given paths (default: the current directory), honouring .gitignore and skipping vendor/, testdata/ and directories starting with . or _.

      Every pull gets a verdict per Go release (does it link, does it still mean what it says), from the std catalogs shipped with linkfix.

      Exit status: 0 when nothing fails, 1 when a pull fails on a selected Go release (blocked, rejected, missing, detached, abi-mismatch) or a directive is invalid, 2 on a usage or I/O error.
    `,
    examples: [
      ['Scan the current module', 'linkfix scan'],
      ['Scan a tree and print JSON', 'linkfix scan --format json ./...'],
    ],
  });

  targets = Option.Rest({ name: 'paths' });
  format = Option.String('--format', 'text', { description: 'Output format: text, json, sarif (SARIF 2.1.0, with the safe fixes) or github (workflow annotations)' });
  includeVendor = Option.Boolean('--include-vendor', false, { description: 'Also scan vendor/ directories' });
  includeTestdata = Option.Boolean('--include-testdata', false, { description: 'Also scan testdata/ directories' });
  go = Option.String('--go', { description: 'Go releases to judge: 1.23,1.26 or >=1.22 (default: from the module\'s go directive to the newest known)' });
  platform = Option.String('--platform', 'linux/amd64', { description: 'GOOS/GOARCH the verdicts are for' });
  tags = Option.String('--tags,-tags', { description: 'Build tags, as for go build: files that need them are judged as compiled' });
  link = Option.String('--link', { tolerateBoolean: true, description: 'Also link with the real toolchains: one build per package, or --link=each for one per pull' });
  quiet = Option.Boolean('--quiet', false, { description: 'No progress bar' });
  jobs = Option.String('--jobs,-j', { description: 'Threads for parsing (default: one per core, at most 4, on large trees)', validator: isPositiveInteger });

  async run(): Promise<number> {
    if (!['text', 'json', 'sarif', 'github'].includes(this.format)) {
      throw new LinkfixError('EUSAGE', `unknown --format "${this.format}" (want text, json, sarif or github)`);
    }
    if (this.link !== undefined && this.link !== true && this.link !== 'each' && this.link !== 'package') {
      throw new LinkfixError('EUSAGE', `--link takes no value, "package" or "each" (got "${this.link}")`);
    }
    const paths = treePaths(this.targets);
    const { stdout, stderr, env } = this.context;
    const scanned = await scan(paths, {
      includeVendor: this.includeVendor,
      includeTestdata: this.includeTestdata,
      threads: this.jobs,
      onProgress: progressReporter(stderr, env, this.quiet, 'files'),
    });
    let result = await judgeScan(scanned, { go: this.go, platform: this.platform, tags: this.tags, announce: (m) => stderr.write(`${m}\n`) });
    if (this.link !== undefined) {
      const { linkCheck } = await import('../linkcheck/linkcheck.js');
      const outcomes = await linkCheck(result, { releases: result.judged?.releases ?? [], mode: this.link === 'each' ? 'each' : 'package', readValues: true, platform: this.platform, tags: this.tags });
      result = { ...result, findings: result.findings.map((f) => (outcomes.has(f) ? { ...f, link: outcomes.get(f) } : f)) };
    }
    if (this.format === 'json') {
      const { scanJsonChunks } = await import('../report/json.js');
      const file = regularFileOf(stdout);
      // Into a file, straight from the string (the stream would first copy each chunk into a Buffer).
      if (file !== null) for (const chunk of scanJsonChunks(result)) writeSync(file, chunk);
      // A pipe takes the report as fast as its reader does: wait for it rather than queue the whole report.
      else for (const chunk of scanJsonChunks(result)) if (!stdout.write(chunk)) await once(stdout, 'drain');
    } else if (this.format === 'sarif') {
      const [{ toSarif }, { plan }, { applyPlan }] = await Promise.all([import('../report/sarif.js'), import('../fix/plan.js'), import('../fix/apply.js')]);
      const fixPlan = plan(result);
      stdout.write(`${JSON.stringify(toSarif(result, { plan: fixPlan, applied: applyPlan(fixPlan) }), null, 2)}\n`);
    } else if (this.format === 'github') stdout.write((await import('../report/sarif.js')).toGithub(result));
    else stdout.write(scanToText(result, colorsFor(stdout, env)));
    const errColors = colorsFor(stderr, env);
    for (const m of result.messages) stderr.write(`${formatMessage(m, errColors)}\n`);
    stderr.write(`${summaryLine(result)}\n`);
    return exitStatus(result);
  }
}

/** The descriptor of process.stdout when it is redirected to a regular file (Node writes to that synchronously), else null. */
function regularFileOf(stream: Writable): number | null {
  if (stream !== process.stdout || stream.writableLength > 0) return null;
  const fd = process.stdout.fd;
  try {
    return fstatSync(fd).isFile() ? fd : null;
  } catch {
    return null;
  }
}

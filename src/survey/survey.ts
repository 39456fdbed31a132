// linkfix survey: scan many modules (an ecosystem, a monorepo, a module
// cache), one NDJSON record per module. Resumable, and shardable by a stable
// hash so that N machines can each take one shard.

import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { skipDir } from '../discover/walk.js';
import { download } from '../deps/golist.js';
import { describeFsError, LinkfixError } from '../errors.js';
import { judgeScan, type JudgeOptions } from '../judge/judge.js';
import { parseGoMod } from '../model/gomod.js';
import type { FindingKind, TargetKind, VerdictKind } from '../model/types.js';
import { scan } from '../scan/scan.js';

export interface SurveyPull {
  file: string;
  line: number;
  kind: FindingKind;
  target: string;
  targetKind: TargetKind;
  /** Verdict per Go release (`1.26` → `rejected`). */
  verdicts: Record<string, VerdictKind>;
}

export interface SurveyRecord {
  /** The module's directory as given (a key: resuming skips the ones already in the output); with --modules, where it was fetched. */
  dir: string;
  /** With --modules: the line that asked for it (`module@version` or `module`), the key instead of dir. */
  request?: string;
  module: string | null;
  version: string | null;
  pulls: SurveyPull[];
  errors: string[];
}

export interface Shard {
  index: number;
  count: number;
}

/** `K/N` (1-based K) → a shard. */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new LinkfixError('EUSAGE', `--shard wants K/N with 1 <= K <= N (got "${spec}")`);
  return { index: Number(m[1]) - 1, count: Number(m[2]) };
}

/** A stable shard for a module: the same on every machine and every run. */
export function shardOf(key: string, count: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % count;
}

/**
 * The modules of a survey: the directories holding a go.mod under `input`, or
 * the lines of a list file; and the directory their shard keys are relative to.
 */
export function listModules(input: string): { base: string; modules: string[] } {
  const abs = resolve(input);
  if (!existsSync(abs)) throw new LinkfixError('EIO', 'no such file or directory', { file: input });
  if (statSync(abs).isFile()) {
    const modules = readFileSync(abs, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => resolve(dirname(abs), l));
    return { base: dirname(abs), modules };
  }
  const modules: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    if (entries.some((e) => e.isFile() && e.name === 'go.mod')) modules.push(dir);
    for (const e of entries) if (e.isDirectory() && !skipDir(e.name)) walk(join(dir, e.name));
  };
  walk(abs);
  return { base: abs, modules };
}

/** The module path in `dir/go.mod`, or null when it cannot be read or parsed. */
function modulePathOf(dir: string): string | null {
  try {
    return parseGoMod(readFileSync(join(dir, 'go.mod'), 'utf8')).module;
  } catch {
    return null;
  }
}

/** `…/mod@v1.2.3` (a module cache layout) → v1.2.3. */
function versionOf(dir: string): string | null {
  return /@(v[^/]+)$/.exec(basename(dir))?.[1] ?? null;
}

export interface SurveyOptions extends JudgeOptions {
  /** NDJSON output; records are appended, and modules already in it are skipped. */
  out: string;
  shard?: Shard;
  /** `input` is a file of `module@version` (or `module`, for its latest) lines, fetched through GOPROXY. */
  modules?: boolean;
  /** Environment of the go command that fetches (GOPROXY, GOMODCACHE, …); default process.env. */
  env?: Record<string, string | undefined>;
  /** Told how many steps are done: one per module, and with `modules` one more per download. */
  onProgress?: (done: number, total: number) => void;
}

/** One module to survey: its keys (resuming, sharding) and how to get its record (`fetched` is told when a download is done). */
interface SurveyJob {
  key: string;
  shardKey: string;
  record: (fetched: () => void) => Promise<SurveyRecord>;
}

export async function survey(input: string, options: SurveyOptions): Promise<{ scanned: number; skipped: number; total: number }> {
  const jobs = options.modules ? fetchJobs(input, options) : dirJobs(input, options);
  const mine = options.shard ? jobs.filter((j) => shardOf(j.shardKey, options.shard!.count) === options.shard!.index) : jobs;
  const done = new Set(existsSync(options.out) ? readRecords([options.out]).map((r) => r.request ?? r.dir) : []);
  // Steps: one per module, and one per download with --modules.
  const total = mine.length * (options.modules ? 2 : 1);
  let steps = 0;
  const step = (n = 1): void => options.onProgress?.((steps += n), total);
  let scanned = 0;
  for (const job of mine) {
    if (done.has(job.key)) {
      step(options.modules ? 2 : 1);
      continue;
    }
    appendFileSync(options.out, `${JSON.stringify(await job.record(() => step()))}\n`);
    scanned++;
    step();
  }
  return { scanned, skipped: mine.length - scanned, total: mine.length };
}

/** The modules under a directory (or listed in a file); the shard key is the path relative to the input, with '/' on every machine. */
function dirJobs(input: string, options: SurveyOptions): SurveyJob[] {
  const { base, modules } = listModules(input);
  return modules.map((dir) => ({ key: dir, shardKey: relative(base, dir).split(sep).join('/'), record: () => surveyModule(dir, options) }));
}

/** `module@version` lines: each fetched into the module cache, then scanned there; a fetch that fails is the record's error. */
function fetchJobs(input: string, options: SurveyOptions): SurveyJob[] {
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (e) {
    throw new LinkfixError('EIO', describeFsError(e, 'cannot read the module list'), { file: input });
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return lines.map((request) => ({
    key: request,
    shardKey: request,
    record: async (fetched) => {
      const [path, version = 'latest'] = request.split('@') as [string, string?];
      let dir: string;
      try {
        ({ dir } = await download(path, version, { platform: options.platform ?? 'linux/amd64', env: options.env }));
      } catch (e) {
        fetched();
        return { dir: '', request, module: path, version: version === 'latest' ? null : version, pulls: [], errors: [(e as Error).message] };
      }
      fetched();
      return { ...(await surveyModule(dir, options)), request };
    },
  }));
}

async function surveyModule(dir: string, options: JudgeOptions): Promise<SurveyRecord> {
  const module = modulePathOf(dir);
  try {
    const result = await judgeScan(await scan([dir], { base: dir }), { ...options, useLocalGo: false });
    // A nested module is a record of its own: its pulls do not belong to this one.
    const nested = result.modules.map((m) => `${m.dir}/`).filter((d) => d !== './' && !d.startsWith('../'));
    return {
      dir,
      module,
      version: versionOf(dir),
      pulls: result.findings
        .filter((f) => f.verdicts && !nested.some((d) => f.file.startsWith(d)))
        .map((f) => ({
          file: f.file,
          line: f.span.start.line,
          kind: f.kind,
          target: f.target.raw,
          targetKind: f.target.kind,
          verdicts: Object.fromEntries(f.verdicts!.map((v) => [v.go, v.verdict])),
        })),
      errors: result.messages.filter((m) => m.severity === 'error').map((m) => `${m.file}: ${m.message}`),
    };
  } catch (e) {
    // A bad --go or --platform is the run's error, not this module's: recorded, it would make a re-run skip every module.
    if (e instanceof LinkfixError && e.code === 'EUSAGE') throw e;
    return { dir, module, version: versionOf(dir), pulls: [], errors: [(e as Error).message] };
  }
}

export function readRecords(files: string[]): SurveyRecord[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        try {
          return JSON.parse(l) as SurveyRecord;
        } catch {
          throw new LinkfixError('EPARSE', 'not a survey record (NDJSON)', { file, line: i + 1 });
        }
      }),
  );
}

// npm run bench (part 2): scale. GOROOT/src copied 10 times (about 83k .go/.s
// files), linkfix against grep, a bare Node walk-and-read and ast-grep on it,
// 1 vs 2 threads, peak RSS (report to a sink and into a pipe); then survey
// throughput over 200 generated modules. Ratios only, measured in this run.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COPIES = Number(process.env.BENCH_COPIES ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const src = join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'src');
const work = mkdtempSync(join(tmpdir(), 'linkfix-bench-'));

function time(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ms: performance.now() - t, r };
}
/** linkfix in a fresh process; with `pipe`, its report goes through a pipe that this process reads. */
function linkfix(args, { pipe = false } = {}) {
  const t = performance.now();
  const env = { ...process.env, BENCH_PIPE: pipe ? '1' : '0' };
  const r = spawnSync(process.execPath, [join(ROOT, 'bench/run-cli.mjs'), ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr);
  return { ms: performance.now() - t, ...JSON.parse(r.stderr.trim().split('\n').pop()) };
}

try {
  const tree = join(work, 'tree');
  for (let i = 0; i < COPIES; i++) cpSync(src, join(tree, `copy${i}`), { recursive: true });
  const files = Number(execFileSync('sh', ['-c', `find ${tree} -name '*.go' -o -name '*.s' | wc -l`], { encoding: 'utf8' }));
  const grepArgs = ['-rlF', 'go:linkname', '--include=*.go', '--include=*.s', tree];
  time('grep', grepArgs); // warm the page cache
  const scanArgs = (jobs) => ['scan', '--format', 'json', '--go', '1.26', '--jobs', jobs, tree];
  const floorRun = () => {
    const t = performance.now();
    spawnSync(process.execPath, [join(ROOT, 'bench/read-floor.mjs'), tree]);
    return { ms: performance.now() - t };
  };
  // Alternate the tools so that each sees the same machine state; report medians.
  const runs = { grep: [], one: [], two: [], floor: [] };
  for (let i = 0; i < RUNS; i++) {
    runs.grep.push(time('grep', grepArgs));
    runs.one.push(linkfix(scanArgs('1')));
    runs.two.push(linkfix(scanArgs('2')));
    runs.floor.push(floorRun());
  }
  const median = (list) => [...list].sort((a, b) => a.ms - b.ms)[Math.floor(list.length / 2)];
  const [grep, one, two] = [median(runs.grep), median(runs.one), median(runs.two)];
  const floorMs = median(runs.floor).ms;
  const onePiped = linkfix(scanArgs('1'), { pipe: true });
  const twoPiped = linkfix(scanArgs('2'), { pipe: true });
  const rule = join(work, 'rule.yml');
  writeFileSync(rule, 'id: linkname\nlanguage: go\nrule:\n  kind: comment\n  regex: ^//go:linkname\n');
  const sg = time(join(ROOT, 'node_modules/.bin/ast-grep'), ['scan', '--rule', rule, '--json=stream', tree]);
  const sgMatches = sg.r.stdout.split('\n').filter(Boolean).length;
  console.log(`${COPIES}× GOROOT/src: ${files} .go/.s files, median of ${RUNS} runs`);
  console.log(`grep -rlF go:linkname        ${grep.ms.toFixed(0).padStart(7)} ms`);
  console.log(`linkfix scan --jobs 1        ${one.ms.toFixed(0).padStart(7)} ms   ${(one.ms / grep.ms).toFixed(2)}x grep   ${(files / (one.ms / 1000)).toFixed(0)} files/s   peak RSS ${(one.rss / 1024).toFixed(0)} MB`);
  console.log(`linkfix scan --jobs 2        ${two.ms.toFixed(0).padStart(7)} ms   ${(two.ms / grep.ms).toFixed(2)}x grep   peak RSS ${(two.rss / 1024).toFixed(0)} MB`);
  console.log(`  (peak RSS over all runs: --jobs 1 ${(Math.max(...runs.one.map((r) => r.rss)) / 1024).toFixed(0)} MB, --jobs 2 ${(Math.max(...runs.two.map((r) => r.rss)) / 1024).toFixed(0)} MB)`);
  console.log(`  report into a pipe         --jobs 1 peak RSS ${(onePiped.rss / 1024).toFixed(0)} MB, --jobs 2 peak RSS ${(twoPiped.rss / 1024).toFixed(0)} MB`);
  console.log(`Node floor: walk + read      ${floorMs.toFixed(0).padStart(7)} ms   ${(floorMs / grep.ms).toFixed(2)}x grep (bench/read-floor.mjs: no parsing, no output)`);
  console.log(`ast-grep (comment rule)      ${sg.ms.toFixed(0).padStart(7)} ms   linkfix is ${(sg.ms / Math.min(one.ms, two.ms)).toFixed(1)}x faster (ast-grep: ${sgMatches} matches, testdata included)`);
  console.log(`summary (--jobs 1): ${one.summary}`);
  rmSync(tree, { recursive: true, force: true });

  const mods = join(work, 'modules');
  const targets = [['toUpper', 'strings.ToUpper', 'func toUpper(s string) string'], ['fastrand', 'runtime.fastrand', 'func fastrand() uint32'], ['ncpu', 'runtime.ncpu', 'var ncpu int32']];
  for (let i = 0; i < 200; i++) {
    const dir = join(mods, `m${i}`);
    mkdirSync(dir, { recursive: true });
    const [local, target, decl] = targets[i % 3];
    writeFileSync(join(dir, 'go.mod'), `module example.com/m${i}\n\ngo 1.22\n`);
    writeFileSync(join(dir, 'p.go'), `package p\n\nimport _ "unsafe"\n\n//go:linkname ${local} ${target}\n${decl}\n`);
  }
  const survey = time(process.execPath, [join(ROOT, 'bin/linkfix.js'), 'survey', mods, '--out', join(work, 'survey.ndjson'), '--quiet']);
  console.log(`survey of 200 generated modules  ${survey.ms.toFixed(0)} ms   ${(200 / (survey.ms / 1000)).toFixed(1)} modules/s`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

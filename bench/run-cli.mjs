// Runs the CLI in this process and prints {ms, rss, summary} as JSON (on
// stderr): the bench scripts spawn it once per run. The report goes to a sink,
// or with BENCH_PIPE=1 to the real stdout, a pipe that the bench reads.
import { Writable } from 'node:stream';
import { run } from '../dist/cli/main.js';

const stdout = process.env.BENCH_PIPE === '1' ? process.stdout : new Writable({ write: (_c, _e, cb) => cb() });
let summary = '';
const stderr = new Writable({ write: (c, _e, cb) => ((summary += c), cb()) });
const t = performance.now();
const status = await run(process.argv.slice(2), { stdout, stderr, env: {} });
const ms = performance.now() - t;
if (status === 2) throw new Error(summary);
console.error(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS, summary: summary.trim().split('\n').pop() }));

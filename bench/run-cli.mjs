// Runs the CLI in this process and prints {ms, rss, summary} as JSON: bench/scan-goroot.mjs spawns it once per run.
import { Writable } from 'node:stream';
import { run } from '../dist/cli/main.js';

const sink = new Writable({ write: (_c, _e, cb) => cb() });
let summary = '';
const stderr = new Writable({ write: (c, _e, cb) => ((summary += c), cb()) });
const t = performance.now();
const status = await run(process.argv.slice(2), { stdout: sink, stderr, env: {} });
const ms = performance.now() - t;
if (status === 2) throw new Error(summary);
console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS, summary: summary.trim().split('\n').pop() }));

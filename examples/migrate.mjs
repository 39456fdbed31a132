// A migration script: report what breaks on the Go you are moving to, and
// print the safe fixes as a diff (pass --write to apply them).
//
//   npm ci && node examples/migrate.mjs fixtures/fix/rewrite 1.26
import { apply, plan, scan } from '../dist/index.js';

const [dir = '.', go = '1.26', flag] = process.argv.slice(2);
const result = await scan([dir], { go });
for (const f of result.findings) {
  const failing = (f.verdicts ?? []).filter((v) => ['blocked', 'rejected', 'missing', 'detached', 'abi-mismatch'].includes(v.verdict));
  if (failing.length) console.error(`${f.file}:${f.span.start.line}: ${f.target.raw}: ${failing.map((v) => `${v.go} ${v.verdict}`).join(', ')}`);
}
const fixes = plan(result);
const run = await apply(fixes, { write: flag === '--write' });
process.stdout.write(run.diff);
console.error(`${run.applied.length} fixes ${flag === '--write' ? `written to ${run.written.length} files` : 'in the diff'}; ${run.skipped.length} left for --unsafe-fixes or a re-run`);

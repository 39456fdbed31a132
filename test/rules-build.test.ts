// Every rewrite in the rule table, applied by the engine to a pull with the
// rule's own signature, must give Go that gofmt, go vet and go build accept:
// the table is a set of claims about compiling code, checked with the Go on
// this machine.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixSource } from '../src/fix/fix-source.js';
import { ANY_POINTER, REPLACEMENTS } from '../src/rules/replacements.js';
import { tempDir } from './helpers.js';

const rules = Object.entries(REPLACEMENTS).flatMap(([symbol, r]) => (r.rewrite ? [[symbol, r.rewrite] as const] : []));
/** A pointer parameter of any type is declared as a pointer to a local struct, the form public code uses. */
const declared = (params: readonly string[]): string[] => params.map((t) => (t === ANY_POINTER ? '*struct{ _ byte }' : t));
const initialisers = Object.entries(REPLACEMENTS).flatMap(([symbol, r]) => (r.initialise ? [[symbol, r.initialise] as const] : []));

/** A file that pulls `symbol` into `pulled`, declared with the rule's signature, and uses it. */
function pullOf(symbol: string, params: readonly string[], results: readonly string[]): string {
  const types = [...params, ...results].join(' ');
  const imports = [types.includes('reflect.') ? '"reflect"' : null, types.includes('unsafe.') ? '"unsafe"' : '_ "unsafe"'].filter(Boolean);
  const result = results.length > 1 ? ` (${results.join(', ')})` : results.length === 1 ? ` ${results[0]}` : '';
  return [
    'package p',
    '',
    `import (\n${imports.map((i) => `\t${i}`).join('\n')}\n)`,
    '',
    `//go:linkname pulled ${symbol}`,
    `func pulled(${params.map((t, i) => `a${i} ${t}`).join(', ')})${result}`,
    '',
    'var _ = pulled',
    '',
  ].join('\n');
}

/** A file that pulls the var `symbol` into `pulled`, declared with the rule's type, and reads it. */
const varPullOf = (symbol: string, type: string): string => `package p\n\nimport _ "unsafe"\n\n//go:linkname pulled ${symbol}\nvar pulled ${type}\n\nfunc Read() ${type} { return pulled }\n`;

test(`the ${rules.length + initialisers.length} rewrites of the rule table build and vet cleanly`, { timeout: 300_000 }, () => {
  expect(rules.length).toBeGreaterThan(10);
  const mod = tempDir('linkfix-rules-');
  writeFileSync(join(mod, 'go.mod'), 'module example.com/rules\n\ngo 1.26\n');
  const unapplied: string[] = [];
  rules.forEach(([symbol, rewrite], i) => {
    const dir = join(mod, `r${i}`);
    mkdirSync(dir);
    const result = fixSource(pullOf(symbol, declared(rewrite.params), rewrite.results), { filename: 'p.go', goVersion: '1.26', unsafeFixes: true });
    if (result.applied.length === 0 || result.output.includes('//go:linkname')) unapplied.push(symbol);
    writeFileSync(join(dir, 'p.go'), result.output);
    for (const f of result.files) writeFileSync(join(dir, f.file), f.content);
  });
  initialisers.forEach(([symbol, init], i) => {
    const dir = join(mod, `v${i}`);
    mkdirSync(dir);
    const result = fixSource(varPullOf(symbol, init.type), { filename: 'p.go', goVersion: '1.26', unsafeFixes: true });
    if (result.applied.length === 0 || result.output.includes('//go:linkname')) unapplied.push(symbol);
    writeFileSync(join(dir, 'p.go'), result.output);
  });
  expect(unapplied).toEqual([]);
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '' };
  expect(execFileSync('gofmt', ['-l', '.'], { cwd: mod, encoding: 'utf8' })).toBe('');
  // Throws with go's output when a rewrite does not compile or vet.
  execFileSync('go', ['vet', './...'], { cwd: mod, env, encoding: 'utf8', stdio: 'pipe' });
  execFileSync('go', ['build', './...'], { cwd: mod, env, encoding: 'utf8', stdio: 'pipe' });
});

// Fuzzes scan and fix (issue 11, "Fuzz"): mutates the fixtures and real Go and
// assembly files that use linknames (deletes, duplicates, swaps and moves lines,
// cuts files, flips bytes, inserts compiler directives and (SB) references), then
// holds the engine to two properties:
//   - no crash: scan, plan, apply and fixSource either work or throw a
//     LinkfixError (the CLI's exit 2 with a message); anything else is a crash,
//     and so is a CLI run that exits other than 0, 1, 2 or prints "internal error";
//   - no parse regression: a rewritten file never has more tree-sitter syntax
//     errors than before, and a file gofmt accepted is still accepted.
// Input i depends only on the seed, i and the pool, so every failure replays alone
// (--only i) and shrinks into a fixture (--reduce i --to fixtures/fuzz/<name>).
//
//   node scripts/fuzz.mjs [--count N] [--seed S] [--pool full|fixtures] [--cli-every N] [--vendor-rate P] [--json]
//   node scripts/fuzz.mjs --seed S --only I [--dump DIR]
//   node scripts/fuzz.mjs --seed S --reduce I --to fixtures/fuzz/NAME
//   node scripts/fuzz.mjs --replay fixtures/fuzz/NAME
// Exit status: 0 no failure, 1 a crash or parse regression, 2 bad usage.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'linkfix.js');
const lib = await import(join(ROOT, 'dist', 'index.js'));
// What apply itself measures before it accepts an edit.
const { syntaxErrorCount } = await import(join(ROOT, 'dist', 'parse', 'gofile.js'));
const { REPLACEMENTS } = await import(join(ROOT, 'dist', 'rules', 'replacements.js'));

const DEFAULT_SEED = 20261202;
// A tree-sitter tree's native memory is freed by a finalizer that runs only
// when the event loop turns, which a loop of synchronous parses never lets it
// do: without a collection and a turn now and then, ten thousand inputs take
// gigabytes.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');
const GOROOT = goEnv('GOROOT');
/** Real modules with linknames and assembly, read from the module cache when downloaded (never downloaded here). */
const MODULES = [
  'golang.org/x/sys@v0.50.0',
  'github.com/ebitengine/purego@v0.11.3',
  'github.com/cilium/ebpf@v0.22.0',
  'github.com/cockroachdb/pebble@v1.1.5',
  'github.com/bytedance/mockey@v1.4.6',
  'github.com/timandy/routine@v1.1.6',
  'github.com/grafana/pyroscope-go/godeltaprof@v0.1.12',
  'github.com/dolthub/swiss@v0.2.1',
  'github.com/agiledragon/gomonkey/v2@v2.13.0',
  'github.com/cloudwego/base64x@v0.1.7',
  'github.com/klauspost/cpuid/v2@v2.4.2',
];

// ---------------------------------------------------------------- randomness

/** sfc32 over a 128-bit state hashed from the seed and the input's index. */
function rngFor(seed, index) {
  const h = createHash('sha256').update(`${seed}/${index}`).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  const next = () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)], chance: (p) => next() < p };
}

// ---------------------------------------------------------------- the pool

/**
 * Units of input: one directory's Go and assembly files (latin1 strings, so that
 * every byte survives) with the go.mod of their module; and, for the fixtures,
 * whole modules and workspaces (go.mod and go.work files included), for what
 * crosses packages. Sorted, so a seed means the same inputs wherever the same
 * files are present.
 */
function buildPool(kind) {
  const units = [];
  const fixtures = join(ROOT, 'fixtures');
  const notFuzz = (d) => d !== join(fixtures, 'fuzz');
  addTree(units, 'fixtures', fixtures, () => true, (dir) => nearestGoMod(dir, fixtures), notFuzz);
  addModules(units, fixtures, notFuzz);
  if (kind === 'full') {
    const modcache = goEnv('GOMODCACHE');
    for (const m of MODULES) {
      const [path, version] = m.split('@');
      const dir = join(modcache, escapeModulePath(path) + '@' + version);
      if (!existsSync(dir)) continue;
      const gomod = existsSync(join(dir, 'go.mod')) ? readFileSync(join(dir, 'go.mod'), 'latin1') : `module ${path}\n`;
      addTree(units, m, dir, usesLinknames, () => gomod, () => true);
    }
    const stdGoMod = readFileSync(join(GOROOT, 'src', 'go.mod'), 'latin1');
    addTree(units, 'GOROOT', join(GOROOT, 'src'), usesLinknames, () => stdGoMod, () => true);
  }
  units.sort((x, y) => (x.origin < y.origin ? -1 : x.origin > y.origin ? 1 : 0));
  const fingerprint = createHash('sha256');
  for (const u of units) for (const f of u.files) fingerprint.update(u.origin).update(f.name).update(f.text);
  return { units, fingerprint: fingerprint.digest('hex').slice(0, 12), files: units.reduce((n, u) => n + u.files.length, 0) };
}

/** Every fixture module or workspace as one unit: its files by path, go.mod and go.work among them. */
function addModules(units, top, descend) {
  const walk = (dir) => {
    const names = readdirSync(dir).sort();
    if (dir !== top && (names.includes('go.mod') || names.includes('go.work'))) {
      const files = readdirSync(dir, { recursive: true })
        .filter((p) => /(\.go|\.s|^go\.mod|\/go\.mod|go\.work)$/.test(p))
        .sort()
        .map((p) => ({ name: p, text: readFileSync(join(dir, p), 'latin1') }));
      units.push({ origin: `fixtures/${relative(top, dir)} (module)`, rel: '', files, gomod: null });
    }
    for (const name of names) if (statSync(join(dir, name)).isDirectory() && descend(join(dir, name))) walk(join(dir, name));
  };
  walk(top);
}

const usesLinknames = (name, text) => (name.endsWith('.s') ? text.includes('(SB)') : text.includes('go:linkname'));

function addTree(units, label, top, keep, gomodFor, descend) {
  const walk = (dir) => {
    const files = [];
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        if (descend(path)) walk(path);
      } else if (/\.(go|s)$/.test(name) && st.size < 400_000) {
        const text = readFileSync(path, 'latin1');
        if (keep(name, text)) files.push({ name, text });
      }
    }
    if (files.length > 0) units.push({ origin: `${label}/${relative(top, dir)}`.replace(/\/$/, ''), rel: relative(top, dir), files, gomod: gomodFor(dir) });
  };
  walk(top);
}

function nearestGoMod(dir, top) {
  for (let d = dir; d.startsWith(top); d = dirname(d)) if (existsSync(join(d, 'go.mod'))) return readFileSync(join(d, 'go.mod'), 'latin1');
  return 'module example.com/fuzz\n\ngo 1.22\n';
}

/** The module cache spells upper-case letters as !lower. */
const escapeModulePath = (p) => p.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());

function goEnv(name) {
  const r = spawnSync('go', ['env', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`go env ${name}: ${r.stderr}`);
  return r.stdout.trim();
}

// ---------------------------------------------------------------- mutations

const RULE_SYMBOLS = Object.keys(REPLACEMENTS);
const ODD_SYMBOLS = ['runtime.', '.x', 'a..b', 'runtime.(*rtype).Name', 'reflect.(*rtype).String', 'x/y.z', 'π.π', 'runtime·nanotime', '"runtime.nanotime"', 'main.main', 'C.free', 'environ', 'go:fipsinfo', 'runtime.morestack_noctxt<>'];
const PRAGMAS = ['//go:noescape', '//go:nosplit', '//go:noinline', '//go:norace', '//go:nocheckptr', '//go:uintptrescapes', '//go:nowritebarrier', '//go:nowritebarrierrec', '//go:systemstack', '//go:registerparams', '//go:generate echo hi', '//go:embed x.txt', '//go:wasmimport env f', '//go:cgo_import_dynamic libc_x x "libc.so"', '//go:notinheap', '//line fuzz.go:10', '/*line fuzz.go:1:1*/', '// Code generated by fuzz. DO NOT EDIT.', '//go:debug panicnil=1', '//go:fix inline'];
const BUILD_EXPRS = ['linux', '!linux', 'windows', 'darwin && arm64', 'gc', 'gccgo', '!go1.23', 'go1.23', 'linux && (amd64 || arm64)', 'ignore', '(', 'amd64 ||'];
const ASM_LINES = [
  '\tCALL runtime·nanotime(SB)', '\tCALL runtime·fastrand(SB)', '\tJMP runtime·memhash(SB)', '\tMOVQ runtime·writeBarrier(SB), AX', '\tMOVL runtime·ncpu(SB), AX',
  '\tCALL runtime·morestack_noctxt<>(SB)', '\tCALL runtime·stopTheWorld<>(SB)', '\tCALL ·{local}(SB)', '\tJMP ·{local}<>(SB)', '\tMOVQ $·{local}(SB), AX',
  'TEXT ·{local}(SB),NOSPLIT,$0-8', 'TEXT ·{local}<>(SB),NOSPLIT|NOFRAME,$0', 'TEXT runtime·{local}(SB),NOSPLIT,$0', 'TEXT {local}(SB),0,$0',
  'DATA ·{local}<>+0(SB)/8, $0', 'GLOBL ·{local}<>(SB), RODATA, $8', 'GLOBL ·{local}(SB), NOPTR, $8', '\tCALL golang.org∕x∕sys∕unix·Syscall(SB)',
  '\tCALL internal∕runtime∕syscall·Syscall6(SB)', '#define CALLX CALL runtime·{local}(SB)', '#define M \\\n\tCALL runtime·gcount(SB)', '#include "textflag.h"',
  '\tCALL (SB)', '\tCALL ·(SB)', '\tCALL runtime·(SB)', '\tCALL <>(SB)', '\tBL runtime·{local}(SB)', '\tCALL runtime·{local}(SB) // (SB)', '/* CALL runtime·nanotime(SB) */', '// CALL runtime·gcount(SB)',
];
const MOD_LINES = ['go 1.12', 'go 1.30', 'go 1.22.0', 'go', 'toolchain go1.27.4', 'toolchain', 'module', 'module "example.com/q"', 'module example.com/scan/v2', 'require example.com/dep v1.0.0', 'replace example.com/dep => ./dep', 'use ./a', 'use ./missing', 'use (', ')', 'godebug panicnil=1', 'exclude x v1', 'retract v1.0.0', '// Deprecated: no'];
const BYTES = [0x0a, 0x0d, 0x00, 0x7b, 0x7d, 0x28, 0x29, 0x22, 0x60, 0x2f, 0x2a, 0x20, 0x09, 0xff, 0xc3, 0xb7, 0xef, 0x3b, 0x2e, 0x5c];

function splitLines(text) {
  const lines = text.split('\n');
  return lines;
}

/** Names declared in a file, for directives that name something real. */
function namesIn(text) {
  const names = [...text.matchAll(/^(?:func(?: \([^)]*\))?|var|const|type)\s+([A-Za-z_]\w*)/gm)].map((m) => m[1]);
  return names.length > 0 ? names : ['x'];
}

function symbol(r, catalogSymbols, text) {
  switch (r.int(4)) {
    case 0:
      return r.pick(RULE_SYMBOLS);
    case 1:
      return r.pick(catalogSymbols).name;
    case 2: {
      const m = /^package\s+(\w+)/m.exec(text);
      return `${m ? m[1] : 'main'}.${r.pick(namesIn(text))}`;
    }
    default:
      return r.pick(ODD_SYMBOLS);
  }
}

function pragma(r, ctx, text) {
  const local = r.chance(0.7) ? r.pick(namesIn(text)) : `fz${r.int(100)}`;
  switch (r.int(8)) {
    case 0:
    case 1:
      return `//go:linkname ${local} ${symbol(r, ctx.catalogSymbols, text)}`;
    case 2:
      return r.pick([`//go:linkname ${local}`, '//go:linkname', `//go:linkname ${local} ${symbol(r, ctx.catalogSymbols, text)} extra`, `//go:linknamestd ${local} ${symbol(r, ctx.catalogSymbols, text)}`, `//export ${local}`, `// go:linkname ${local} runtime.nanotime`]);
    case 3:
      return r.chance(0.5) ? `//go:build ${r.pick(BUILD_EXPRS)}` : `// +build ${r.pick(BUILD_EXPRS)}`;
    default:
      return r.pick(PRAGMAS);
  }
}

/**
 * A pull with the signature of a rule's template or of a real std symbol, so that
 * fixes have work to do, in one of the shapes Go allows around a declaration.
 */
function pull(r, ctx) {
  const local = `fz${r.int(1000)}`;
  let directive;
  let decl;
  if (r.chance(0.6)) {
    const sym = r.pick(RULE_SYMBOLS);
    const rw = REPLACEMENTS[sym].rewrite;
    const types = rw?.params ?? ['uintptr'];
    const params = r.pick([
      () => types.map((t, i) => `p${i} ${t}`).join(', '),
      () => types.join(', '),
      () => types.map((t, i) => (i + 1 < types.length && types[i + 1] === t ? `p${i}` : `p${i} ${t}`)).join(', '),
      () => types.map((t, i) => `\n\tp${i} ${t},`).join('') + '\n',
    ])();
    const results = rw?.results ?? [];
    const res = results.length === 0 ? '' : results.length === 1 ? r.pick([` ${results[0]}`, ` (r ${results[0]})`]) : ` (${results.join(', ')})`;
    directive = `//go:linkname ${local} ${sym}`;
    decl = `func ${local}${r.chance(0.1) ? '[T any]' : ''}(${params})${res}`;
  } else {
    const { name, entry } = r.pick(ctx.catalogSymbols);
    directive = `//go:linkname ${local} ${name}`;
    decl = (entry.s ?? 'var x uintptr').replace(/^(func|var)\s+(\([^)]*\)\s*)?[^\s([]+/, (_, kw) => `${kw} ${local}`);
  }
  const trailer = r.pick(['', '', '', ' // why', ' /* why */', '; var _ = 0', ';']);
  if (decl.startsWith('var ') && r.chance(0.4)) return ['var (', `\t${directive}`, `\t${decl.slice(4)}${trailer}`, ')'];
  return r.chance(0.1) ? [`${directive}\n${decl}${trailer}`.replace(/\n$/, '')] : [directive, decl + trailer];
}

/** One mutation of a file (a latin1 string), described for the report. */
function mutate(r, ctx, file, unitFiles) {
  const text = file.text;
  const lines = splitLines(text);
  const at = r.int(lines.length + 1);
  const isAsm = file.name.endsWith('.s');
  if (/go\.(mod|work)$/.test(file.name) && r.chance(0.5)) {
    const line = r.pick(MOD_LINES);
    lines.splice(at, 0, line);
    return [`insert ${JSON.stringify(line)} at ${at + 1}`, lines.join('\n')];
  }
  const op = r.int(isAsm ? 13 : 14);
  switch (op) {
    case 0: {
      const n = 1 + r.int(3);
      lines.splice(at, n);
      return [`delete ${n} line(s) at ${at + 1}`, lines.join('\n')];
    }
    case 1: {
      const line = lines[Math.min(at, lines.length - 1)];
      lines.splice(at, 0, line);
      return [`duplicate line ${at + 1}`, lines.join('\n')];
    }
    case 2: {
      const b = r.int(lines.length);
      const a = Math.min(at, lines.length - 1);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return [`swap lines ${a + 1} and ${b + 1}`, lines.join('\n')];
    }
    case 3: {
      const [line] = lines.splice(Math.min(at, lines.length - 1), 1);
      const to = r.int(lines.length + 1);
      lines.splice(to, 0, line);
      return [`move line ${at + 1} to ${to + 1}`, lines.join('\n')];
    }
    case 4: {
      const cut = r.int(text.length + 1);
      return [`cut at byte ${cut}`, text.slice(0, cut)];
    }
    case 5: {
      const pos = r.int(Math.max(1, text.length));
      const byte = r.chance(0.5) ? r.pick(BYTES) : r.int(256);
      return [`byte ${pos} := 0x${byte.toString(16)}`, text.slice(0, pos) + String.fromCharCode(byte) + text.slice(pos + 1)];
    }
    case 6: {
      const donor = r.pick(r.chance(0.5) ? unitFiles : r.pick(ctx.pool.units).files);
      const donorLines = splitLines(donor.text);
      const from = r.int(donorLines.length);
      const n = 1 + r.int(4);
      lines.splice(at, 0, ...donorLines.slice(from, from + n));
      return [`splice ${n} line(s) of ${donor.name}:${from + 1} at ${at + 1}`, lines.join('\n')];
    }
    case 7: {
      const crlf = text.includes('\r\n');
      const out = r.pick([crlf ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n'), '\xef\xbb\xbf' + text, text.replace(/\n+$/, ''), text + '\n\n']);
      return ['line endings / BOM / trailing newline', out];
    }
    case 8:
    case 9: {
      if (isAsm) {
        const line = r.pick(ASM_LINES).replaceAll('{local}', r.pick(unitFiles.flatMap((f) => namesIn(f.text))));
        lines.splice(at, 0, line);
        return [`insert ${JSON.stringify(line)} at ${at + 1}`, lines.join('\n')];
      }
      const line = pragma(r, ctx, text);
      const indented = r.chance(0.15) ? '\t' + line : r.chance(0.1) ? `x := 0 ${line}` : line;
      lines.splice(at, 0, indented);
      return [`insert ${JSON.stringify(indented)} at ${at + 1}`, lines.join('\n')];
    }
    case 10: {
      // Directives next to declarations and other directives, where the rewriter works.
      const anchors = lines.flatMap((l, i) => (/^(func|var|\/\/go:|TEXT|\tCALL|\tJMP)/.test(l) ? [i] : []));
      const where = anchors.length > 0 ? r.pick(anchors) + r.int(2) : at;
      const line = isAsm ? r.pick(ASM_LINES).replaceAll('{local}', r.pick(unitFiles.flatMap((f) => namesIn(f.text)))) : pragma(r, ctx, text);
      lines.splice(where, 0, line);
      return [`insert ${JSON.stringify(line)} at ${where + 1}`, lines.join('\n')];
    }
    case 11: {
      if (r.chance(0.5) && lines.length > 1) {
        const a = Math.min(at, lines.length - 2);
        const glue = r.pick(['', ' ', '; ']);
        lines.splice(a, 2, lines[a] + glue + lines[a + 1].trimStart());
        return [`join line ${a + 1} with the next (${JSON.stringify(glue)})`, lines.join('\n')];
      }
      const n = 1 + r.int(8);
      const from = Math.min(at, Math.max(0, lines.length - n));
      lines.splice(from, n);
      return [`delete ${n} lines at ${from + 1}`, lines.join('\n')];
    }
    case 12: {
      if (isAsm) return [`insert TEXT block at ${at + 1}`, [...lines.slice(0, at), `TEXT ·${r.pick(namesIn(unitFiles[0].text))}(SB),NOSPLIT,$0-0`, r.pick(ASM_LINES).replaceAll('{local}', 'nanotime'), '\tRET', ...lines.slice(at)].join('\n')];
      const t = lines.findIndex((l) => /^import|^\)/.test(l));
      const p = lines.findIndex((l) => /^package /.test(l));
      const where = r.chance(0.5) && t >= 0 ? t : p + 1;
      lines.splice(where, 0, r.pick(['import _ "unsafe"', 'import "unsafe"', 'import (\n\t_ "unsafe"\n)', '\t_ "unsafe"', 'import u "unsafe"']));
      return [`insert an unsafe import at ${where + 1}`, lines.join('\n')];
    }
    default: {
      const decl = pull(r, ctx);
      const pre = r.chance(0.3) ? [pragma(r, ctx, text)] : [];
      const where = r.chance(0.5) ? lines.length : at;
      lines.splice(where, 0, ...pre, ...decl);
      return [`insert pull ${JSON.stringify([...pre, ...decl].join('\\n'))} at ${where + 1}`, lines.join('\n')];
    }
  }
}

const GO_LINES = ['1.12', '1.16', '1.18', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27', '1.30', '1.22.0', '1.2x', ''];

function makeInput(ctx, index) {
  const r = rngFor(ctx.seed, index);
  const unit = r.pick(ctx.pool.units);
  const whole = unit.gomod === null || unit.files.length <= 4;
  const files = whole ? unit.files.map((f) => ({ ...f })) : pickSome(r, unit.files, 1 + r.int(4));
  const mutations = [];
  if (r.chance(0.12) && unit.gomod !== null && !files.some((f) => f.name.endsWith('.s'))) files.push({ name: 'fuzz_amd64.s', text: '#include "textflag.h"\n\n' + r.pick(ASM_LINES).replaceAll('{local}', r.pick(namesIn(files[0].text))) + '\n' });
  // A module is mutated anywhere; a directory mostly in its first file, which is one that uses linknames.
  const focus = unit.gomod === null ? r.pick(files) : files[0];
  const rounds = 1 + r.int(4);
  for (let k = 0; k < rounds; k++) {
    const file = r.chance(0.75) ? focus : r.pick(files);
    const [what, text] = mutate(r, ctx, file, files);
    file.text = text;
    mutations.push(`${file.name}: ${what}`);
  }
  let gomod = unit.gomod;
  if (gomod !== null && r.chance(0.15)) {
    const go = r.pick(GO_LINES);
    gomod = /^go\s+\S*/m.test(gomod) ? gomod.replace(/^go\s+\S*/m, `go ${go}`) : `${gomod}\ngo ${go}\n`;
    mutations.push(`go.mod: go ${go}`);
  }
  const options = { unsafeFixes: r.chance(0.8), goVersion: r.chance(0.3) ? r.pick(['1.21', '1.22', '1.23', '1.26']) : undefined, platform: r.chance(0.2) ? r.pick(lib.PLATFORMS) : undefined };
  // Copies from GOROOT parse whole std packages on every plan (seconds for runtime): only some inputs get them.
  const vendor = r.chance(ctx.vendorRate);
  return { index, origin: unit.origin, dir: unit.gomod === null ? '.' : packageDir(unit.rel), files, gomod, options, vendor, mutations, cli: ctx.cliEvery > 0 && index % ctx.cliEvery === ctx.cliEvery - 1 };
}

function pickSome(r, xs, n) {
  const rest = [...xs];
  const out = [];
  while (out.length < n && rest.length > 0) out.push({ ...rest.splice(r.int(rest.length), 1)[0] });
  return out;
}

/** The package's directory in the temporary module: its own path, minus the parts the scanner skips. */
const packageDir = (rel) => (rel === '' ? 'p' : rel.split('/').map((p) => (p === 'vendor' || p === 'testdata' || /^[._]/.test(p) ? `x${p.replace(/^[._]/, '')}` : p)).join('/'));

// ---------------------------------------------------------------- the checks

/** A thrown error the library owns: a LinkfixError is a deliberate, reported error (exit 2); everything else is a crash. */
function crash(stage, e) {
  if (e instanceof lib.LinkfixError) return null;
  const stack = String(e?.stack ?? e);
  const message = String(e?.message ?? e).split('\n')[0];
  const frame = /at .*?\((?:file:\/\/)?[^)]*\/(dist\/[^):]+)/.exec(stack)?.[1] ?? '?';
  return { kind: 'crash', stage, signature: `${stage}: ${message.replace(/\d+/g, 'N').slice(0, 120)} @ ${frame}`, detail: stack };
}

const utf8 = (latin1) => Buffer.from(latin1, 'latin1').toString('utf8');

/** Runs every check on one input; returns failures and the file pairs gofmt is to judge. */
async function check(ctx, input, work) {
  const counts = new Map();
  const syntaxErrors = (text) => counts.get(text) ?? counts.set(text, syntaxErrorCount(text)).get(text);
  const failures = [];
  const gofmtPairs = [];
  const stats = { parsed: 0, changed: 0, applied: 0 };
  const regression = (stage, file, before, after) => failures.push({ kind: 'parse-regression', stage, signature: `${stage}: ${file} went from ${before} to ${after} syntax errors`, detail: '' });

  // 1. fixSource, in memory, on each Go file alone.
  for (const f of input.files) {
    if (!f.name.endsWith('.go')) continue;
    const name = basename(f.name);
    const source = utf8(f.text);
    const before = syntaxErrors(source);
    if (before === 0) stats.parsed++;
    let out;
    try {
      out = lib.fixSource(source, { filename: name, catalogs: ctx.catalogs, ...input.options });
    } catch (e) {
      const c = crash('fixSource', e);
      if (c) failures.push(c);
      continue;
    }
    stats.applied += out.applied.length;
    // '' is fixSource's word for "delete this file" (a husk left with only its package clause, as apply's after: null).
    if (out.output !== source && out.output !== '') {
      const after = syntaxErrors(out.output);
      if (after > before) regression('fixSource', name, before, after);
      gofmtPairs.push({ stage: 'fixSource', file: name, befores: [source], after: out.output });
    }
    for (const created of out.files) {
      if (!created.file.endsWith('.go')) continue;
      const after = syntaxErrors(created.content);
      if (before === 0 && after > 0) regression('fixSource', created.file, 0, after);
      gofmtPairs.push({ stage: 'fixSource', file: created.file, befores: [source], after: created.content });
    }
  }

  // 2. scan → plan → apply (write: false) on the files as a module on disk, assembly included.
  const dir = join(work, String(input.index));
  writeInput(input, dir);
  const goInputs = input.files.filter((f) => f.name.endsWith('.go')).map((f) => utf8(f.text));
  const allParsed = goInputs.every((t) => syntaxErrors(t) === 0);
  let stage = 'scan';
  try {
    const result = await lib.scan([dir], { base: dir, announce: () => {}, useLocalGo: false, platform: input.options.platform });
    stage = 'plan';
    const fixPlan = lib.plan(result, { goroot: () => (input.vendor ? GOROOT : null) });
    stage = 'apply';
    const run = await lib.apply(fixPlan, { write: false, unsafeFixes: input.options.unsafeFixes });
    stats.applied += run.applied.length;
    for (const c of run.changes) {
      stats.changed++;
      if (!c.file.endsWith('.go') || !c.after) continue;
      const after = c.after.toString('utf8');
      if (c.before) {
        const before = c.before.toString('utf8');
        const b = syntaxErrors(before);
        const a = syntaxErrors(after);
        if (a > b) regression('apply', c.file, b, a);
        gofmtPairs.push({ stage: 'apply', file: c.file, befores: [before], after });
      } else {
        const a = syntaxErrors(after);
        if (allParsed && a > 0) regression('apply', c.file, 0, a);
        gofmtPairs.push({ stage: 'apply', file: c.file, befores: goInputs, after });
      }
    }
  } catch (e) {
    const c = crash(stage, e);
    if (c) failures.push(c);
  }

  // 3. Now and then the CLI, for what only a process shows (exit status, stderr, writing).
  if (input.cli) failures.push(...cliChecks(dir, input, gofmtPairs));
  return { failures, gofmtPairs, stats };
}

function writeInput(input, dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (input.gomod !== null) writeFileSync(join(dir, 'go.mod'), Buffer.from(input.gomod, 'latin1'));
  for (const f of input.files) {
    const path = join(dir, input.dir, f.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(f.text, 'latin1'));
  }
}

const SCAN_FORMATS = ['json', 'sarif', 'github', 'text'];

function cliChecks(dir, input, gofmtPairs) {
  const failures = [];
  const pkg = (rel) => readdirSync(rel, { recursive: true }).filter((p) => p.endsWith('.go')).sort();
  const before = new Map(pkg(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
  const platform = input.options.platform ? ['--platform', input.options.platform] : [];
  const format = SCAN_FORMATS[input.index % SCAN_FORMATS.length];
  for (const args of [['scan', '--format', format, ...platform, '.'], ['fix', '--dry-run', '--unsafe-fixes', ...platform, '.'], ['fix', '--write', '--unsafe-fixes', ...platform, '.']]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    const stage = `cli ${args.slice(0, 2).join(' ')}`;
    if (r.status === null || ![0, 1, 2].includes(r.status) || r.stderr.includes('internal error')) {
      const message = r.stderr.split('\n').find((l) => l.startsWith('linkfix:')) ?? `exit ${r.status ?? r.signal}`;
      failures.push({ kind: 'crash', stage, signature: `${stage}: ${message.replace(/\d+/g, 'N').slice(0, 120)}`, detail: r.stderr });
    } else if (r.status === 2 && !/\S/.test(r.stderr)) {
      failures.push({ kind: 'crash', stage, signature: `${stage}: exit 2 without a message`, detail: '' });
    } else if (args[0] === 'scan' && (format === 'json' || format === 'sarif') && r.status !== 2) {
      try {
        JSON.parse(r.stdout);
      } catch {
        failures.push({ kind: 'crash', stage, signature: `${stage}: --format ${format} printed no JSON`, detail: r.stdout.slice(0, 2000) });
      }
    }
  }
  for (const p of pkg(dir)) {
    const after = readFileSync(join(dir, p), 'utf8');
    const old = before.get(p);
    if (old === after) continue;
    const b = old === undefined ? 0 : syntaxErrorCount(old);
    const a = syntaxErrorCount(after);
    if (a > b && (old !== undefined || [...before.values()].every((t) => syntaxErrorCount(t) === 0))) {
      failures.push({ kind: 'parse-regression', stage: 'cli fix --write', signature: `cli fix --write: ${p} went from ${b} to ${a} syntax errors`, detail: '' });
    }
    gofmtPairs.push({ stage: 'cli fix --write', file: p, befores: old === undefined ? [...before.values()] : [old], after });
  }
  return failures;
}

/**
 * gofmt -e judges the pairs in batches (one process per batch): a rewrite that
 * gofmt rejects, of files it accepted, is a parse regression.
 */
function gofmtJudge(work, pending) {
  const dir = join(work, 'gofmt');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const names = [];
  pending.forEach((p, k) => {
    const befores = p.befores.map((text, j) => {
      const name = join(dir, `${k}.before${j}.go`);
      writeFileSync(name, text);
      return name;
    });
    const after = join(dir, `${k}.after.go`);
    writeFileSync(after, p.after);
    names.push({ befores, after });
  });
  const r = spawnSync('gofmt', ['-e', '-l', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const rejected = new Set(r.stderr.split('\n').map((l) => /^(.*?\.go):\d+:\d+: /.exec(l)?.[1]).filter(Boolean));
  const failures = [];
  pending.forEach((p, k) => {
    const { befores, after } = names[k];
    if (befores.every((b) => !rejected.has(b)) && rejected.has(after)) {
      const why = r.stderr.split('\n').find((l) => l.startsWith(after + ':'))?.slice(after.length + 1) ?? '';
      failures.push({ index: p.index, failure: { kind: 'parse-regression', stage: `${p.stage} (gofmt)`, signature: `${p.stage} (gofmt): ${p.file} accepted before, rejected after`, detail: why } });
    }
  });
  return failures;
}

// ---------------------------------------------------------------- driving

async function setup(options) {
  const catalogs = lib.shippedReleases().map((r) => lib.shippedCatalog(r));
  const newest = catalogs[catalogs.length - 1];
  const catalogSymbols = Object.entries(newest.symbols)
    .filter(([, e]) => e.k !== 'asm' && !(e.s ?? '').startsWith('func ('))
    .map(([name, entry]) => ({ name, entry }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return { seed: options.seed, cliEvery: options.cliEvery, vendorRate: options.vendorRate, catalogs, catalogSymbols, pool: options.pool };
}

async function runFuzz(ctx, indices, { onProgress, onFailure } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'linkfix-fuzz-'));
  const interrupted = () => {
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const failures = [];
  const totals = { inputs: 0, parsed: 0, changed: 0, applied: 0, gofmtPairs: 0, cliRuns: 0, slowest: null };
  let pending = [];
  const found = (f) => {
    failures.push(f);
    onFailure?.(f);
  };
  const flush = () => {
    for (const f of gofmtJudge(work, pending)) found({ index: f.index, ...f.failure });
    totals.gofmtPairs += pending.length;
    pending = [];
  };
  try {
    for (const index of indices) {
      const input = makeInput(ctx, index);
      const t0 = performance.now();
      const result = await check(ctx, input, work);
      const ms = performance.now() - t0;
      if (!totals.slowest || ms > totals.slowest.ms) totals.slowest = { index, ms: Math.round(ms), origin: input.origin };
      rmSync(join(work, String(index)), { recursive: true, force: true });
      totals.inputs++;
      totals.parsed += result.stats.parsed > 0 ? 1 : 0;
      totals.changed += result.stats.changed > 0 || result.gofmtPairs.length > 0 ? 1 : 0;
      totals.applied += result.stats.applied;
      if (input.cli) totals.cliRuns++;
      for (const f of result.failures) found({ index, ...f });
      pending.push(...result.gofmtPairs.map((p) => ({ ...p, index })));
      if (pending.length >= 300) flush();
      if (totals.inputs % 25 === 0) {
        collectGarbage();
        await new Promise(setImmediate);
      }
      onProgress?.(totals, failures);
    }
    if (pending.length > 0) flush();
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    rmSync(work, { recursive: true, force: true });
  }
  return { failures, totals };
}

/** Shrinks a failing input by deleting lines (and whole files) while the same failure remains. */
async function reduce(ctx, input, signature) {
  const work = mkdtempSync(join(tmpdir(), 'linkfix-fuzz-reduce-'));
  const still = async (candidate) => {
    const result = await check(ctx, candidate, work);
    const all = [...result.failures, ...(result.gofmtPairs.length > 0 ? gofmtJudge(work, result.gofmtPairs.map((p) => ({ ...p, index: candidate.index }))).map((f) => f.failure) : [])];
    return all.some((f) => f.signature === signature);
  };
  try {
    let current = { ...input, cli: input.cli, files: input.files.map((f) => ({ ...f })) };
    for (let k = current.files.length - 1; k >= 0 && current.files.length > 1; k--) {
      const candidate = { ...current, files: current.files.filter((_, j) => j !== k) };
      if (await still(candidate)) current = candidate;
    }
    for (let k = 0; k < current.files.length; k++) {
      let lines = current.files[k].text.split('\n');
      for (let chunk = Math.max(1, lines.length >> 1); chunk >= 1; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
        for (let at = 0; at < lines.length; ) {
          const trial = [...lines.slice(0, at), ...lines.slice(at + chunk)];
          const candidate = { ...current, files: current.files.map((f, j) => (j === k ? { ...f, text: trial.join('\n') } : f)) };
          if (await still(candidate)) {
            lines = trial;
            current = candidate;
          } else at += chunk;
        }
      }
    }
    return current;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A fixture: the input as a module tree, and fuzz-case.json with the options it is checked with and where it came from. */
function writeFixture(to, input, failure, seed) {
  rmSync(to, { recursive: true, force: true });
  writeInput(input, to);
  const meta = { seed, index: input.index, origin: input.origin, mutations: input.mutations, options: input.options, vendor: input.vendor, cli: input.cli, failure: failure.signature };
  writeFileSync(join(to, 'fuzz-case.json'), JSON.stringify(meta, null, 2) + '\n');
}

function readFixture(from) {
  const meta = JSON.parse(readFileSync(join(from, 'fuzz-case.json'), 'utf8'));
  const files = readdirSync(from, { recursive: true })
    .filter((p) => /(\.go|\.s|go\.mod|go\.work)$/.test(p))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(from, name), 'latin1') }));
  return { index: 0, origin: meta.origin, dir: '.', files, gomod: null, options: meta.options, vendor: meta.vendor, mutations: meta.mutations, cli: meta.cli };
}

function describeFailure(f, seed, pool) {
  return `  input ${f.index} [${f.kind}] ${f.signature}\n    replay: node scripts/fuzz.mjs --seed ${seed} --pool ${pool} --only ${f.index} --dump /tmp/fuzz-${f.index}`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      pool: { type: 'string', default: 'full' },
      'cli-every': { type: 'string', default: '500' },
      'vendor-rate': { type: 'string', default: '0.02' },
      only: { type: 'string' },
      dump: { type: 'string' },
      reduce: { type: 'string' },
      to: { type: 'string' },
      replay: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const count = Number(values.count);
  if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0 || !['full', 'fixtures'].includes(values.pool) || (values.reduce && !values.to)) {
    console.error('usage: node scripts/fuzz.mjs [--count N] [--seed S] [--pool full|fixtures] [--cli-every N] [--vendor-rate P] [--only I [--dump DIR]] [--reduce I --to DIR] [--replay DIR] [--json]');
    return 2;
  }
  const needsPool = !values.replay;
  const pool = needsPool ? buildPool(values.pool) : { units: [], files: 0, fingerprint: '-' };
  const ctx = await setup({ seed, cliEvery: Number(values['cli-every']), vendorRate: Number(values['vendor-rate']), pool });

  if (values.replay) {
    const input = readFixture(resolve(values.replay));
    const work = mkdtempSync(join(tmpdir(), 'linkfix-fuzz-replay-'));
    try {
      const result = await check(ctx, input, work);
      const failures = [...result.failures, ...gofmtJudge(work, result.gofmtPairs.map((p) => ({ ...p, index: 0 }))).map((f) => f.failure)];
      for (const f of failures) console.log(`${values.replay}: [${f.kind}] ${f.signature}\n${f.detail}`);
      if (failures.length === 0) console.log(`${values.replay}: ok`);
      return failures.length > 0 ? 1 : 0;
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  if (values.only !== undefined || values.reduce !== undefined) {
    const index = Number(values.only ?? values.reduce);
    const input = makeInput(ctx, index);
    const { failures } = await runFuzz(ctx, [index]);
    console.log(`input ${index} (seed ${seed}): ${input.origin} → ${input.dir}, options ${JSON.stringify(input.options)}${input.cli ? ', with CLI runs' : ''}`);
    for (const m of input.mutations) console.log(`  ${m}`);
    for (const f of failures) console.log(`[${f.kind}] ${f.signature}\n${f.detail}`);
    if (values.dump) {
      writeInput(input, resolve(values.dump));
      console.log(`input written to ${values.dump}`);
    }
    if (values.reduce !== undefined && failures.length > 0) {
      const reduced = await reduce(ctx, input, failures[0].signature);
      writeFixture(resolve(values.to), reduced, failures[0], seed);
      console.log(`reduced to ${reduced.files.map((f) => `${f.name} (${f.text.split('\n').length} lines)`).join(', ')}: ${values.to}`);
    }
    return failures.length > 0 ? 1 : 0;
  }

  const started = performance.now();
  if (!values.json) console.log(`linkfix fuzz: seed ${seed}, ${count} inputs, pool ${values.pool}: ${pool.units.length} directories, ${pool.files} files (fingerprint ${pool.fingerprint}), GOROOT ${GOROOT}`);
  const indices = Array.from({ length: count }, (_, i) => i);
  const seen = new Set();
  const { failures, totals } = await runFuzz(ctx, indices, {
    // A long run tells of each new kind of failure when it happens.
    onFailure: (f) => {
      if (!values.json && !seen.has(f.signature)) process.stderr.write(`  new failure: ${describeFailure(f, seed, values.pool).trimStart()}\n`);
      seen.add(f.signature);
    },
    onProgress: (t, f) => {
      if (!values.json && t.inputs % (Number(process.env.FUZZ_PROGRESS) || 500) === 0) process.stderr.write(`  ${t.inputs}/${count} inputs, ${f.length} failures, ${((performance.now() - started) / 1000).toFixed(0)} s, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const crashes = failures.filter((f) => f.kind === 'crash');
  const regressions = failures.filter((f) => f.kind === 'parse-regression');
  if (values.json) {
    console.log(JSON.stringify({ seed, count, pool: { kind: values.pool, directories: pool.units.length, files: pool.files, fingerprint: pool.fingerprint }, totals, seconds: Math.round(seconds), crashes, regressions }, null, 2));
  } else {
    console.log(`inputs: ${totals.inputs} (seed ${seed}); ${totals.parsed} with a Go file tree-sitter parses cleanly, ${totals.changed} changed by fix (${totals.applied} fixes applied), ${totals.gofmtPairs} rewrites judged by gofmt, ${totals.cliRuns} with CLI runs`);
    for (const [label, list] of [['crashes', crashes], ['parse regressions', regressions]]) {
      const bySignature = new Map();
      for (const f of list) bySignature.set(f.signature, [...(bySignature.get(f.signature) ?? []), f]);
      console.log(`${label}: ${list.length}${bySignature.size > 0 ? ` (${bySignature.size} distinct)` : ''}`);
      for (const group of bySignature.values()) console.log(`${describeFailure(group[0], seed, values.pool)}\n    (${group.length} input(s): ${group.slice(0, 8).map((f) => f.index).join(', ')}${group.length > 8 ? ', …' : ''})`);
    }
    console.log(`time: ${seconds.toFixed(1)} s (slowest input: ${totals.slowest?.index}, ${totals.slowest?.origin}, ${totals.slowest?.ms} ms)`);
  }
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();

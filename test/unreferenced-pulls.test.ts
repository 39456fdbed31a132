// A pull that its package never uses compiles to no reference, and the
// linker's linkname check (cmd/link/internal/loader checkLinkname) sees only
// the references that the directive's package compiled: such a pull links
// whatever it targets, until its first use. Each case is a module m whose
// main package imports m/p, where p holds the pull. Linkfix's verdict is
// checked first, then the real toolchains say what they do with the same code.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FAILING } from '../src/judge/verdict.js';
import { judgeScan } from '../src/judge/judge.js';
import type { VerdictKind } from '../src/model/types.js';
import { scanSync } from '../src/scan/scan.js';
import { goSays, runCli, tempDir, writeModule } from './helpers.js';

/** The toolchains measured: the first that checks linknames, the local one, the newest. */
const TOOLCHAINS = ['go1.23.12', 'local', 'go1.27.4'];

const FUNC_PULL = `//go:linkname cipherSuiteTLS13ByID crypto/tls.cipherSuiteTLS13ByID
func cipherSuiteTLS13ByID(id uint16) unsafe.Pointer`;

/** Package p: imports, the pull, and the rest of the file. */
const p = (pull: string, rest = 'func Hello() string { return "hi" }', imports = ['_ "crypto/tls"', '"unsafe"']): string =>
  `package p\n\nimport (\n${imports.map((i) => `\t${i}\n`).join('')})\n\n${pull}\n\n${rest}\n`;

const MAIN = 'package main\n\nimport "m/p"\n\nfunc main() { println(p.Hello()) }\n';

interface Case {
  name: string;
  /** Files of the module besides go.mod (main.go defaults to MAIN). */
  files: Record<string, string>;
  /** The scan's fact, for a func pull: does its local name occur in its package outside its directive and declaration? */
  referenced?: boolean;
  /** On go1.23, go1.26 and go1.27. */
  verdicts: [VerdictKind, VerdictKind, VerdictKind];
  /** What `go build` says: 'links', or the line of its error. */
  build: string;
  /** What `go test ./p` says, for a package with a test. */
  test?: string;
  /** The linker sees none of the uses that make linkfix count the pull as used. */
  conservative?: true;
  /** Its assembly is for amd64 only. */
  amd64?: true;
}

const ALL_CASES: Case[] = [
  {
    name: 'func pull that nothing uses (its doc comment names it)',
    files: { 'p/p.go': p(`// cipherSuiteTLS13ByID is crypto/tls's lookup.\n${FUNC_PULL}`) },
    referenced: false,
    verdicts: ['ok-unreferenced', 'ok-unreferenced', 'ok-unreferenced'],
    build: 'links',
  },
  {
    name: 'func pull called',
    files: { 'p/p.go': p(FUNC_PULL, 'func Hello() string { println(cipherSuiteTLS13ByID(0x1301) != nil); return "hi" }') },
    referenced: true,
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'm/p: invalid reference to crypto/tls.cipherSuiteTLS13ByID',
  },
  {
    name: 'func pull used only as a value',
    files: { 'p/p.go': p(FUNC_PULL, 'func Hello() string { f := cipherSuiteTLS13ByID; println(f != nil); return "hi" }') },
    referenced: true,
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'm/p: invalid reference to crypto/tls.cipherSuiteTLS13ByID',
  },
  {
    name: 'func pull called only from a test of its package',
    files: {
      'p/p.go': p(FUNC_PULL),
      'p/p_test.go': 'package p\n\nimport "testing"\n\nfunc TestSuite(t *testing.T) { t.Log(cipherSuiteTLS13ByID(0x1301) != nil) }\n',
    },
    referenced: true,
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'links',
    test: 'm/p: invalid reference to crypto/tls.cipherSuiteTLS13ByID',
  },
  {
    name: "func pull called only from its package's assembly",
    files: {
      'p/p.go': p(FUNC_PULL, 'func viaAsm() uintptr\n\nfunc Hello() string { println(viaAsm()); return "hi" }'),
      // The assembler knows nothing of the linkname: ·cipherSuiteTLS13ByID is m/p's own symbol, never defined.
      'p/p_amd64.s': '#include "textflag.h"\n\nTEXT ·viaAsm(SB), NOSPLIT, $16-8\n\tMOVW $0x1301, AX\n\tMOVW AX, 0(SP)\n\tCALL ·cipherSuiteTLS13ByID(SB)\n\tMOVQ 8(SP), AX\n\tMOVQ AX, ret+0(FP)\n\tRET\n',
    },
    referenced: true,
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'm/p.viaAsm: relocation target m/p.cipherSuiteTLS13ByID not defined',
    amd64: true,
  },
  {
    name: 'exported func pull called only from another package',
    files: {
      'p/p.go': p('//go:linkname CipherSuiteTLS13ByID crypto/tls.cipherSuiteTLS13ByID\nfunc CipherSuiteTLS13ByID(id uint16) unsafe.Pointer', 'func Hello() bool { return true }'),
      'main.go': 'package main\n\nimport "m/p"\n\nfunc main() { println(p.Hello(), p.CipherSuiteTLS13ByID(0x1301) != nil) }\n',
    },
    referenced: false,
    verdicts: ['ok-unreferenced', 'ok-unreferenced', 'ok-unreferenced'],
    build: 'links',
  },
  {
    name: 'exported func pull called only from the external test package',
    files: {
      'p/p.go': p('//go:linkname CipherSuiteTLS13ByID crypto/tls.cipherSuiteTLS13ByID\nfunc CipherSuiteTLS13ByID(id uint16) unsafe.Pointer'),
      'p/x_test.go': 'package p_test\n\nimport (\n\t"testing"\n\n\t"m/p"\n)\n\nfunc TestX(t *testing.T) { t.Log(p.CipherSuiteTLS13ByID(0x1301) != nil) }\n',
    },
    referenced: true,
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'links',
    test: 'links',
    conservative: true,
  },
  {
    name: 'pull of a func that does not exist, unused',
    files: { 'p/p.go': p('//go:linkname doesNotExist crypto/tls.doesNotExist\nfunc doesNotExist() int', undefined, ['_ "crypto/tls"', '_ "unsafe"']) },
    referenced: false,
    verdicts: ['ok-unreferenced', 'ok-unreferenced', 'ok-unreferenced'],
    build: 'links',
  },
  {
    name: 'pull of a func that does not exist, called',
    files: { 'p/p.go': p('//go:linkname doesNotExist crypto/tls.doesNotExist\nfunc doesNotExist() int', 'func Hello() string { println(doesNotExist()); return "hi" }', ['_ "crypto/tls"', '_ "unsafe"']) },
    referenced: true,
    verdicts: ['missing', 'missing', 'missing'],
    build: 'relocation target crypto/tls.doesNotExist not defined',
  },
  {
    name: 'exported pull of a func that does not exist, called only from another package',
    files: {
      'p/p.go': p('//go:linkname DoesNotExist crypto/tls.doesNotExist\nfunc DoesNotExist() int', 'func Hello() int { return 1 }', ['_ "crypto/tls"', '_ "unsafe"']),
      'main.go': 'package main\n\nimport "m/p"\n\nfunc main() { println(p.Hello(), p.DoesNotExist()) }\n',
    },
    referenced: false,
    verdicts: ['missing', 'missing', 'missing'],
    build: 'main.main: relocation target crypto/tls.doesNotExist not defined',
  },
  {
    name: 'func pull of a blocked symbol (Go 1.27: pushed with linknamestd), unused',
    files: { 'p/p.go': p('//go:linkname coroswitch runtime.coroswitch\nfunc coroswitch(c unsafe.Pointer)', undefined, ['_ "iter"', '"unsafe"']) },
    referenced: false,
    verdicts: ['ok-unreferenced', 'ok-unreferenced', 'ok-unreferenced'],
    build: 'links',
  },
  {
    name: 'func pull of a blocked symbol, called',
    files: { 'p/p.go': p('//go:linkname coroswitch runtime.coroswitch\nfunc coroswitch(c unsafe.Pointer)', 'var never bool\n\nfunc Hello() string {\n\tif never {\n\t\tcoroswitch(nil)\n\t}\n\treturn "hi"\n}', ['_ "iter"', '"unsafe"']) },
    referenced: true,
    verdicts: ['blocked', 'blocked', 'rejected'],
    build: 'm/p: invalid reference to runtime.coroswitch',
  },
  {
    name: 'func pull of an assembly function with no Go declaration, unused',
    files: { 'p/p.go': p('//go:linkname funcPCTestFn internal/abi.FuncPCTestFn\nfunc funcPCTestFn()', undefined, ['_ "unsafe"']) },
    referenced: false,
    verdicts: ['ok-unreferenced', 'ok-unreferenced', 'ok-unreferenced'],
    build: 'links',
  },
  {
    name: 'var pull that nothing uses',
    files: { 'p/p.go': p('//go:linkname physPageSize runtime.physPageSize\nvar physPageSize uintptr', undefined, ['_ "unsafe"']) },
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'm/p: invalid reference to runtime.physPageSize',
  },
  {
    name: 'exported var pull read only from another package',
    files: {
      'p/p.go': p('//go:linkname PhysPageSize runtime.physPageSize\nvar PhysPageSize uintptr', 'func Hello() int { return 1 }', ['_ "unsafe"']),
      'main.go': 'package main\n\nimport "m/p"\n\nfunc main() { println(p.Hello(), p.PhysPageSize) }\n',
    },
    verdicts: ['rejected', 'rejected', 'rejected'],
    build: 'm/p: invalid reference to runtime.physPageSize',
  },
];

const CASES = ALL_CASES.filter((c) => !c.amd64 || process.arch === 'x64');

/** Writes a case as a module in a directory of its own. */
const writeCase = (c: Case): string => writeModule({ 'go.mod': 'module m\n\ngo 1.23\n', 'main.go': MAIN, ...c.files }, 'linkfix-unreferenced-');

const dirs = new Map(CASES.map((c) => [c, writeCase(c)]));

describe('unreferenced pulls: verdicts', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const dir = dirs.get(c)!;
    const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '1.23,1.26,1.27', useLocalGo: false });
    const [pull] = judged.findings.filter((f) => f.kind === 'pull');
    expect(pull!.verdicts!.map((v) => v.verdict)).toEqual(c.verdicts);
    expect(pull!.referenced).toBe(c.referenced);
  });

  test('an unused pull says what its first use will get', async () => {
    const dir = dirs.get(CASES[0]!)!;
    const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '1.27', useLocalGo: false });
    expect(judged.findings[0]!.verdicts![0]!.detail).toBe(
      'links only because m/p never uses cipherSuiteTLS13ByID: its first use there fails with invalid reference to crypto/tls.cipherSuiteTLS13ByID',
    );
  });
});

describe('unreferenced pulls: the CLI', () => {
  const dir = dirs.get(CASES[0]!)!;

  test('text: exit 0, and the row says what the first use will get', () => {
    const r = runCli(['scan', '--go', '1.23,1.27', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('1.23–1.27 ok-unreferenced\n        1.23–1.27: links only because m/p never uses cipherSuiteTLS13ByID');
  });

  test('fix: the diagnostic says the pull links only while unused, and when a use fails', () => {
    const r = runCli(['fix', '--dry-run', '--go', '1.23,1.27', dir]);
    expect(r.stderr).toContain('pull of crypto/tls.cipherSuiteTLS13ByID links only while its package never uses it (a use fails on 1.23, 1.27)');
  });

  test('sarif and github: a warning of its own rule', () => {
    const sarif = JSON.parse(runCli(['scan', '--format', 'sarif', '--go', '1.27', dir]).stdout) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => `${r.ruleId} ${r.level}`)).toEqual(['pull-unreferenced warning']);
    expect(runCli(['scan', '--format', 'github', '--go', '1.27', dir]).stdout).toMatch(/^::warning .*title=linkfix pull-unreferenced%3A crypto\/tls.cipherSuiteTLS13ByID::/);
  });
});

describe('unreferenced pulls: the real toolchains agree', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', { timeout: 300_000 }, (_, c) => {
    const dir = dirs.get(c)!;
    for (const [i, toolchain] of TOOLCHAINS.entries()) {
      const build = goSays(['build', '-o', join(dir, 'bin'), '.'], dir, toolchain);
      expect(build, toolchain).toContain(c.build);
      if (c.test) expect(goSays(['test', '-count=1', './p'], dir, toolchain), toolchain).toContain(c.test);
      // The verdict fails exactly where the build (or, with a test that uses the pull, the test) fails, unless linkfix counts a use the linker never sees.
      if (!c.conservative) expect(FAILING.has(c.verdicts[i]!), toolchain).toBe(build !== 'links' || (c.test ?? 'links') !== 'links');
    }
  });
});

describe('quic-go v0.40.1: crypto/tls.cipherSuiteTLS13ByID, declared and never called', () => {
  const QUIC = 'github.com/quic-go/quic-go@v0.40.1';

  test('scan: the pull links; the var pulls next to it are pushed', { timeout: 300_000 }, () => {
    const download = spawnSync('go', ['mod', 'download', '-json', QUIC], { encoding: 'utf8' });
    expect(download.status, download.stderr).toBe(0);
    const qtls = join((JSON.parse(download.stdout) as { Dir: string }).Dir, 'internal', 'qtls');
    const r = runCli(['scan', '--format', 'json', '--go', '>=1.22', qtls]);
    expect(r.status, r.stderr).toBe(0);
    const pulls = (JSON.parse(r.stdout) as { findings: { target: { raw: string }; referenced?: boolean; verdicts: { go: string; verdict: string }[] }[] }).findings;
    const byID = pulls.find((f) => f.target.raw === 'crypto/tls.cipherSuiteTLS13ByID')!;
    expect(byID.referenced).toBe(false);
    expect(byID.verdicts.map((v) => `${v.go} ${v.verdict}`)).toEqual(['1.22 ok-unchecked', '1.23 ok-unreferenced', '1.24 ok-unreferenced', '1.25 ok-unreferenced', '1.26 ok-unreferenced', '1.27 ok-unreferenced']);
  });

  test('deps: a module that builds quic-go v0.40.1 has no failing dependency, and links on go1.23.12 and go1.27.4', { timeout: 600_000 }, () => {
    const dir = tempDir('linkfix-quic-');
    writeFileSync(join(dir, 'go.mod'), 'module q\n\ngo 1.23\n\nrequire github.com/quic-go/quic-go v0.40.1\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nimport "github.com/quic-go/quic-go"\n\nfunc main() { println(quic.Version1) }\n');
    const env = { GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
    expect(spawnSync('go', ['mod', 'tidy'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } }).status).toBe(0);
    const r = runCli(['deps', '--go', '1.23,1.27', '--no-search', '--no-cache', '--format', 'json', '--quiet', dir], { env });
    expect(r.status, r.stderr).toBe(0);
    const quic = (JSON.parse(r.stdout) as { modules: { path: string; fails: boolean }[] }).modules.find((m) => m.path === 'github.com/quic-go/quic-go')!;
    expect(quic.fails).toBe(false);
    for (const toolchain of ['go1.23.12', 'go1.27.4']) expect(goSays(['build', '-o', join(dir, 'bin'), '.'], dir, toolchain), toolchain).toBe('links');
  });
});

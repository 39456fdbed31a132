// A pull of a std method links though the std does not push it when the
// pull's own declaration names the receiver's type through an import of the
// target's package: the compiler then creates the method's symbol from that
// package's export data, a reference by index, and the linker's linkname check
// (cmd/link/internal/loader checkLinkname) sees only references by name. Each
// case is a module m whose main package calls p.Hello, which calls the pull.
// Linkfix's verdicts come first, then the real toolchains say the same.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { plan } from '../src/fix/plan.js';
import { FAILING } from '../src/judge/verdict.js';
import { judgeScan } from '../src/judge/judge.js';
import type { VerdictKind } from '../src/model/types.js';
import { scanSync } from '../src/scan/scan.js';
import { goSays, writeModule } from './helpers.js';

/** Every release that checks linknames, as the catalogs and the tests pin them ('local' is 1.26). */
const TOOLCHAINS = ['go1.23.12', 'go1.24.13', 'go1.25.14', 'local', 'go1.27.4'];

/** Package p: its imports, the pull, and Hello calling it with `call`. */
const p = (imports: string[], pull: string, call: string, rest = ''): string =>
  `package p\n\nimport (\n${imports.map((i) => `\t${i}\n`).join('')})\n\n${pull}\n${rest}\nfunc Hello() string { ${call}; return "hi" }\n`;

const GROW = '//go:linkname grow strings.(*Builder).grow';

interface Case {
  name: string;
  /** Package p. */
  source: string;
  /** The scan's fact. */
  namesReceiverType: boolean;
  /** The verdict on every release 1.23–1.27. */
  verdict: VerdictKind;
  /** What `go build` says on each of them: 'links', or the line of its error. */
  build: string;
}

const REJECTED = 'invalid reference to strings.(*Builder).grow';

const CASES: Case[] = [
  {
    name: 'pointer receiver named in a parameter',
    source: p(['"strings"', '_ "unsafe"'], `${GROW}\nfunc grow(b *strings.Builder, n int)`, 'var b strings.Builder; grow(&b, 8)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'value receiver named in a parameter',
    source: p(['"reflect"', '"unsafe"'], '//go:linkname pointer reflect.Value.pointer\nfunc pointer(v reflect.Value) unsafe.Pointer', 'println(pointer(reflect.ValueOf(new(int))) != nil)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'receiver named only in a result',
    source: p(['"strings"', '"unsafe"'], `${GROW}\nfunc grow(b unsafe.Pointer, n int) *strings.Builder`, 'var b strings.Builder; _ = grow(unsafe.Pointer(&b), 8)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'receiver named only inside a composite type',
    source: p(['"strings"', '"unsafe"'], `${GROW}\nfunc grow(b unsafe.Pointer, n int, _ func([]*strings.Builder))`, 'var b strings.Builder; grow(unsafe.Pointer(&b), 8, nil)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'receiver named through a renamed import',
    source: p(['sb "strings"', '_ "unsafe"'], `${GROW}\nfunc grow(b *sb.Builder, n int)`, 'var b sb.Builder; grow(&b, 8)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'receiver named through a dot import',
    source: p(['. "strings"', '_ "unsafe"'], `${GROW}\nfunc grow(b *Builder, n int)`, 'var b Builder; grow(&b, 8)'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'an exported method, receiver named',
    source: p(['"strings"', '_ "unsafe"'], '//go:linkname builderLen strings.(*Builder).Len\nfunc builderLen(b *strings.Builder) int', 'var b strings.Builder; println(builderLen(&b))'),
    namesReceiverType: true,
    verdict: 'ok-implicit',
    build: 'links',
  },
  {
    name: 'receiver not named: unsafe.Pointer',
    source: p(['"strings"', '"unsafe"'], `${GROW}\nfunc grow(b unsafe.Pointer, n int)`, 'var b strings.Builder; grow(unsafe.Pointer(&b), 8)'),
    namesReceiverType: false,
    verdict: 'rejected',
    build: REJECTED,
  },
  {
    name: 'another type of the same package named',
    source: p(['"strings"', '"unsafe"'], `${GROW}\nfunc grow(b unsafe.Pointer, n int, _ *strings.Reader)`, 'var b strings.Builder; grow(unsafe.Pointer(&b), 8, nil)'),
    namesReceiverType: false,
    verdict: 'rejected',
    build: REJECTED,
  },
  {
    name: 'receiver named by a later declaration of the file',
    source: p(['"strings"', '"unsafe"'], `${GROW}\nfunc grow(b unsafe.Pointer, n int)`, 'var b strings.Builder; keep = &b; grow(unsafe.Pointer(&b), 8)', '\nvar keep *strings.Builder\n'),
    namesReceiverType: false,
    verdict: 'rejected',
    build: REJECTED,
  },
  {
    name: 'an exported method, receiver not named',
    source: p(['"strings"', '"unsafe"'], '//go:linkname builderLen strings.(*Builder).Len\nfunc builderLen(b unsafe.Pointer) int', 'var b strings.Builder; println(builderLen(unsafe.Pointer(&b)))'),
    namesReceiverType: false,
    verdict: 'rejected',
    build: 'invalid reference to strings.(*Builder).Len',
  },
  {
    name: 'a method that does not exist, receiver named',
    source: p(['"strings"', '_ "unsafe"'], '//go:linkname nope strings.(*Builder).linkfixDoesNotExist\nfunc nope(b *strings.Builder)', 'var b strings.Builder; nope(&b)'),
    namesReceiverType: true,
    verdict: 'missing',
    build: 'relocation target strings.(*Builder).linkfixDoesNotExist not defined',
  },
];

const MAIN = 'package main\n\nimport "m/p"\n\nfunc main() { println(p.Hello()) }\n';

/** Writes a case as a module in a directory of its own. */
const writeCase = (c: Case): string => writeModule({ 'go.mod': 'module m\n\ngo 1.23\n', 'main.go': MAIN, 'p/p.go': c.source }, 'linkfix-receiver-');

const dirs = new Map(CASES.map((c) => [c, writeCase(c)]));

describe('pulls of std methods whose declaration names the receiver: verdicts', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const dir = dirs.get(c)!;
    const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '>=1.23', useLocalGo: false });
    const [pull] = judged.findings.filter((f) => f.kind === 'pull');
    expect(pull!.namesReceiverType ?? false).toBe(c.namesReceiverType);
    expect(pull!.verdicts!.map((v) => v.verdict)).toEqual(TOOLCHAINS.map(() => c.verdict));
  });

  test('the verdict, the finding and the fix plan say why it links, and what would break it', async () => {
    const dir = dirs.get(CASES[0]!)!;
    const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '1.27', useLocalGo: false });
    expect(judged.findings[0]!.verdicts![0]!.detail).toBe(
      "the declaration names the receiver's type of strings.(*Builder).grow, so the compiler takes the method from strings's export data and the linker does not check the reference",
    );
    expect(judged.findings[0]!.reason).toBe(
      "bodyless func pulls the standard-library method strings.(*Builder).grow and names its receiver's type: the compiler takes the method from export data, a reference the linker does not check",
    );
    expect(plan(judged).diagnostics[0]!.message).toBe(
      "pull of strings.(*Builder).grow links today, while the method exists (the declaration names the receiver's type, so the linker does not check the reference)",
    );
  });
});

describe('pulls of std methods whose declaration names the receiver: the real toolchains agree', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', { timeout: 300_000 }, (_, c) => {
    const dir = dirs.get(c)!;
    for (const toolchain of TOOLCHAINS) {
      const build = goSays(['build', '-o', join(dir, 'bin'), '.'], dir, toolchain);
      expect(build, toolchain).toContain(c.build);
      expect(FAILING.has(c.verdict), toolchain).toBe(build !== 'links');
    }
  });
});

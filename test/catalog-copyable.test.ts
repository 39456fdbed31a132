// What the std source alone says about copying a func or var (the vendored
// fix), computed once per release by the generator and recorded in the
// catalog with a digest of the package's source: fix trusts a record only for
// exactly that source, and parses the package otherwise — once: what the parse
// said is cached under the digest for the next run.

import { appendFileSync, chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { copyAnalysis, copyRecords, decodeOutcome, encodeOutcome, lazyPackage, packageSources, readPackage, type CopyOutcome } from '../src/catalog/copyable.js';
import { shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import { fileCache } from '../src/catalog/result-cache.js';
import { goMinor, type SymbolEntry } from '../src/catalog/types.js';
import { StdSource } from '../src/fix/vendor.js';
import { defaultGoroot } from '../src/linkcheck/linkcheck.js';
import { tempDir } from './helpers.js';

const P = `package p

import (
	"errors"
	"internal/abi"
	"strings"
)

var table = [4]bool{true, false, true, false}

func pure(b byte) bool { return b < 4 && table[b] }

func usesStrings(s string) bool { return strings.HasPrefix(s, "x") }

func usesInternal() int { return abi.X }

type T struct{}

func usesType() T { return T{} }

func asm()

func callsAsm() { asm() }

//go:linkname linked
func linked() int { return 1 }

var errSentinel = errors.New("p: sentinel")

func returnsSentinel() error { return errSentinel }

const limit = 3

func ${'chain'}0() int { return chain1() }
${Array.from({ length: 25 }, (_, i) => `func chain${i + 1}() int { return chain${i + 2}() }`).join('\n')}
func chain26() int { return 0 }
`;

describe('the copy outcome of a declaration, from its package source', () => {
  const sources = [{ name: 'p.go', text: P }];
  const decls = readPackage(sources);
  test.each<[string, string, CopyOutcome]>([
    ['pure Go, its closure a table', 'pure', { decl: 'func', bodyless: false, blocker: null }],
    ['an importable std import', 'usesStrings', { decl: 'func', bodyless: false, blocker: null }],
    ['an internal import', 'usesInternal', { decl: 'func', bodyless: false, blocker: { why: 'import', path: 'internal/abi' } }],
    ['a type of its package', 'usesType', { decl: 'func', bodyless: false, blocker: { why: 'type', name: 'T' } }],
    ['a bodyless func', 'asm', { decl: 'func', bodyless: true }],
    ['a call of a bodyless func', 'callsAsm', { decl: 'func', bodyless: false, blocker: { why: 'bodyless', name: 'asm' } }],
    ['a linkname of its own', 'linked', { decl: 'func', bodyless: false, blocker: { why: 'linkname', name: 'linked' } }],
    ['a var made by a call, through a func', 'returnsSentinel', { decl: 'func', bodyless: false, blocker: { why: 'allocated', name: 'errSentinel', made: 'errors.New("p: sentinel")' } }],
    ['a closure past 24 declarations', 'chain0', { decl: 'func', bodyless: false, blocker: { why: 'size', limit: 24 } }],
    ['a const', 'limit', { decl: 'const', bodyless: false }],
    ['a name the package does not declare', 'nothing', { decl: null }],
  ])('%s: %s', (_, name, outcome) => {
    expect(copyAnalysis(decls, name).outcome).toEqual(outcome);
    expect(copyAnalysis(lazyPackage(sources), name).outcome).toEqual(outcome);
    expect(decodeOutcome(encodeOutcome(outcome))).toEqual(outcome);
  });

  test('the generator records every func and var of the packages the catalog names, with their source digest', async () => {
    const goroot = tempDir('linkfix-copy-');
    mkdirSync(join(goroot, 'src', 'p'), { recursive: true });
    writeFileSync(join(goroot, 'src', 'p', 'p.go'), P);
    const symbols: [string, SymbolEntry][] = [['p.pure', { k: 'func' }], ['p.(*T).M', { k: 'func' }], ['_cgo_init', { k: 'asm' }]];
    const { digests, outcomes } = await copyRecords(goroot, symbols);
    expect(Object.fromEntries(outcomes)).toMatchObject({ 'p.pure': 'f', 'p.table': 'v', 'p.asm': 'b', 'p.linked': 'fL:linked', 'p.usesType': 'fT:T' });
    expect([...outcomes.keys()].filter((name) => /\.(T|limit)$/.test(name))).toEqual([]);
    expect([...digests.keys()]).toEqual(['p']);
  });
});

describe('fix parses only the files that may declare a name it asks about', () => {
  const goroot = defaultGoroot(shippedReleases().find((r) => goMinor(r) === 26)!);

  // The generator parses every file; fix, asking about one symbol on a GOROOT no catalog holds, parses few.
  test.each(['runtime', 'reflect', 'sync', 'encoding/json', 'strings', 'time', 'syscall', 'math/big', 'net/netip'])('every func and var of %s: the same outcome as a parse of the whole package', (importPath) => {
    const sources = packageSources(join(goroot, 'src', importPath));
    const whole = readPackage(sources);
    const lazy = lazyPackage(sources);
    const differing = [...whole]
      .filter(([, d]) => d.kind === 'func' || d.kind === 'var')
      .map(([name]) => [name, encodeOutcome(copyAnalysis(whole, name).outcome), encodeOutcome(copyAnalysis(lazy, name).outcome)])
      .filter(([, a, b]) => a !== b);
    expect(differing).toEqual([]);
  }, 60_000);

  test('a declaration in a group, after a comment, or of several names is found; a use is not a declaration', () => {
    const lazy = lazyPackage([
      { name: 'a.go', text: 'package p\n\nvar (\n\tx, y = 1, 2\n)\n\nconst /* c */ k = 3\n\ntype T[P any] struct{}\n' },
      { name: 'b.go', text: 'package p\n\nfunc f() int { return x + y + k }\n' },
    ]);
    expect(['x', 'y', 'k', 'T', 'f'].map((n) => lazy.get(n)?.file.name)).toEqual(['a.go', 'a.go', 'a.go', 'a.go', 'b.go']);
    expect(lazy.get('return')).toBeUndefined();
  });
});

describe('fix trusts a recorded outcome only for the source it was computed from', () => {
  const release = shippedReleases().find((r) => goMinor(r) === 26)!;
  const goroot = defaultGoroot(release);

  test.each([
    ['runtime', 'racefuncenter'],
    ['runtime', 'nanotime'],
    ['encoding/json', 'safeSet'],
  ])("a GOROOT of a shipped release: its catalog's outcome, the one a parse gives (%s.%s)", (importPath, name) => {
    const recorded = new StdSource(() => goroot).recorded(importPath, name);
    expect(recorded).toBeDefined();
    expect(recorded).toEqual(copyAnalysis(readPackage(packageSources(join(goroot, 'src', importPath))), name).outcome);
    expect(shippedCatalog(release).symbols.copyOutcome(`${importPath}.${name}`)).toBe(encodeOutcome(recorded!));
  });

  /** A copy of GOROOT's encoding/json, whose tables.go can be changed. */
  function jsonCopy(): { changed: string; tables: string } {
    const changed = tempDir('linkfix-goroot-');
    cpSync(join(goroot, 'src', 'encoding', 'json'), join(changed, 'src', 'encoding', 'json'), { recursive: true });
    writeFileSync(join(changed, 'VERSION'), `${release}\n`);
    const tables = join(changed, 'src', 'encoding', 'json', 'tables.go');
    chmodSync(tables, 0o644); // the module cache's files are read-only
    return { changed, tables };
  }

  test('a package whose source differs in one byte: no record, so fix parses it', () => {
    const { changed, tables } = jsonCopy();
    const cache = fileCache(tempDir('linkfix-copy-cache-'));
    expect(new StdSource(() => changed, cache).recorded('encoding/json', 'safeSet')).toBeDefined();
    appendFileSync(tables, '\n');
    expect(new StdSource(() => changed, cache).recorded('encoding/json', 'safeSet')).toBeUndefined();
  });

  test("what a parse of a source no catalog holds said is the next run's record, for that source only", () => {
    const { changed, tables } = jsonCopy();
    appendFileSync(tables, '\n');
    const cache = fileCache(tempDir('linkfix-copy-cache-'));
    const first = new StdSource(() => changed, cache);
    expect(first.recorded('encoding/json', 'safeSet')).toBeUndefined();
    const parsed = copyAnalysis(first.declarations('encoding/json'), 'safeSet').outcome;
    first.remember('encoding/json', 'safeSet', parsed);
    expect(new StdSource(() => changed, cache).recorded('encoding/json', 'safeSet')).toEqual(parsed);
    appendFileSync(tables, '\n');
    expect(new StdSource(() => changed, cache).recorded('encoding/json', 'safeSet')).toBeUndefined();
  });
});

// The catalog file (src/catalog/store.ts): every release in one file, each
// symbol once with its facts per release. Whatever goes in comes back out,
// release by release, and a lookup reads only the block of its package.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CatalogStore, addToCatalogStore, packageOf, writeCatalogStore } from '../src/catalog/store.js';
import { CATALOG_SCHEMA, PLATFORMS, SymbolTable, rulesFor, type Catalog, type CopyRecords, type SymbolEntry } from '../src/catalog/types.js';
import { shippedCatalog, shippedReleases } from '../src/catalog/load.js';
import { tempDir } from './helpers.js';

function catalog(go: string, symbols: [string, SymbolEntry][], blocked: Record<string, string[]> = {}, copies?: CopyRecords): Catalog {
  const minor = Number(/^go1\.(\d+)/.exec(go)![1]);
  return { schema: CATALOG_SCHEMA, generator: 'linkfix test', go, minor, platforms: PLATFORMS, rules: rulesFor(minor), blocked, builtins: [], symbols: SymbolTable.fromEntries(symbols, copies) };
}

const OLD = catalog('go1.22.12', [
  ['runtime.nanotime', { k: 'func', s: 'func nanotime() int64', push: 'linkname', at: 'runtime/time_nofake.go:19', doc: ['github.com/a/b'] }],
  ['runtime.memmove', { k: 'func', s: 'func memmove(to, from unsafe.Pointer, n uintptr)', a: 0b1111, push: 'linkname', at: 'runtime/stubs.go:1', doc: [] }],
  ['runtime.gone', { k: 'var', s: 'var gone int' }],
  ['_cgo_init', { k: 'asm', p: 0b0011, a: 0b0011 }],
  // Every character the format splits on, in every text field.
  ['strange/pkg.x', { k: 'var', s: 'var x = "a,b\tc%d"', at: 'strange/p,kg.go:1', doc: ['ex.com/a%b,c'], m: true }],
]);
const NEW = catalog(
  'go1.27.4',
  [
    ['runtime.nanotime', { k: 'func', s: 'func nanotime() int64', push: 'linkname', at: 'runtime/time_nofake.go:21', doc: ['github.com/a/b'] }],
    ['runtime.memmove', { k: 'func', s: 'func memmove(to, from unsafe.Pointer, n uintptr)', a: 0b1111, push: 'linkname', at: 'runtime/stubs.go:1', doc: [] }],
    ['runtime.coroswitch', { k: 'func', s: 'func coroswitch(c *coro)', push: 'linknamestd', pp: 0b0001, w: 0b0100 }],
    ['reflect.(*rtype).Name', { k: 'func', s: 'func (t *rtype) Name() string', push: 'linkname' }],
    ['vendor/golang.org/x/net/route.zero', { k: 'var', s: 'var zero uintptr' }],
  ],
  { 'runtime.coroswitch': ['iter'] },
  {
    digests: new Map([['runtime', 'abc123'], ['strange/pkg', 'def456']]),
    // Copy outcomes of names the catalog has, and of names it has not (a func of a race-tagged file).
    outcomes: new Map([['runtime.nanotime', 'fL:nanotime'], ['runtime.racefuncenter', 'b'], ['strange/pkg.y', 'vA:y:f(",\t%")']]),
  },
);

describe('a catalog file', () => {
  const file = join(tempDir('linkfix-store-'), 'std.catalog');
  writeCatalogStore(file, [NEW, OLD]);
  const store = CatalogStore.read(file);

  test('holds its releases oldest first', () => {
    expect(store.releases).toEqual(['go1.22.12', 'go1.27.4']);
  });

  test.each([OLD, NEW])('gives back each release as it went in: $go', (c) => {
    expect(JSON.stringify(store.catalog(c.go))).toBe(JSON.stringify(c));
  });

  test('copy records: per release, for the package source they were computed from', () => {
    const [old, now] = [store.catalog('go1.22.12')!.symbols, store.catalog('go1.27.4')!.symbols];
    expect([now.sourceDigest('runtime'), now.copyOutcome('runtime.racefuncenter'), now.copyOutcome('strange/pkg.y')]).toEqual(['abc123', 'b', 'vA:y:f(",\t%")']);
    expect([old.sourceDigest('runtime'), old.copyOutcome('runtime.nanotime')]).toEqual([undefined, undefined]);
    expect(now.get('runtime.racefuncenter')).toBeUndefined();
  });

  test('a symbol of one release only is absent from the other', () => {
    expect(store.catalog('go1.22.12')!.symbols.get('runtime.coroswitch')).toBeUndefined();
    expect(store.catalog('go1.27.4')!.symbols.get('runtime.gone')).toBeUndefined();
    expect(store.catalog('go1.27.4')!.symbols.get('runtime.nothing')).toBeUndefined();
  });

  test('stores each symbol once, and a signature once per package', () => {
    const text = readFileSync(file, 'utf8');
    // One line of facts (kind first) and one of copy outcomes.
    expect(text.match(/^runtime\.nanotime\tf,/gm)).toHaveLength(1);
    expect(text.match(/^runtime\.nanotime\t/gm)).toHaveLength(2);
    expect(text.match(/func nanotime\(\) int64/g)).toHaveLength(1);
  });

  test('a release without the other is not held', () => {
    expect(store.catalog('go1.26.11')).toBeUndefined();
  });

  test.each([
    ['runtime.nanotime', 'runtime'],
    ['reflect.(*rtype).Name', 'reflect'],
    ['vendor/golang.org/x/net/route.zero', 'vendor/golang.org/x/net/route'],
    ['_cgo_init', ''],
  ])('files %s under its package %j', (name, pkg) => {
    expect(packageOf(name)).toBe(pkg);
  });

  test('the typed view of a symbol reads its masks per platform', () => {
    const sym = store.catalog('go1.27.4')!.symbols.lookup('runtime.coroswitch')!;
    expect({ kind: sym.kind, push: sym.push, amd64: sym.pushOn('linux/amd64'), arm64: sym.pushOn('linux/arm64'), wrapped: sym.wrappedOn('darwin/arm64') }).toEqual({
      kind: 'func',
      push: 'linknamestd',
      amd64: 'linknamestd',
      arm64: undefined,
      wrapped: true,
    });
  });

  test('adding a release replaces the one of its minor', () => {
    const copy = join(tempDir('linkfix-store-'), 'std.catalog');
    writeCatalogStore(copy, [OLD, NEW]);
    const patched = catalog('go1.27.5', [['runtime.nanotime', { k: 'func' }]]);
    expect(addToCatalogStore(copy, patched).map((c) => c.go)).toEqual(['go1.22.12', 'go1.27.5']);
    expect(CatalogStore.read(copy).catalog('go1.27.5')!.symbols.size).toBe(1);
  });

  test('a file of another schema, or not a catalog, is refused', () => {
    const other = join(tempDir('linkfix-store-'), 'x.catalog');
    writeFileSync(other, 'linkfix-catalog 3 2\n{}\n');
    expect(() => CatalogStore.read(other)).toThrow(/has schema 3, this linkfix reads 5/);
    writeFileSync(other, '\x1f\x8b gzip');
    expect(() => CatalogStore.read(other)).toThrow(/is not a linkfix catalog/);
  });
});

describe('the shipped catalog file', () => {
  test('answers a lookup in every release, decoding only the package asked about', () => {
    const kinds = shippedReleases().map((r) => shippedCatalog(r).symbols.lookup('runtime.nanotime')?.kind);
    expect(kinds).toEqual(shippedReleases().map(() => 'func'));
    const store = CatalogStore.read(new URL('../catalogs/std.catalog', import.meta.url));
    for (const r of store.releases) store.catalog(r)!.symbols.get('runtime.nanotime');
    // The blocks read so far (a private field: what the lookup cost, not what it answered).
    expect([...(store as unknown as { blocks: Map<string, unknown> }).blocks.keys()]).toEqual(['runtime']);
  });
});

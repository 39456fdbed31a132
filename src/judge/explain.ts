// linkfix explain <symbol>: the life of one std symbol across the releases.

import type { Catalog } from '../catalog/types.js';
import type { Finding, Verdict } from '../model/types.js';
import { splitSymbol } from '../parse/directive.js';
import { replacementFor, type Replacement } from '../rules/replacements.js';
import { judge } from './verdict.js';

export interface ReleaseFacts {
  go: string;
  release: string;
  exists: boolean;
  kind: 'func' | 'var' | 'asm' | null;
  signature: string | null;
  /** The signature differs from the previous release's. */
  signatureChanged: boolean;
  pushedAt: string | null;
  blockedFor: string[] | null;
  /** What a pull from an ordinary module gets on this release. */
  pull: Verdict;
}

export interface Explanation {
  symbol: string;
  releases: ReleaseFacts[];
  hallOfShame: string[] | null;
  replacement: Replacement | null;
}

export function explain(symbol: string, catalogs: Catalog[], platform: string): Explanation {
  const { importPath, symbol: name } = splitSymbol(symbol) ?? { importPath: '', symbol };
  let previous: string | null = null;
  let hallOfShame: string[] | null = null;
  // A pull is declared the way the symbol was declared where it existed (a var stays a var after it vanished).
  const known = catalogs.map((c) => c.symbols.get(symbol)).filter((s) => s !== undefined);
  const isVar = known.length > 0 && known[known.length - 1]!.k === 'var';
  const releases = catalogs.map((c): ReleaseFacts => {
    const sym = c.symbols.get(symbol);
    const signature = sym?.s ?? null;
    const changed = previous !== null && signature !== null && previous !== signature;
    if (signature) previous = signature;
    if (sym?.doc) hallOfShame = sym.doc;
    // A pull from an ordinary module, declared as this release declares the symbol.
    const probe: Finding = {
      kind: 'pull',
      verb: 'linkname',
      file: '',
      span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } },
      package: 'example.com/user',
      module: 'example.com/user',
      localName: name,
      target: { raw: symbol, importPath, symbol: name, kind: 'std' },
      declaration: { kind: isVar ? 'var' : 'func-bodyless', file: '', span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } }, signature: signature ?? '' },
      importsUnsafe: true,
      constraint: { expression: null, goos: null, goarch: null, test: false },
      generated: false,
      invalid: null,
      reason: '',
    };
    return {
      go: `1.${c.minor}`,
      release: c.go,
      exists: sym !== undefined,
      kind: sym?.k ?? null,
      signature,
      signatureChanged: changed,
      pushedAt: sym?.push ? `${sym.push === 'linknamestd' ? '//go:linknamestd ' : ''}${sym.at ?? ''}` : null,
      blockedFor: c.blocked[symbol] ?? null,
      pull: judge(probe, c, platform),
    };
  });
  return { symbol, releases, hallOfShame, replacement: replacementFor(symbol) };
}

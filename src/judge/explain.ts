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
  const known = catalogs.map((c) => c.symbols.lookup(symbol)).filter((s) => s !== undefined);
  const isVar = known.length > 0 && known[known.length - 1]!.kind === 'var';
  const releases = catalogs.map((c): ReleaseFacts => {
    const sym = c.symbols.lookup(symbol);
    const declared = sym?.signature ?? null;
    const changed = previous !== null && declared !== null && previous !== declared;
    if (declared) previous = declared;
    if (sym?.legacyUsers) hallOfShame = sym.legacyUsers;
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
      declaration: { kind: isVar ? 'var' : 'func-bodyless', file: '', span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } }, signature: declared ?? '' },
      importsUnsafe: true,
      constraint: { expression: null, goos: null, goarch: null, test: false },
      generated: false,
      invalid: null,
      reason: '',
      // One that its package uses: an unused one links whatever it pulls.
      referenced: true,
    };
    return {
      go: `1.${c.minor}`,
      release: c.go,
      exists: sym !== undefined,
      kind: sym?.kind ?? null,
      signature: declared && readableSignature(declared),
      signatureChanged: changed,
      pushedAt: sym?.push ? `${sym.push === 'linknamestd' ? '//go:linknamestd ' : ''}${sym.pushedAt ?? ''}` : null,
      blockedFor: c.blocked[symbol] ?? null,
      pull: judge(probe, c, platform),
    };
  });
  return { symbol, releases, hallOfShame, replacement: replacementFor(symbol) };
}

/**
 * The catalog's signatures are on one line, so the field comments of a struct
 * type run into the fields after them (`struct { enabled bool // compiler emits
 * … alignme uint64 }`), which is not Go. Where the line breaks are lost the
 * fields cannot be told apart: the body is left out.
 */
function readableSignature(signature: string): string {
  const open = signature.indexOf('{');
  const close = signature.lastIndexOf('}');
  if (open < 0 || close < open || !signature.slice(open, close).includes('//')) return signature;
  return `${signature.slice(0, open + 1)} … ${signature.slice(close)}`;
}

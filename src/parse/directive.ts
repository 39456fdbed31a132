// The text rules of `//go:linkname`, as cmd/compile/internal/noder applies them:
// the comment must start with `//go:linkname ` (a space, not a tab), its
// whitespace-separated fields are the verb and one or two arguments, and any
// other field count is a usage error.

import { detach } from './source.js';

export interface DirectiveText {
  verb: 'linkname' | 'linknamestd';
  /** The arguments after the verb (1 or 2 for a well-formed directive). */
  args: string[];
}

const PREFIXES = [
  ['//go:linkname ', 'linkname'],
  ['//go:linknamestd ', 'linknamestd'],
] as const;

/** Parses a line comment; returns null when the compiler would not treat it as a linkname directive at all. */
export function parseDirectiveComment(comment: string): DirectiveText | null {
  for (const [prefix, verb] of PREFIXES) {
    if (comment.startsWith(prefix)) {
      const fields = comment.slice(2).trim().split(/\s+/u);
      return { verb, args: fields.slice(1).map(detach) };
    }
  }
  return null;
}

/** The 1-or-2-argument rule; anything else is `usage: //go:linkname localname [linkname]`. */
export function isWellFormed(d: DirectiveText): boolean {
  return d.args.length === 1 || d.args.length === 2;
}

/**
 * Splits a linker symbol into import path and symbol: the package ends at the
 * first `.` after the last `/` (so `github.com/a/b/v2.sym` and
 * `reflect.(*rtype).Name` both split correctly). Returns null for a symbol with
 * no package (a C symbol). Escapes the linker uses in the last path element
 * (`%2e`) are decoded.
 */
export function splitSymbol(raw: string): { importPath: string; symbol: string } | null {
  const bracket = raw.indexOf('[');
  const head = bracket >= 0 ? raw.slice(0, bracket) : raw;
  const dot = head.indexOf('.', head.lastIndexOf('/') + 1);
  if (dot <= 0) return null;
  return { importPath: decodeLinkerPath(raw.slice(0, dot)), symbol: raw.slice(dot + 1) };
}

/**
 * Whether a linker symbol's name (after its import path) is an exported
 * package-level name: one identifier starting with an upper-case letter. A
 * method (`Time.abs`, `(*Builder).Grow`) is not, whatever its type's name.
 */
export function isExportedName(symbol: string): boolean {
  return /^\p{Lu}[\p{L}\p{N}_]*$/u.test(symbol);
}

function decodeLinkerPath(path: string): string {
  return path.includes('%')
    ? path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : path;
}

/** Assembly spells `.` as `·` (U+00B7) and `/` as `∕` (U+2215). */
export function normaliseAsmSymbol(s: string): string {
  return s.replace(/\u00b7/g, '.').replace(/\u2215/g, '/');
}

/** A remote containing both `[` and `]` names a generic instantiation (rejected since Go 1.23). */
export function isInstantiation(remote: string): boolean {
  return remote.includes('[') && remote.includes(']');
}

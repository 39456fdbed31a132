// Fixes are plain data, as in go/analysis: a Diagnostic carries SuggestedFix
// alternatives (the first is the one applied); a fix is all-or-nothing.

import type { Finding } from '../model/types.js';

/** Ruff's model: `safe` keeps behaviour; `unsafe` changes it in the documented way; `manual` has no automatic form. */
export type Applicability = 'safe' | 'unsafe' | 'manual';

export type Strategy = 'handshake' | 'exported' | 'replacement' | 'vendored' | 'guard' | 'manual';

/**
 * Replace [start, end) of a file with `newText` (an insertion when start === end).
 * Offsets are UTF-16 code units of the file's text without its BOM — the units
 * magic-string and tree-sitter use; reports add line/column/byte positions.
 */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export type FileOp = { kind: 'create'; file: string; content: string } | { kind: 'delete'; file: string };

export interface SuggestedFix {
  message: string;
  applicability: Applicability;
  strategy: Strategy;
  edits: TextEdit[];
  files: FileOp[];
}

export interface Diagnostic {
  finding: Finding;
  message: string;
  /** Alternatives; empty when there is nothing to change (a manual diagnostic says why in `message`). */
  fixes: SuggestedFix[];
}

export interface Plan {
  base: string;
  diagnostics: Diagnostic[];
}

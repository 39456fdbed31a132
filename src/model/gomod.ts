// Minimal readers for go.mod and go.work: the directives linkfix needs
// (module, go, toolchain, use), with modfile-style errors naming the line.

export interface GoModFile {
  module: string | null;
  go: string | null;
  toolchain: string | null;
}

export interface GoWorkFile {
  go: string | null;
  toolchain: string | null;
  /** Directories named by `use`, as written (relative to the go.work's directory). */
  use: string[];
}

export class ModFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const MOD_VERBS = new Set(['module', 'go', 'godebug', 'toolchain', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);
const WORK_VERBS = new Set(['go', 'godebug', 'toolchain', 'use', 'replace']);

interface Statement {
  verb: string;
  args: string[];
  line: number;
}

/** Splits a mod-style file into statements, expanding `verb ( … )` blocks. */
function statements(text: string, verbs: ReadonlySet<string>): Statement[] {
  const out: Statement[] = [];
  let block: string | null = null;
  let blockLine = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    const tokens = tokenize(line, i + 1);
    if (block !== null) {
      if (tokens[0] === ')' && tokens.length === 1) block = null;
      else out.push({ verb: block, args: tokens, line: i + 1 });
      continue;
    }
    const verb = tokens[0]!;
    if (!verbs.has(verb)) throw new ModFileError(i + 1, `unknown directive: ${verb}`);
    if (tokens[1] === '(' && tokens.length === 2) {
      block = verb;
      blockLine = i + 1;
    }
    else out.push({ verb, args: tokens.slice(1), line: i + 1 });
  }
  if (block !== null) throw new ModFileError(blockLine, `unterminated ${block} block`);
  return out;
}

function tokenize(line: string, lineNo: number): string[] {
  const tokens: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|([^\s"`]+)/g;
  for (const m of line.matchAll(re)) {
    if (m[1] !== undefined) {
      try {
        tokens.push(JSON.parse(`"${m[1]}"`) as string);
      } catch {
        throw new ModFileError(lineNo, `invalid quoted string ${m[0]}`);
      }
    } else tokens.push(m[2] ?? m[3]!);
  }
  return tokens;
}

const GO_VERSION = /^1(\.(0|[1-9]\d*)){1,2}((rc|beta)\d+)?$/;

function single(st: Statement): string {
  if (st.args.length !== 1) throw new ModFileError(st.line, `usage: ${st.verb} ${st.verb === 'go' ? '1.23' : 'path'}`);
  return st.args[0]!;
}

export function parseGoMod(text: string): GoModFile {
  const mod: GoModFile = { module: null, go: null, toolchain: null };
  for (const st of statements(text, MOD_VERBS)) {
    if (st.verb === 'module') {
      if (mod.module !== null) throw new ModFileError(st.line, 'repeated module statement');
      mod.module = single(st);
    } else if (st.verb === 'go') {
      const v = single(st);
      if (!GO_VERSION.test(v)) throw new ModFileError(st.line, `invalid go version '${v}': must match format 1.23.0`);
      mod.go = v;
    } else if (st.verb === 'toolchain') mod.toolchain = single(st);
  }
  if (mod.module === null) throw new ModFileError(1, 'no module declaration in go.mod');
  return mod;
}

export function parseGoWork(text: string): GoWorkFile {
  const work: GoWorkFile = { go: null, toolchain: null, use: [] };
  for (const st of statements(text, WORK_VERBS)) {
    if (st.verb === 'go') work.go = single(st);
    else if (st.verb === 'toolchain') work.toolchain = single(st);
    else if (st.verb === 'use') work.use.push(single(st));
  }
  return work;
}

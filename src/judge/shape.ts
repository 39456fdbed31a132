// Signature shapes: what a linknamed call can get wrong is the machine-level
// layout of arguments and results, not the spelling of the types. A local
// declaration that says `unsafe.Pointer` where the std says `*_type` is fine;
// one that drops a `bool` parameter is not.

export type Shape = 'ptr' | 'str' | 'slice' | 'iface' | 'w64' | 'w32' | 'w16' | 'w8' | 'f64' | 'f32' | 'c128' | 'c64' | '?';

const BASIC: Record<string, Shape> = {
  int: 'w64', uint: 'w64', uintptr: 'w64', int64: 'w64', uint64: 'w64',
  int32: 'w32', uint32: 'w32', rune: 'w32',
  int16: 'w16', uint16: 'w16',
  int8: 'w8', uint8: 'w8', byte: 'w8', bool: 'w8',
  float64: 'f64', float32: 'f32', complex128: 'c128', complex64: 'c64',
  string: 'str', error: 'iface', any: 'iface',
  'unsafe.Pointer': 'ptr',
};

export function typeShape(type: string): Shape {
  const t = type.trim();
  if (t in BASIC) return BASIC[t]!;
  if (t.startsWith('...') || t.startsWith('[]')) return 'slice';
  if (t.startsWith('*') || t.startsWith('map[') || t.startsWith('chan ') || t.startsWith('<-chan') || t.startsWith('chan<-') || /^func\b/.test(t)) return 'ptr';
  if (t.startsWith('interface')) return 'iface';
  return '?'; // a named or array type: its layout is not known from the text
}

/** Splits at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export interface Param {
  name: string | null;
  type: string;
}

/** The entries of a parameter list, names kept when given (`a, b int` → a int, b int). */
export function paramList(list: string): Param[] {
  const items = splitTop(list);
  const named = items.some((it) => /^[\p{L}_][\p{L}\p{N}_]*\s+[^\s,]/u.test(it) && !/^(chan|func|map|struct|interface)\b/.test(it));
  if (!named) return items.map((type) => ({ name: null, type }));
  const params: Param[] = [];
  let pending: string[] = [];
  for (const it of items) {
    const m = /^([\p{L}_][\p{L}\p{N}_]*)\s+(.+)$/u.exec(it);
    if (m) {
      for (const name of [...pending, m[1]!]) params.push({ name, type: m[2]!.trim() });
      pending = [];
    } else pending.push(it);
  }
  return params;
}

/** Reads the bracketed group opening at s[i] and returns [inner text, index after its closer]. */
function group(s: string, i: number): [string, number] {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if ('([{'.includes(s[j]!)) depth++;
    else if (')]}'.includes(s[j]!) && --depth === 0) return [s.slice(i + 1, j), j + 1];
  }
  return [s.slice(i + 1), s.length];
}

export interface FuncSignature {
  name: string;
  /** A method's receiver comes first. */
  params: Param[];
  results: Param[];
  typeParams: boolean;
}

/** Parses `func [(recv)] name[[T]](params) results`. */
export function parseFuncSignature(signature: string): FuncSignature | null {
  let s = signature.trim();
  if (!s.startsWith('func')) return null;
  s = s.slice(4).trim();
  const params: Param[] = [];
  if (s.startsWith('(')) {
    const [recv, after] = group(s, 0);
    params.push(...paramList(recv));
    s = s.slice(after).trim();
  }
  const open = s.indexOf('(');
  if (open < 0) return null;
  let at = open;
  const bracket = s.indexOf('[');
  const typeParams = bracket >= 0 && bracket < open;
  if (typeParams) at = s.indexOf('(', group(s, bracket)[1]); // skip type parameters
  const name = s.slice(0, typeParams ? bracket : open).trim();
  const [list, after] = group(s, at);
  params.push(...paramList(list));
  const rest = s.slice(after).trim();
  const results = rest === '' ? [] : rest.startsWith('(') ? paramList(group(rest, 0)[0]) : [{ name: null, type: rest }];
  return { name, params, results, typeParams };
}

export interface FuncShape {
  params: Shape[];
  results: Shape[];
}

/** Shapes of a func signature; a method's receiver counts as the first parameter. */
export function funcShape(signature: string): FuncShape | null {
  const sig = parseFuncSignature(signature);
  return sig && { params: sig.params.map((p) => typeShape(p.type)), results: sig.results.map((p) => typeShape(p.type)) };
}

/** Var type of `var name T` (null when the declaration has no explicit type). */
export function varType(signature: string): string | null {
  const m = /^var\s+[\p{L}_][\p{L}\p{N}_]*(?:\s*,\s*[\p{L}_][\p{L}\p{N}_]*)*\s+(.+)$/u.exec(signature.trim());
  return m ? m[1]!.trim() : null;
}

const compatible = (a: Shape[], b: Shape[]): boolean => a.length === b.length && a.every((s, i) => s === '?' || b[i] === '?' || s === b[i]);

/** Does the local declaration disagree with the std one on argument or result layout? */
export function signatureDrifts(local: string, std: string): boolean {
  const lf = funcShape(local);
  const sf = funcShape(std);
  if (lf && sf) return !compatible(lf.params, sf.params) || !compatible(lf.results, sf.results);
  const lv = varType(local);
  const sv = varType(std);
  if (lv && sv) return !compatible([typeShape(lv)], [typeShape(sv)]);
  return false;
}

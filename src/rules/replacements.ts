// Known safe replacements for pulled std symbols: what a person (or, later,
// the rewrite engine) should use instead. Sources: the Go team's own comments
// in the std (runtime/rand.go, runtime/time_nofake.go, runtime/linkname_shim.go)
// and the public APIs that do the same job (reference §5.3).

import { splitSymbol } from '../parse/directive.js';

export interface Replacement {
  /** What to use instead. */
  use: string;
  /** First Go release that has it, when that matters. */
  since?: string;
  /** How behaviour differs, or why there is no automatic form. */
  note?: string;
  /** How the rewrite engine gives the pulled declaration a body (absent: a person decides). */
  rewrite?: Rewrite;
}

/**
 * A body for a pulled declaration with exactly this local signature. Templates
 * use `$0`, `$1`… for the parameters, `{pkg}` for the name an import got in
 * the file (e.g. `{rand}` for math/rand/v2), `{local}` for the local name.
 */
export interface Rewrite {
  params: string[];
  results: string[];
  imports: string[];
  body: string[];
  /** Package-level declarations placed after the function. */
  after?: string[];
  applicability: 'safe' | 'unsafe';
  /** Go minor the replacement needs (math/rand/v2: 22). */
  minGo?: number;
}

const rand = (params: string[], results: string[], call: string): Rewrite => ({
  params,
  results,
  imports: ['math/rand/v2'],
  body: [`return {rand}.${call}`],
  applicability: 'safe',
  minGo: 22,
});
const START = ['var {local}Start = {time}.Now()'];
const SEED = ['var {local}Seed = {maphash}.MakeSeed()'];

export const REPLACEMENTS: Readonly<Record<string, Replacement>> = {
  'runtime.fastrand': { use: 'math/rand/v2.Uint32()', since: '1.22', note: 'the Go team: "Code should migrate to math/rand/v2.Uint64"', rewrite: rand([], ['uint32'], 'Uint32()') },
  'runtime.fastrandn': { use: 'math/rand/v2.Uint32N(n)', since: '1.22', rewrite: rand(['uint32'], ['uint32'], 'Uint32N($0)') },
  'runtime.fastrand64': { use: 'math/rand/v2.Uint64()', since: '1.22', rewrite: rand([], ['uint64'], 'Uint64()') },
  'runtime.cheaprand': { use: 'math/rand/v2.Uint32()', since: '1.22', note: 'cheaprand "must not be exported to other packages"', rewrite: rand([], ['uint32'], 'Uint32()') },
  'runtime.cheaprandn': { use: 'math/rand/v2.Uint32N(n)', since: '1.22', rewrite: rand(['uint32'], ['uint32'], 'Uint32N($0)') },
  'runtime.cheaprand64': { use: 'math/rand/v2.Int64()', since: '1.22', rewrite: rand([], ['int64'], 'Int64()') },
  'runtime.nanotime': {
    use: 'time.Since(start) with a package-level start = time.Now()',
    note: 'monotonic and "equally fast"; the absolute value differs: it counts from package initialisation',
    rewrite: { params: [], results: ['int64'], imports: ['time'], body: ['return int64({time}.Since({local}Start))'], after: START, applicability: 'unsafe' },
  },
  'time.runtimeNano': {
    use: 'time.Since(start) with a package-level start = time.Now()',
    note: 'the absolute value differs: it counts from package initialisation',
    rewrite: { params: [], results: ['int64'], imports: ['time'], body: ['return int64({time}.Since({local}Start))'], after: START, applicability: 'unsafe' },
  },
  'time.now': {
    use: 'time.Now()',
    note: 'sec and nsec are the same; mono counts from package initialisation instead of the runtime\'s epoch',
    rewrite: {
      params: [],
      results: ['int64', 'int32', 'int64'],
      imports: ['time'],
      body: ['t := {time}.Now()', 'return t.Unix(), int32(t.Nanosecond()), int64(t.Sub({local}Start))'],
      after: START,
      applicability: 'unsafe',
    },
  },
  'runtime.walltime': {
    use: 'time.Now()',
    rewrite: { params: [], results: ['int64', 'int32'], imports: ['time'], body: ['t := {time}.Now()', 'return t.Unix(), int32(t.Nanosecond())'], applicability: 'safe' },
  },
  'runtime.memhash': {
    use: 'hash/maphash.Bytes(seed, b)',
    since: '1.19',
    note: 'hash values differ, and the seed argument is replaced by a package-level maphash.Seed',
    rewrite: {
      params: ['unsafe.Pointer', 'uintptr', 'uintptr'],
      results: ['uintptr'],
      imports: ['hash/maphash', 'unsafe'],
      body: ['return uintptr({maphash}.Bytes({local}Seed, {unsafe}.Slice((*byte)($0), $2)))'],
      after: SEED,
      applicability: 'unsafe',
      minGo: 19,
    },
  },
  'runtime.strhash': {
    use: 'hash/maphash.String(seed, s)',
    since: '1.19',
    note: 'hash values differ, and the seed argument is replaced by a package-level maphash.Seed',
    rewrite: {
      params: ['unsafe.Pointer', 'uintptr'],
      results: ['uintptr'],
      imports: ['hash/maphash'],
      body: ['return uintptr({maphash}.String({local}Seed, *(*string)($0)))'],
      after: SEED,
      applicability: 'unsafe',
      minGo: 19,
    },
  },
  'runtime.memhash64': { use: 'hash/maphash.Comparable(seed, v)', since: '1.24', note: 'hash values differ' },
  'runtime.memhash32': { use: 'hash/maphash.Comparable(seed, v)', since: '1.24', note: 'hash values differ' },
  'reflect.unsafe_New': {
    use: 'reflect.New(t).UnsafePointer()',
    since: '1.18',
    note: 'only when the local declaration takes a reflect.Type; a raw type pointer has no public conversion',
    rewrite: { params: ['reflect.Type'], results: ['unsafe.Pointer'], imports: ['reflect'], body: ['return {reflect}.New($0).UnsafePointer()'], applicability: 'safe', minGo: 18 },
  },
  'reflect.unsafe_NewArray': {
    use: 'reflect.MakeSlice(reflect.SliceOf(t), n, n)',
    note: 'only when the local declaration takes a reflect.Type',
    rewrite: { params: ['reflect.Type', 'int'], results: ['unsafe.Pointer'], imports: ['reflect'], body: ['return {reflect}.MakeSlice({reflect}.SliceOf($0), $1, $1).UnsafePointer()'], applicability: 'safe', minGo: 18 },
  },
  'reflect.typedmemmove': {
    use: 'reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())',
    note: 'only when the local declaration takes a reflect.Type',
    rewrite: { params: ['reflect.Type', 'unsafe.Pointer', 'unsafe.Pointer'], results: [], imports: ['reflect'], body: ['{reflect}.NewAt($0, $1).Elem().Set({reflect}.NewAt($0, $2).Elem())'], applicability: 'safe' },
  },
  'runtime.noescape': {
    use: 'return the pointer itself',
    note: 'the runtime\'s uintptr round trip hides the pointer from escape analysis, which go vet rejects (possible misuse of unsafe.Pointer); returning it keeps values the same, but what it points to may now be allocated on the heap',
    rewrite: { params: ['unsafe.Pointer'], results: ['unsafe.Pointer'], imports: [], body: ['return $0'], applicability: 'unsafe' },
  },
  'runtime.memmove': { use: 'copy over unsafe.Slice' },
  'runtime.memequal': { use: 'bytes.Equal over unsafe.Slice' },
  'runtime.growslice': { use: 'append or slices.Grow' },
  'runtime.mallocgc': { use: 'make or new' },
  'runtime.mapiterinit': { use: 'reflect.Value.MapRange, maps.All or a plain range', note: 'the Go team: "use reflect or the maps package"' },
  'runtime.mapiternext': { use: 'reflect.Value.MapRange, maps.All or a plain range' },
  'runtime.getAuxv': { use: 'golang.org/x/sys/unix.Auxv()' },
  'runtime.ncpu': { use: 'runtime.NumCPU()', note: 'a var pull has no body to give: read runtime.NumCPU() where the var is read (from Go 1.25 the pulled var silently reads 0)' },
  'runtime.procPin': { use: 'no public equivalent', note: 'restructure (e.g. sync.Pool or per-P sharding by other means)' },
  'runtime.procUnpin': { use: 'no public equivalent', note: 'restructure' },
  'sync.runtime_Semacquire': { use: 'no public equivalent', note: 'golang.org/x/sync/semaphore or channels' },
  'sync.runtime_Semrelease': { use: 'no public equivalent', note: 'golang.org/x/sync/semaphore or channels' },
  'encoding/json.safeSet': { use: 'a vendored copy of the table from your GOROOT', note: 'a pure std var: copy it' },
  'encoding/json.htmlSafeSet': { use: 'a vendored copy of the table from your GOROOT', note: 'a pure std var: copy it' },
};

/** The replacement of a symbol; exported std functions are simply called. */
export function replacementFor(symbol: string): Replacement | null {
  const known = REPLACEMENTS[symbol];
  if (known) return known;
  const name = splitSymbol(symbol)?.symbol ?? '';
  if (/^[A-Z]/.test(name)) return { use: `call ${symbol} directly`, note: 'it is exported' };
  return null;
}

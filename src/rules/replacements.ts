// Known safe replacements for pulled std symbols: what a person (or, later,
// the rewrite engine) should use instead. Sources: the Go team's own comments
// in the std (runtime/rand.go, runtime/time_nofake.go, runtime/linkname_shim.go)
// and the public APIs that do the same job (reference §5.3).

export interface Replacement {
  /** What to use instead. */
  use: string;
  /** First Go release that has it, when that matters. */
  since?: string;
  /** How behaviour differs, or why there is no automatic form. */
  note?: string;
}

export const REPLACEMENTS: Readonly<Record<string, Replacement>> = {
  'runtime.fastrand': { use: 'math/rand/v2.Uint32()', since: '1.22', note: 'the Go team: "Code should migrate to math/rand/v2.Uint64"' },
  'runtime.fastrandn': { use: 'math/rand/v2.Uint32N(n)', since: '1.22' },
  'runtime.fastrand64': { use: 'math/rand/v2.Uint64()', since: '1.22' },
  'runtime.cheaprand': { use: 'math/rand/v2.Uint32()', since: '1.22', note: 'cheaprand "must not be exported to other packages"' },
  'runtime.cheaprandn': { use: 'math/rand/v2.Uint32N(n)', since: '1.22' },
  'runtime.cheaprand64': { use: 'math/rand/v2.Int64()', since: '1.22' },
  'runtime.nanotime': { use: 'time.Since(start) with a package-level start = time.Now()', note: 'monotonic and "equally fast"; the absolute value differs' },
  'time.runtimeNano': { use: 'time.Since(start) with a package-level start = time.Now()', note: 'the absolute value differs' },
  'time.now': { use: 'time.Now()', note: 'unpack sec, nsec and the monotonic reading from the Time' },
  'runtime.walltime': { use: 'time.Now()' },
  'runtime.memhash': { use: 'hash/maphash.Bytes(seed, b)', since: '1.19', note: 'hash values differ' },
  'runtime.strhash': { use: 'hash/maphash.String(seed, s)', since: '1.19', note: 'hash values differ' },
  'runtime.memhash64': { use: 'hash/maphash.Comparable(seed, v)', since: '1.24', note: 'hash values differ' },
  'runtime.memhash32': { use: 'hash/maphash.Comparable(seed, v)', since: '1.24', note: 'hash values differ' },
  'reflect.unsafe_New': { use: 'reflect.New(t).UnsafePointer()', since: '1.18' },
  'reflect.unsafe_NewArray': { use: 'reflect.MakeSlice(reflect.SliceOf(t), n, n)' },
  'reflect.typedmemmove': { use: 'reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())' },
  'runtime.noescape': { use: 'a local helper: x := uintptr(p); return unsafe.Pointer(x ^ 0)' },
  'runtime.memmove': { use: 'copy over unsafe.Slice' },
  'runtime.memequal': { use: 'bytes.Equal over unsafe.Slice' },
  'runtime.growslice': { use: 'append or slices.Grow' },
  'runtime.mallocgc': { use: 'make or new' },
  'runtime.mapiterinit': { use: 'reflect.Value.MapRange, maps.All or a plain range', note: 'the Go team: "use reflect or the maps package"' },
  'runtime.mapiternext': { use: 'reflect.Value.MapRange, maps.All or a plain range' },
  'runtime.getAuxv': { use: 'golang.org/x/sys/unix.Auxv()' },
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
  const dot = symbol.indexOf('.', symbol.lastIndexOf('/') + 1);
  const name = symbol.slice(dot + 1);
  if (/^[A-Z]/.test(name)) return { use: `call ${symbol} directly`, note: 'it is exported' };
  return null;
}

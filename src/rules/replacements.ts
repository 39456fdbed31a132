// Known replacements for pulled std symbols: what a person or the rewrite
// engine should use instead. Sources: the Go team's own comments in the std
// (runtime/rand.go, runtime/time_nofake.go, runtime/linkname_shim.go) and the
// public APIs that do the same job (reference §5.3). A rewrite is labelled
// safe only when it behaves exactly as the pull; otherwise it is unsafe and
// its note says how it differs (test/rules-edge.test.ts checks each one at its
// edge inputs against the pulled function).

import { importable } from '../model/modules.js';
import { isExportedName, splitSymbol } from '../parse/directive.js';

/**
 * How exact the public replacement is (the reference's classes): the same
 * behaviour for every input, a mechanical conversion with the same result, a
 * stated difference, or no public equivalent (the code must be restructured).
 */
export type ReplacementClass = 'drop-in' | 'adapter' | 'semantic-difference' | 'none';

export interface Replacement {
  /** What to use instead. */
  use: string;
  /** Absent for a symbol the reference does not class. */
  class?: ReplacementClass;
  /** First Go release that has it, when that matters. */
  since?: string;
  /** How behaviour differs, or why there is no automatic form. */
  note?: string;
  /** How the rewrite engine gives the pulled declaration a body (absent: a person decides). */
  rewrite?: Rewrite;
  /** For a var pull: the value the engine gives the var instead of the std's. */
  initialise?: Initialiser;
}

/**
 * A pulled var that becomes an ordinary package var with this initialiser:
 * every read stays as written. Only for a std var that never changes after
 * start-up, and only where the package never writes the var (a write reached
 * the std's variable, and would now stay local).
 */
export interface Initialiser {
  /** The var's declared type. */
  type: string;
  imports: string[];
  /** The initialiser, with `{pkg}` for an import's name in the file. */
  value: string;
  applicability: 'safe' | 'unsafe';
}

/**
 * A body for a pulled declaration with exactly this local signature. Templates
 * use `$0`, `$1`… for the parameters, `{pkg}` for the name an import got in
 * the file (e.g. `{rand}` for math/rand/v2), `{local}` for the local name;
 * package-level helpers are named `{local}Xxx`.
 */
export interface Rewrite {
  /** Parameter types; ANY_POINTER matches unsafe.Pointer or any *T. */
  params: string[];
  results: string[];
  imports: string[];
  body: string[];
  /** Package-level declarations placed after the function (one may span lines). */
  after?: string[];
  applicability: 'safe' | 'unsafe';
  /** Go minor the replacement needs (math/rand/v2: 22). */
  minGo?: number;
}

/** A rewrite parameter that takes whatever pointer type the local declaration chose. */
export const ANY_POINTER = '*';

const rand = (params: string[], results: string[], value: string, applicability: Rewrite['applicability']): Rewrite => ({
  params,
  results,
  imports: ['math/rand/v2'],
  body: [`return ${value}`],
  applicability,
  minGo: 22,
});
/** The runtime's own bounded draw (randn, cheaprandn): a multiply-shift, 0 for n == 0 where rand.Uint32N panics. */
const RANDN = 'uint32((uint64({rand}.Uint32()) * uint64($0)) >> 32)';
const CHEAP = 'values come from the runtime\'s ChaCha8 generator instead of cheaprand\'s per-thread wyrand (xorshift on 32-bit platforms): the same range and an even spread, and neither form can be seeded or reproduced, but each call costs several times more (measured on go1.23.12: 5–9 ns against 27–33 ns), the reason code picks cheaprand';
/**
 * A monotonic origin at process start rather than at package initialisation:
 * the monotonic reading that time.Time.String prints (m=±<value>, in seconds)
 * counts from the time package's start, before any other package's init, so
 * readings stay at least as large as time.Since of any package-level time.
 */
const START = [
  'var {local}Start = {time}.Now()',
  '// {local}Origin is the monotonic reading of {local}Start (time.Time.String\'s m=±<value>): nanoseconds since the process started.\nvar {local}Origin = {local}Mono({local}Start)',
  'func {local}Mono(t {time}.Time) int64 {\n\ts := t.String()\n\ti := {strings}.LastIndex(s, " m=")\n\tif i < 0 {\n\t\treturn 0\n\t}\n\td, err := {time}.ParseDuration(s[i+3:] + "s")\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn int64(d)\n}',
];
const SINCE_START = 'return {local}Origin + int64({time}.Since({local}Start))';
const SYNCTEST = 'inside a testing/synctest bubble (Go 1.24 with GOEXPERIMENT=synctest, 1.25+) time.Now reads the bubble\'s fake clock, where the runtime reads the real one';
/**
 * h is written into a maphash.Hash keyed by the package's seed before the
 * data, so the result depends on h as the runtime's does (chained hashing
 * keeps working); `write` is the Hash method that takes `data`.
 */
const seededHash = (data: string, write: string): string[] => [
  'var {local}Seed = {maphash}.MakeSeed()',
  [
    `func {local}Hash(h uint64, data ${data}) uint64 {`,
    '\tvar m {maphash}.Hash',
    '\tm.SetSeed({local}Seed)',
    '\tfor i := 0; i < 8; i++ {',
    '\t\tm.WriteByte(byte(h >> (8 * i)))',
    '\t}',
    `\tm.${write}(data)`,
    '\treturn m.Sum64()',
    '}',
  ].join('\n'),
];
const HASH = 'hash values differ from the runtime\'s (both are random per process); h is hashed before the data with a package-level maphash.Seed, so equal inputs hash equal and different h give different hashes';
/** memhash32 and memhash64: the seeded hash above, over the 4 or 8 bytes at p. */
const fixedWidthHash = (width: number): Rewrite => ({
  params: ['unsafe.Pointer', 'uintptr'],
  results: ['uintptr'],
  imports: ['hash/maphash', 'unsafe'],
  body: [`return uintptr({local}Hash(uint64($1), {unsafe}.Slice((*byte)($0), ${width})))`],
  after: seededHash('[]byte', 'Write'),
  applicability: 'unsafe',
  minGo: 19,
});
/**
 * Where the runtime's raw-memory routines fault on a nil pointer, unsafe.Slice
 * panics first, with its own message (measured on go1.23.12).
 */
const NIL_SLICE = 'panics with "unsafe.Slice: ptr is nil and len is not zero" (a fatal error under -race or -d=checkptr) where the runtime panics with "invalid memory address or nil pointer dereference"';
/** The runtime's assembly never grows the stack; a Go function may, which matters only on paths that must not (signal handlers, threads without a goroutine). */
const STACK = 'the function is ordinary Go, with a stack check the assembly routine does not have';
/** memmove, memclrNoHeapPointers, memequal: one statement over unsafe.Slice byte views. */
const memRule = (params: string[], results: string[], statement: string, minGo: number): Rewrite => ({ params, results, imports: ['unsafe'], body: [statement], applicability: 'unsafe', minGo });
/**
 * time.absDate and absClock count seconds from January 1 of the year
 * -292277022399, the first year of a 400-year Gregorian cycle, as year 1 is:
 * the date within the cycle is time's own, and the calendar repeats after it.
 */
const ABS_DATE = [
  'func {local}Date(abs uint64) (year int, month {time}.Month, day int, yday int) {',
  '\tconst cycle = 146097 * 24 * 60 * 60',
  '\tt := {time}.Unix(int64(abs%cycle)-62135596800, 0).UTC()',
  '\tyear, month, day = t.Date()',
  '\treturn year - 1 - 292277022399 + 400*int(abs/cycle), month, day, t.YearDay() - 1',
  '}',
].join('\n');
/** From 1.24 the pulled names are shims over a new epoch, which wrap around in the last days of the uint64 range. */
const ABS_TOP = 'the last 306 days of the uint64 range (in the year 292277026854, past the last time.Time) give the Go 1.21–1.23 values, where the Go 1.24+ shim wraps around';
/** encoding/json's byte tables, unchanged since Go 1.7; a copy keeps the std's [utf8.RuneSelf]bool type. */
const JSON_TABLE = (rule: string): string =>
  `declare it as the std does, var x [utf8.RuneSelf]bool (128 entries: a longer local array let indexes past 127 read other memory, a copy panics on them), with x[b] true for 0x20 <= b < 0x80 where ${rule}; from Go 1.27 (encoding/json/v2 by default) the pull links to an all-false table of its own`;
// Advice for pulls with no automatic form: the closest public API and what to restructure.
const MAP_READ: Replacement = {
  use: 'm[k] (comma-ok for mapaccess2) for a static type; reflect.Value.MapIndex(k) and IsValid for a dynamic one',
  class: 'semantic-difference',
  note: 'the public forms return a copy of the value, not a pointer into the map\'s storage; MapIndex gives an invalid Value for a missing key where mapaccess1 points at a shared zero value; large values may allocate',
};
const MAP_WRITE: Replacement = {
  use: 'm[k] = v for a static type; reflect.Value.SetMapIndex(k, v) for a dynamic one',
  class: 'semantic-difference',
  note: 'the value must exist before the call and there is no slot to write in place: store pointers in the map to mutate values in place',
};
const MAP_ITER: Replacement = {
  use: 'range, or maps.All (1.23); for a dynamic type reflect.Value.MapRange with SetIterKey/SetIterValue and MapIter.Reset (1.18)',
  class: 'semantic-difference',
  note: 'keys and values are copied: there are no pointers into the map; the Go team asked for reflect or the maps package',
};
const MAKE_MAP: Replacement = { use: 'make(map[K]V, hint), or reflect.MakeMapWithSize(t, hint).UnsafePointer() (1.9) for a dynamic type', class: 'adapter', note: 'the runtime form\'s caller-supplied map header is dropped; reflect needs a reflect.Type' };
const FUNC_INFO: Replacement = {
  use: 'runtime.FuncForPC(pc) with Entry, FileLine and Name, or runtime.CallersFrames',
  class: 'adapter',
  note: 'funcInfo becomes *runtime.Func, nil when the pc is unknown; line becomes int and there is no strict flag; for a pc in inlined code FuncForPC names the inlined callee with the outer function\'s entry, while CallersFrames understands inlining',
};
const HASH_ANY: Replacement = {
  use: 'hash/maphash.Comparable[any](seed, v) (1.24)',
  class: 'semantic-difference',
  note: 'h has no public equivalent (write it into a maphash.Hash first to keep chained hashing); an unhashable dynamic type panics in both; v may escape to the heap',
};
const POOL_CLEANUP: Replacement = {
  use: 'a per-GC hook through runtime.AddCleanup (1.24) or a finalizer that re-arms itself; or a sync.Pool',
  class: 'semantic-difference',
  note: 'the pull replaces the runtime\'s only pool-cleanup hook (chain sync.poolCleanup or every sync.Pool stops being cleared); the hook runs with the world stopped at the start of a GC, cleanups and finalizers later on another goroutine',
};
/** reflect.(*rtype) methods, pushed from reflect: the same method of reflect.Type. */
const RTYPE_METHOD = /^reflect\.\(\*rtype\)\.([A-Z]\w*)$/;
/**
 * The reflect.Type methods public code pulls from (*rtype): the parameters
 * after the receiver and the results, spelled as in a file that imports reflect.
 */
const RTYPE_METHODS: Record<string, [params: string[], results: string[]]> = {
  Align: [[], ['int']],
  AssignableTo: [['reflect.Type'], ['bool']],
  Bits: [[], ['int']],
  ChanDir: [[], ['reflect.ChanDir']],
  Comparable: [[], ['bool']],
  ConvertibleTo: [['reflect.Type'], ['bool']],
  Elem: [[], ['reflect.Type']],
  Field: [['int'], ['reflect.StructField']],
  FieldAlign: [[], ['int']],
  FieldByIndex: [['[]int'], ['reflect.StructField']],
  FieldByName: [['string'], ['reflect.StructField', 'bool']],
  FieldByNameFunc: [['func(string) bool'], ['reflect.StructField', 'bool']],
  Implements: [['reflect.Type'], ['bool']],
  In: [['int'], ['reflect.Type']],
  IsVariadic: [[], ['bool']],
  Key: [[], ['reflect.Type']],
  Kind: [[], ['reflect.Kind']],
  Len: [[], ['int']],
  Method: [['int'], ['reflect.Method']],
  MethodByName: [['string'], ['reflect.Method', 'bool']],
  Name: [[], ['string']],
  NumField: [[], ['int']],
  NumIn: [[], ['int']],
  NumMethod: [[], ['int']],
  NumOut: [[], ['int']],
  Out: [['int'], ['reflect.Type']],
  PkgPath: [[], ['string']],
  Size: [[], ['uintptr']],
  String: [[], ['string']],
};
/**
 * The method of the reflect.Type that holds the pulled function's type
 * pointer: reflect.TypeOf of an interface value whose type word is that
 * pointer returns the same *rtype, so the same method runs.
 */
const rtypeRule = (method: string, [params, results]: [string[], string[]]): Replacement => ({
  use: `the ${method} method of a reflect.Type`,
  class: 'adapter',
  note: 'the reflect.Type is made from the pointer through the layout of an interface value (its type word first), which the language does not promise, as the pull relied on reflect\'s internals; the same method gives the same results; a nil type pointer panics in both, but with a nil dereference where some methods (Bits, Implements) give reflect\'s own message (keep reflect.Type values, from reflect.TypeOf or reflect.TypeFor, to need neither)',
  rewrite: {
    params: [ANY_POINTER, ...params],
    results,
    imports: ['reflect', 'unsafe'],
    body: [`return {reflect}.TypeOf(*(*interface{})({unsafe}.Pointer(&[2]{unsafe}.Pointer{{unsafe}.Pointer($0), nil}))).${method}(${params.map((_, i) => `$${i + 1}`).join(', ')})`],
    applicability: 'unsafe',
  },
});
const TYPED_COPY = 'reflect.Copy(reflect.SliceAt(t, dst, n), reflect.SliceAt(t, src, m)), or copy for a static type';
const TYPED_COPY_NOTE = 'the same barrier-aware copy, returning the shorter length; it needs the element\'s reflect.Type instead of the runtime\'s type pointer (keep reflect.Type values: TypeOf, TypeFor); before Go 1.23, NewAt(SliceOf(t), header) gives the slices';
const PIN = 'nothing public disables preemption or tells the P: for sharding, take a shard token from a sync.Pool or pick a random shard (math/rand/v2); for per-P caches, use sync.Pool';
const SEMA = 'runtime semaphores key any *uint32 without allocating and can hand off directly; the nearest public forms are a buffered channel, sync.Cond, or golang.org/x/sync/semaphore';
const SPIN = 'runtime.Gosched yields instead of spinning and cannot see idle Ps; a spin-then-park lock is what sync.Mutex already does';
const STW = 'user code cannot stop the world: restructure so the state is consistent without it (a lock, copy-on-write, or runtime/debug and runtime/metrics for what is read under STW)';
const MODULEDATA = 'these register loaded or JIT-compiled code with the runtime: use a non-JIT path (reflect or an interpreter) or plugin';
const WRITE_BARRIER = 'the atomics do the write barrier for ordinary pointer stores; a double-width CAS over a pointer has no public form: restructure with tagged indices or a mutex';
/** A reflect.Type is an interface; the std function takes the *abi.Type inside it. */
const DECLARED_TYPE = 'the pull passes a reflect.Type where the std function takes the *abi.Type it holds, so as declared it reads the interface\'s method table as the type and never worked';

const TYPED_MOVE: Replacement = {
  use: 'reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())',
  class: 'adapter',
  note: `only when the local declaration takes a reflect.Type; ${DECLARED_TYPE} (it writes into the type's read-only memory: a fault); a nil dst or src panics in reflect, where the runtime does nothing for a zero-size type`,
  rewrite: { params: ['reflect.Type', 'unsafe.Pointer', 'unsafe.Pointer'], results: [], imports: ['reflect'], body: ['{reflect}.NewAt($0, $1).Elem().Set({reflect}.NewAt($0, $2).Elem())'], applicability: 'unsafe' },
};

export const REPLACEMENTS: Readonly<Record<string, Replacement>> = {
  'runtime.fastrand': { class: 'drop-in', use: 'math/rand/v2.Uint32()', since: '1.22', note: 'the Go team: "Code should migrate to math/rand/v2.Uint64"', rewrite: rand([], ['uint32'], '{rand}.Uint32()', 'safe') },
  'runtime.fastrandn': {
    class: 'adapter',
    use: 'the runtime\'s multiply-shift over math/rand/v2.Uint32()',
    since: '1.22',
    note: 'exact: fastrandn computes the same over the same generator, and gives 0 for n == 0, where rand.Uint32N panics',
    rewrite: rand(['uint32'], ['uint32'], RANDN, 'safe'),
  },
  'runtime.fastrand64': { class: 'drop-in', use: 'math/rand/v2.Uint64()', since: '1.22', note: 'the same runtime generator', rewrite: rand([], ['uint64'], '{rand}.Uint64()', 'safe') },
  'runtime.cheaprand': { class: 'semantic-difference', use: 'math/rand/v2.Uint32()', since: '1.22', note: CHEAP, rewrite: rand([], ['uint32'], '{rand}.Uint32()', 'unsafe') },
  'runtime.cheaprandn': { class: 'semantic-difference', use: 'the runtime\'s multiply-shift over math/rand/v2.Uint32()', since: '1.22', note: `${CHEAP}; 0 for n == 0, as before`, rewrite: rand(['uint32'], ['uint32'], RANDN, 'unsafe') },
  'runtime.cheaprand64': { class: 'semantic-difference', use: 'math/rand/v2.Int64()', since: '1.22', note: `${CHEAP}; the range stays [0, 2^63)`, rewrite: rand([], ['int64'], '{rand}.Int64()', 'unsafe') },
  'runtime.nanotime': {
    class: 'semantic-difference',
    use: 'time.Since(start) with a package-level start = time.Now(), plus start\'s monotonic reading (from process start)',
    note: `the same monotonic clock, but it counts from process start, not the runtime's epoch; ${SYNCTEST}`,
    rewrite: { params: [], results: ['int64'], imports: ['strings', 'time'], body: [SINCE_START], after: START, applicability: 'unsafe' },
  },
  'runtime.nanotime1': {
    class: 'semantic-difference',
    use: 'time.Since(start) with a package-level start = time.Now(), plus start\'s monotonic reading (from process start)',
    note: `the same OS monotonic clock that nanotime1 reads, but it counts from process start, not the runtime's epoch; ${SYNCTEST}`,
    rewrite: { params: [], results: ['int64'], imports: ['strings', 'time'], body: [SINCE_START], after: START, applicability: 'unsafe' },
  },
  'time.runtimeNano': {
    class: 'semantic-difference',
    use: 'time.Since(start) with a package-level start = time.Now(), plus start\'s monotonic reading (from process start)',
    note: `the same monotonic clock, but it counts from process start; ${SYNCTEST}`,
    rewrite: { params: [], results: ['int64'], imports: ['strings', 'time'], body: [SINCE_START], after: START, applicability: 'unsafe' },
  },
  'time.now': {
    class: 'adapter',
    use: 'time.Now()',
    note: `sec and nsec read the same wall clock; mono counts from process start instead of the runtime's epoch; ${SYNCTEST}`,
    rewrite: {
      params: [],
      results: ['int64', 'int32', 'int64'],
      imports: ['strings', 'time'],
      body: ['t := {time}.Now()', 'return t.Unix(), int32(t.Nanosecond()), {local}Origin + int64(t.Sub({local}Start))'],
      after: START,
      applicability: 'unsafe',
    },
  },
  'time.absDate': {
    class: 'adapter',
    use: 'the date of time.Unix(…).UTC(), within the abs value\'s 400-year cycle',
    note: `the same date for every abs with full == true; with full == false Go 1.21–1.23 left month and day 0, and the rewrite fills them in, as Go 1.24+ does; ${ABS_TOP}`,
    rewrite: { params: ['uint64', 'bool'], results: ['int', 'time.Month', 'int', 'int'], imports: ['time'], body: ['return {local}Date($0)'], after: [ABS_DATE], applicability: 'unsafe' },
  },
  'time.absClock': {
    class: 'adapter',
    use: 'the clock of time.Unix(abs % 86400, 0).UTC()',
    note: `the same hour, minute and second for every abs, except that ${ABS_TOP}`,
    rewrite: { params: ['uint64'], results: ['int', 'int', 'int'], imports: ['time'], body: ['return {time}.Unix(int64($0%86400), 0).UTC().Clock()'], applicability: 'unsafe' },
  },
  'runtime.walltime': {
    class: 'adapter',
    use: 'time.Now()',
    note: `the same wall clock, except that ${SYNCTEST}`,
    rewrite: { params: [], results: ['int64', 'int32'], imports: ['time'], body: ['t := {time}.Now()', 'return t.Unix(), int32(t.Nanosecond())'], applicability: 'unsafe' },
  },
  'runtime.memhash': {
    class: 'semantic-difference',
    use: 'a hash/maphash.Hash with a package-level seed, fed h and then the bytes',
    since: '1.19',
    note: HASH,
    rewrite: {
      params: ['unsafe.Pointer', 'uintptr', 'uintptr'],
      results: ['uintptr'],
      imports: ['hash/maphash', 'unsafe'],
      body: ['return uintptr({local}Hash(uint64($1), {unsafe}.Slice((*byte)($0), $2)))'],
      after: seededHash('[]byte', 'Write'),
      applicability: 'unsafe',
      minGo: 19,
    },
  },
  'runtime.strhash': {
    class: 'semantic-difference',
    use: 'a hash/maphash.Hash with a package-level seed, fed h and then the string',
    since: '1.19',
    note: HASH,
    rewrite: {
      params: ['unsafe.Pointer', 'uintptr'],
      results: ['uintptr'],
      imports: ['hash/maphash'],
      body: ['return uintptr({local}Hash(uint64($1), *(*string)($0)))'],
      after: seededHash('string', 'WriteString'),
      applicability: 'unsafe',
      minGo: 19,
    },
  },
  'runtime.memhash32': {
    class: 'semantic-difference',
    use: 'a hash/maphash.Hash with a package-level seed, fed h and then the 4 bytes',
    since: '1.19',
    note: `${HASH}; a nil p ${NIL_SLICE}`,
    rewrite: fixedWidthHash(4),
  },
  'runtime.memhash64': {
    class: 'semantic-difference',
    use: 'a hash/maphash.Hash with a package-level seed, fed h and then the 8 bytes',
    since: '1.19',
    note: `${HASH}; a nil p ${NIL_SLICE}`,
    rewrite: fixedWidthHash(8),
  },
  'reflect.unsafe_New': {
    class: 'adapter',
    use: 'reflect.New(t).UnsafePointer()',
    since: '1.18',
    note: `only when the local declaration takes a reflect.Type (a raw type pointer has no public conversion); ${DECLARED_TYPE} (it allocates a wrong-sized object); a nil Type panics with reflect's message`,
    rewrite: { params: ['reflect.Type'], results: ['unsafe.Pointer'], imports: ['reflect'], body: ['return {reflect}.New($0).UnsafePointer()'], applicability: 'unsafe', minGo: 18 },
  },
  'reflect.unsafe_NewArray': {
    class: 'adapter',
    use: 'reflect.MakeSlice(reflect.SliceOf(t), n, n)',
    note: `only when the local declaration takes a reflect.Type; ${DECLARED_TYPE} (it runs out of memory); n < 0 panics with reflect's message`,
    rewrite: { params: ['reflect.Type', 'int'], results: ['unsafe.Pointer'], imports: ['reflect'], body: ['return {reflect}.MakeSlice({reflect}.SliceOf($0), $1, $1).UnsafePointer()'], applicability: 'unsafe', minGo: 18 },
  },
  'reflect.typedmemmove': TYPED_MOVE,
  'runtime.typedmemmove': { use: TYPED_MOVE.use, class: 'adapter', note: 'the same barrier-aware copy; it needs the element\'s reflect.Type instead of the runtime\'s type pointer (keep reflect.Type values: TypeOf, TypeFor); for a static type T, *(*T)(dst) = *(*T)(src)' },
  'runtime.noescape': {
    class: 'drop-in',
    use: 'unsafe.Add(nil, uintptr(p))',
    since: '1.17',
    note: 'the same uintptr round trip as the runtime\'s, which hides the pointer from escape analysis; written with unsafe.Add, go vet accepts it (the runtime\'s conversion back from uintptr it rejects)',
    rewrite: { params: ['unsafe.Pointer'], results: ['unsafe.Pointer'], imports: ['unsafe'], body: ['return {unsafe}.Add(nil, uintptr($0))'], applicability: 'safe', minGo: 17 },
  },
  'runtime.memmove': {
    class: 'adapter',
    use: 'copy over two unsafe.Slice byte views',
    since: '1.17',
    note: `copy allows overlap and compiles to a call of the same memmove; n == 0 does nothing in both, nil or not; a nil pointer with n > 0 ${NIL_SLICE}, except memmove(nil, nil, n), which does nothing; ${STACK}`,
    rewrite: memRule(['unsafe.Pointer', 'unsafe.Pointer', 'uintptr'], [], 'copy({unsafe}.Slice((*byte)($0), $2), {unsafe}.Slice((*byte)($1), $2))', 17),
  },
  'runtime.memclrNoHeapPointers': {
    class: 'adapter',
    use: 'clear over an unsafe.Slice byte view',
    since: '1.21',
    note: `clear of a byte slice compiles to a call of the same memclrNoHeapPointers; n == 0 does nothing in both, nil or not; a nil pointer with n > 0 ${NIL_SLICE}; ${STACK}`,
    rewrite: memRule(['unsafe.Pointer', 'uintptr'], [], 'clear({unsafe}.Slice((*byte)($0), $1))', 21),
  },
  'runtime.memequal': {
    class: 'adapter',
    use: 'string == over two unsafe.Slice byte views (what bytes.Equal does)',
    since: '1.17',
    note: `the comparison compiles to a call of the same memequal, without allocating; size 0 is true in both, nil or not; a nil pointer with size > 0 ${NIL_SLICE}, except memequal(nil, nil, size), which is true; ${STACK}`,
    rewrite: memRule(['unsafe.Pointer', 'unsafe.Pointer', 'uintptr'], ['bool'], 'return string({unsafe}.Slice((*byte)($0), $2)) == string({unsafe}.Slice((*byte)($1), $2))', 17),
  },
  'runtime.growslice': {
    class: 'semantic-difference',
    use: 'append or slices.Grow (1.21); for a dynamic type reflect.Value.Grow (1.20) and SetLen',
    note: 'the public forms zero the new elements growslice may leave unwritten, and Value.Grow needs an addressable Value; the growth policy is the same',
  },
  'runtime.mallocgc': {
    class: 'semantic-difference',
    use: 'make([]byte, size) with unsafe.SliceData (1.20) when typ is nil; otherwise reflect.New(t).UnsafePointer() (1.18)',
    note: 'memory is always zeroed (needzero=false has no public form), and the caller needs a reflect.Type instead of the runtime\'s type pointer',
  },
  'runtime.typedslicecopy': { class: 'adapter', use: TYPED_COPY, since: '1.23', note: TYPED_COPY_NOTE },
  'reflect.typedslicecopy': { class: 'adapter', use: TYPED_COPY, since: '1.23', note: TYPED_COPY_NOTE },
  'runtime.throw': {
    class: 'semantic-difference',
    use: 'panic(s), or a message to os.Stderr and os.Exit(2)',
    note: 'throw cannot be recovered, skips deferred calls and prints "fatal error:" with every goroutine\'s stack; panic can be recovered and runs defers; os.Exit skips defers and prints no stack',
  },
  'runtime.getg': { class: 'none', use: 'no public equivalent', note: 'getg is a compiler intrinsic with no symbol; reading g needs assembly: pass state explicitly (a context.Context, a parameter) instead of keying it by goroutine' },
  'runtime.stopTheWorld': { class: 'none', use: 'no public equivalent', note: STW },
  'runtime.startTheWorld': { class: 'none', use: 'no public equivalent', note: STW },
  'runtime.firstmoduledata': { class: 'none', use: 'no public equivalent', note: MODULEDATA },
  'runtime.lastmoduledatap': { class: 'none', use: 'no public equivalent', note: MODULEDATA },
  'runtime.moduledataverify1': { class: 'none', use: 'no public equivalent', note: MODULEDATA },
  'runtime.writeBarrier': { class: 'none', use: 'sync/atomic: atomic.Pointer[T] (1.19), StorePointer, CompareAndSwapPointer', note: WRITE_BARRIER },
  'runtime.atomicwb': { class: 'none', use: 'sync/atomic: atomic.Pointer[T] (1.19), StorePointer, CompareAndSwapPointer', note: WRITE_BARRIER },
  'reflect.resolveTypeOff': { class: 'none', use: 'no public equivalent', note: 'walk types through reflect.Type instead: Elem, Key, Field(i).Type, In, Out, Method(i).Type' },
  'reflect.typelinks': { class: 'none', use: 'no public equivalent', note: 'no public API lists the program\'s types: keep an explicit registry (a map filled from init functions, as gob.Register does) or generate the code' },
  'plugin.pluginsMu': { class: 'none', use: 'no public equivalent', note: 'plugin.Open already serialises itself; guard your own state with a mutex of your own' },
  'runtime.mapiterinit': { class: 'semantic-difference', use: 'reflect.Value.MapRange, maps.All or a plain range', note: 'the Go team: "use reflect or the maps package"' },
  'runtime.mapiternext': { class: 'semantic-difference', use: 'reflect.Value.MapRange, maps.All or a plain range' },
  'runtime.getAuxv': { use: 'golang.org/x/sys/unix.Auxv()' },
  'runtime.ncpu': {
    class: 'drop-in',
    use: 'runtime.NumCPU()',
    note: 'NumCPU returns the runtime\'s ncpu, which is set once at start-up, before any package is initialised (from Go 1.25 the pulled var silently reads 0); if the package writes the var, read runtime.NumCPU() where it is read instead and drop the writes: they reached the runtime\'s variable',
    initialise: { type: 'int32', imports: ['runtime'], value: 'int32({runtime}.NumCPU())', applicability: 'safe' },
  },
  'runtime.procPin': { class: 'none', use: 'no public equivalent', note: PIN },
  'runtime.procUnpin': { class: 'none', use: 'no public equivalent', note: PIN },
  'sync.runtime_procPin': { class: 'none', use: 'no public equivalent', note: PIN },
  'sync.runtime_procUnpin': { class: 'none', use: 'no public equivalent', note: PIN },
  'sync.runtime_Semacquire': { class: 'none', use: 'no public equivalent', note: SEMA },
  'sync.runtime_Semrelease': { class: 'none', use: 'no public equivalent', note: SEMA },
  'sync.runtime_canSpin': { class: 'none', use: 'sync.Mutex, which already spins adaptively', note: SPIN },
  'sync.runtime_doSpin': { class: 'none', use: 'sync.Mutex, which already spins adaptively', note: SPIN },
  'runtime.fastrandu': { use: 'uint(math/rand/v2.Uint64())', class: 'drop-in', since: '1.22', note: 'the same runtime generator; fastrandu is gone since Go 1.22, where the pull stops building' },
  'runtime.cputicks': {
    use: 'time.Since(start) with a package-level start = time.Now()',
    class: 'semantic-difference',
    note: 'the unit changes from CPU ticks (the uncalibrated time-stamp counter on amd64) to nanoseconds; on arm64 (not windows), mips and wasm cputicks already returns nanotime',
  },
  'runtime.nilinterhash': HASH_ANY,
  'runtime.efaceHash': HASH_ANY,
  'runtime.newarray': { use: 'reflect.MakeSlice(reflect.SliceOf(t), n, n).UnsafePointer()', class: 'adapter', note: 'it needs a reflect.Type instead of the runtime\'s type pointer; a bad n panics with reflect\'s message; avoid reflect.New(reflect.ArrayOf(n, t)), which caches a type per length' },
  'runtime.makemap': MAKE_MAP,
  'reflect.makemap': MAKE_MAP,
  ...Object.fromEntries(['', '_fast32', '_fast64', '_faststr'].flatMap((v) => [[`runtime.mapaccess1${v}`, MAP_READ], [`runtime.mapaccess2${v}`, MAP_READ]])),
  ...Object.fromEntries(['', '_fast32', '_fast64', '_fast64ptr', '_faststr'].map((v) => [`runtime.mapassign${v}`, MAP_WRITE])),
  'reflect.mapassign': { use: 'reflect.NewAt(mapType, &m).Elem().SetMapIndex(k, v), with k and v from reflect.NewAt(…).Elem()', class: 'adapter', note: 'the same copies and escapes; it needs the map\'s reflect.Type' },
  'reflect.maplen': { use: 'len(m), or reflect.Value.Len()', class: 'adapter', note: 'both give 0 for a nil map' },
  'reflect.mapiterinit': MAP_ITER,
  'reflect.mapiternext': MAP_ITER,
  'reflect.toType': { use: 'keep reflect.Type values (reflect.TypeOf, reflect.TypeFor[T]() from 1.22) instead of raw type pointers', class: 'adapter', note: 'from a raw type pointer the only path without linkname is an interface value whose type word is that pointer, passed to reflect.TypeOf: unsafe and layout-dependent' },
  'sync.runtime_registerPoolCleanup': POOL_CLEANUP,
  'sync.poolCleanup': POOL_CLEANUP,
  'runtime.goexit': { use: 'runtime.Goexit() to end a goroutine; runtime.CallersFrames and Function == "runtime.goexit" to find a stack\'s base', class: 'semantic-difference', note: 'goexit is the assembly frame at the base of every goroutine, not something to call' },
  'runtime.findfunc': FUNC_INFO,
  'runtime.funcInfo.entry': FUNC_INFO,
  'runtime.funcline1': FUNC_INFO,
  'runtime.funcname': FUNC_INFO,
  ...Object.fromEntries(Object.entries(RTYPE_METHODS).map(([method, signature]) => [`reflect.(*rtype).${method}`, rtypeRule(method, signature)])),
  'encoding/json.safeSet': { class: 'drop-in', use: 'a copy of the table from your GOROOT (encoding/json/tables.go)', note: JSON_TABLE('b != \'"\' && b != \'\\\\\'') },
  'encoding/json.htmlSafeSet': { class: 'drop-in', use: 'a copy of the table from your GOROOT (encoding/json/tables.go)', note: JSON_TABLE('b is none of \'"\', \'\\\\\', \'<\', \'>\', \'&\'') },
};

/** The replacement of a symbol; exported std functions are simply called. */
export function replacementFor(symbol: string): Replacement | null {
  const known = REPLACEMENTS[symbol];
  if (known) return known;
  const method = RTYPE_METHOD.exec(symbol)?.[1];
  if (method) {
    return { use: `the ${method} method of a reflect.Type`, class: 'adapter', note: 'keep reflect.Type values (reflect.TypeOf, reflect.TypeFor[T]() from 1.22) instead of raw type pointers: the methods are the same; from a raw pointer the only path without linkname is an interface value whose type word is that pointer, passed to reflect.TypeOf (unsafe and layout-dependent)' };
  }
  const split = splitSymbol(symbol);
  const name = split?.symbol ?? '';
  // An exported name of an internal package cannot be imported from outside the std.
  if (split && importable(split.importPath) && isExportedName(name)) return { use: `call ${symbol} directly`, class: 'drop-in', note: 'it is exported' };
  return null;
}

// The rules for the pulls public code has (issue 15), as Go in and diff out:
// each input is a pull in the form a public module writes it (pragmas,
// comments, blank parameters, an older go line), and the expected output is
// the unified diff `linkfix fix --unsafe-fixes` gives, with the fix's label.
// Exactness and the stated differences are measured in test/rules-edge.test.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { unifiedDiff } from '../src/emit/diff.js';
import type { FileChange } from '../src/fix/apply.js';
import { fixSource } from '../src/fix/fix-source.js';
import { plan } from '../src/fix/plan.js';
import { judgeScan } from '../src/judge/judge.js';
import { scanSync } from '../src/scan/scan.js';
import { REPLACEMENTS, replacementFor } from '../src/rules/replacements.js';
import { tempDir } from './helpers.js';

interface Case {
  name: string;
  /** The module's go line. */
  go: string;
  /** Applicability and strategy of each fix applied. */
  fixes: string[];
  input: string;
  diff: string;
}

/** The diff of fixing `input` as p.go, files the fix creates included. */
function fixDiff(input: string, goVersion: string): { diff: string; fixes: string[] } {
  const r = fixSource(input, { filename: 'p.go', goVersion, unsafeFixes: true });
  const changes: FileChange[] = [
    ...(r.output === input ? [] : [{ file: 'p.go', path: 'p.go', before: Buffer.from(input), after: r.output === '' ? null : Buffer.from(r.output) }]),
    ...r.files.map((f) => ({ file: f.file, path: f.file, before: null, after: Buffer.from(f.content) })),
  ];
  return { diff: unifiedDiff(changes), fixes: r.applied.map((f) => `${f.applicability} ${f.strategy}`) };
}

const cases: Case[] = [
  {
    name: "runtime.memmove under //go:noescape (gvisor's form): copy over unsafe.Slice, the pragma goes with the bodyless declaration",
    go: '1.22',
    fixes: ['unsafe replacement'],
    input: `package gohacks

import (
	"unsafe"
)

// Memmove is runtime.memmove, exported for SeqAtomicLoad/SeqAtomicTryLoad<T>.
//
//go:nosplit
func Memmove(to, from unsafe.Pointer, n uintptr) {
	memmove(to, from, n)
}

//go:linkname memmove runtime.memmove
//go:noescape
func memmove(to, from unsafe.Pointer, n uintptr)
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -11,6 +11,6 @@
 	memmove(to, from, n)
 }
 
-//go:linkname memmove runtime.memmove
-//go:noescape
-func memmove(to, from unsafe.Pointer, n uintptr)
+func memmove(to, from unsafe.Pointer, n uintptr) {
+	copy(unsafe.Slice((*byte)(to), n), unsafe.Slice((*byte)(from), n))
+}
`,
  },
  {
    name: "runtime.memmove with blank parameters (wazero's form): they get names",
    go: '1.21',
    fixes: ['unsafe replacement'],
    input: `package wazevo

import (
	"unsafe"
)

//go:linkname memmove runtime.memmove
func memmove(_, _ unsafe.Pointer, _ uintptr)
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -4,5 +4,6 @@
 	"unsafe"
 )
 
-//go:linkname memmove runtime.memmove
-func memmove(_, _ unsafe.Pointer, _ uintptr)
+func memmove(a0 unsafe.Pointer, a1 unsafe.Pointer, a2 uintptr) {
+	copy(unsafe.Slice((*byte)(a0), a2), unsafe.Slice((*byte)(a1), a2))
+}
`,
  },
  {
    name: "runtime.memclrNoHeapPointers in a go 1.20 module: clear needs 1.21, so the pull stays behind a guard",
    go: '1.20',
    fixes: ['unsafe guard'],
    input: `package buf

import "unsafe"

//go:linkname memclrNoHeapPointers runtime.memclrNoHeapPointers
//go:noescape
func memclrNoHeapPointers(ptr unsafe.Pointer, n uintptr)
`,
    diff: `diff --git a/p.go b/p.go
deleted file mode 100644
--- a/p.go
+++ /dev/null
@@ -1,7 +0,0 @@
-package buf
-
-import "unsafe"
-
-//go:linkname memclrNoHeapPointers runtime.memclrNoHeapPointers
-//go:noescape
-func memclrNoHeapPointers(ptr unsafe.Pointer, n uintptr)
diff --git a/p_memclrnoheappointers_go121.go b/p_memclrnoheappointers_go121.go
new file mode 100644
--- /dev/null
+++ b/p_memclrnoheappointers_go121.go
@@ -0,0 +1,9 @@
+//go:build go1.21
+
+package buf
+
+import "unsafe"
+
+func memclrNoHeapPointers(ptr unsafe.Pointer, n uintptr) {
+	clear(unsafe.Slice((*byte)(ptr), n))
+}
diff --git a/p_memclrnoheappointers_linkname.go b/p_memclrnoheappointers_linkname.go
new file mode 100644
--- /dev/null
+++ b/p_memclrnoheappointers_linkname.go
@@ -0,0 +1,9 @@
+//go:build !go1.21
+
+package buf
+
+import "unsafe"
+
+//go:noescape
+//go:linkname memclrNoHeapPointers runtime.memclrNoHeapPointers
+func memclrNoHeapPointers(ptr unsafe.Pointer, n uintptr)
`,
  },
  {
    name: "runtime.memequal: a string comparison of the two views",
    go: '1.22',
    fixes: ['unsafe replacement'],
    input: `package eq

import "unsafe"

//go:linkname memequal runtime.memequal
//go:noescape
func memequal(a, b unsafe.Pointer, size uintptr) bool
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -2,6 +2,6 @@
 
 import "unsafe"
 
-//go:linkname memequal runtime.memequal
-//go:noescape
-func memequal(a, b unsafe.Pointer, size uintptr) bool
+func memequal(a, b unsafe.Pointer, size uintptr) bool {
+	return string(unsafe.Slice((*byte)(a), size)) == string(unsafe.Slice((*byte)(b), size))
+}
`,
  },
  {
    name: "runtime.noescape (purego's form, a comment after the header): the same round trip through unsafe.Add, safe",
    go: '1.22',
    fixes: ['safe replacement'],
    input: `package purego

import (
	"unsafe"
)

//go:linkname runtime_noescape runtime.noescape
//go:noescape
func runtime_noescape(p unsafe.Pointer) unsafe.Pointer // from runtime/stubs.go
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -4,6 +4,6 @@
 	"unsafe"
 )
 
-//go:linkname runtime_noescape runtime.noescape
-//go:noescape
-func runtime_noescape(p unsafe.Pointer) unsafe.Pointer // from runtime/stubs.go
+func runtime_noescape(p unsafe.Pointer) unsafe.Pointer { // from runtime/stubs.go
+	return unsafe.Add(nil, uintptr(p))
+}
`,
  },
  {
    name: "runtime.memhash64 (parquet-go's form): h and the 8 bytes through a seeded maphash.Hash",
    go: '1.22',
    fixes: ['unsafe replacement'],
    input: `package aeshash

import (
	"unsafe"
)

//go:noescape
//go:linkname runtime_memhash64 runtime.memhash64
func runtime_memhash64(data unsafe.Pointer, seed uintptr) uintptr
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -1,9 +1,22 @@
 package aeshash
 
 import (
+	"hash/maphash"
 	"unsafe"
 )
 
-//go:noescape
-//go:linkname runtime_memhash64 runtime.memhash64
-func runtime_memhash64(data unsafe.Pointer, seed uintptr) uintptr
+func runtime_memhash64(data unsafe.Pointer, seed uintptr) uintptr {
+	return uintptr(runtime_memhash64Hash(uint64(seed), unsafe.Slice((*byte)(data), 8)))
+}
+
+var runtime_memhash64Seed = maphash.MakeSeed()
+
+func runtime_memhash64Hash(h uint64, data []byte) uint64 {
+	var m maphash.Hash
+	m.SetSeed(runtime_memhash64Seed)
+	for i := 0; i < 8; i++ {
+		m.WriteByte(byte(h >> (8 * i)))
+	}
+	m.Write(data)
+	return m.Sum64()
+}
`,
  },
  {
    name: "runtime.nanotime1: as nanotime, counting from package initialisation",
    go: '1.22',
    fixes: ['unsafe replacement'],
    input: `package clock

import _ "unsafe"

//go:linkname nanotime1 runtime.nanotime1
func nanotime1() int64
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -1,6 +1,26 @@
 package clock
 
-import _ "unsafe"
+import "strings"
+import "time"
 
-//go:linkname nanotime1 runtime.nanotime1
-func nanotime1() int64
+func nanotime1() int64 {
+	return nanotime1Origin + int64(time.Since(nanotime1Start))
+}
+
+var nanotime1Start = time.Now()
+
+// nanotime1Origin is the monotonic reading of nanotime1Start (time.Time.String's m=±<value>): nanoseconds since the process started.
+var nanotime1Origin = nanotime1Mono(nanotime1Start)
+
+func nanotime1Mono(t time.Time) int64 {
+	s := t.String()
+	i := strings.LastIndex(s, " m=")
+	if i < 0 {
+		return 0
+	}
+	d, err := time.ParseDuration(s[i+3:] + "s")
+	if err != nil {
+		return 0
+	}
+	return int64(d)
+}
`,
  },
  {
    name: "time.absDate and time.absClock, as a logger's timestamp code pulls them (go 1.21): the date within the abs value's 400-year cycle, and the clock of the second of the day",
    go: '1.21',
    fixes: ['unsafe replacement', 'unsafe replacement'],
    input: `package log

import (
	"time"
	_ "unsafe" // for linkname
)

//go:linkname absDate time.absDate
func absDate(abs uint64, full bool) (year int, month time.Month, day int, yday int)

//go:linkname absClock time.absClock
func absClock(abs uint64) (hour, min, sec int)

func stamp(sec int64) (int, time.Month, int, int, int, int) {
	year, month, day, _ := absDate(uint64(sec)+9223372028715321600, true)
	hour, min, s := absClock(uint64(sec) + 9223372028715321600)
	return year, month, day, hour, min, s
}
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -2,15 +2,23 @@
 
 import (
 	"time"
-	_ "unsafe" // for linkname
 )
 
-//go:linkname absDate time.absDate
-func absDate(abs uint64, full bool) (year int, month time.Month, day int, yday int)
+func absDate(abs uint64, full bool) (year int, month time.Month, day int, yday int) {
+	return absDateDate(abs)
+}
 
-//go:linkname absClock time.absClock
-func absClock(abs uint64) (hour, min, sec int)
+func absDateDate(abs uint64) (year int, month time.Month, day int, yday int) {
+	const cycle = 146097 * 24 * 60 * 60
+	t := time.Unix(int64(abs%cycle)-62135596800, 0).UTC()
+	year, month, day = t.Date()
+	return year - 1 - 292277022399 + 400*int(abs/cycle), month, day, t.YearDay() - 1
+}
 
+func absClock(abs uint64) (hour, min, sec int) {
+	return time.Unix(int64(abs%86400), 0).UTC().Clock()
+}
+
 func stamp(sec int64) (int, time.Month, int, int, int, int) {
 	year, month, day, _ := absDate(uint64(sec)+9223372028715321600, true)
 	hour, min, s := absClock(uint64(sec) + 9223372028715321600)
`,
  },
  {
    name: "runtime.ncpu, a var the package only reads: it is initialised from runtime.NumCPU(), every read stays as written",
    go: '1.21',
    fixes: ['safe replacement'],
    input: `package procs

import (
	_ "unsafe" // for go:linkname
)

//go:linkname ncpu runtime.ncpu
var ncpu int32

// Shards is the number of shards: one per CPU.
func Shards() int { return int(ncpu) }
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -1,11 +1,10 @@
 package procs
 
 import (
-	_ "unsafe" // for go:linkname
+	"runtime"
 )
 
-//go:linkname ncpu runtime.ncpu
-var ncpu int32
+var ncpu int32 = int32(runtime.NumCPU())
 
 // Shards is the number of shards: one per CPU.
 func Shards() int { return int(ncpu) }
`,
  },
  {
    name: "reflect.(*rtype) methods (goccy/go-reflect's form: a local type pointer, //go:noescape): the same method of a reflect.Type; another receiver type stays manual",
    go: '1.21',
    fixes: ['unsafe replacement', 'unsafe replacement'],
    input: `package reflectx

import (
	"reflect"
	"unsafe"
)

// RType stands for reflect.rtype.
type RType struct{}

//go:linkname rtype_FieldByName reflect.(*rtype).FieldByName
//go:noescape
func rtype_FieldByName(*RType, string) (reflect.StructField, bool)

//go:linkname rtype_String reflect.(*rtype).String
func rtype_String(unsafe.Pointer) string

//go:linkname rtype_Len reflect.(*rtype).Len
func rtype_Len(uintptr) int
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -8,12 +8,13 @@
 // RType stands for reflect.rtype.
 type RType struct{}
 
-//go:linkname rtype_FieldByName reflect.(*rtype).FieldByName
-//go:noescape
-func rtype_FieldByName(*RType, string) (reflect.StructField, bool)
+func rtype_FieldByName(a0 *RType, a1 string) (reflect.StructField, bool) {
+	return reflect.TypeOf(*(*interface{})(unsafe.Pointer(&[2]unsafe.Pointer{unsafe.Pointer(a0), nil}))).FieldByName(a1)
+}
 
-//go:linkname rtype_String reflect.(*rtype).String
-func rtype_String(unsafe.Pointer) string
+func rtype_String(a0 unsafe.Pointer) string {
+	return reflect.TypeOf(*(*interface{})(unsafe.Pointer(&[2]unsafe.Pointer{unsafe.Pointer(a0), nil}))).String()
+}
 
 //go:linkname rtype_Len reflect.(*rtype).Len
 func rtype_Len(uintptr) int
`,
  },
  {
    name: "runtime.nanotime with _ \"unsafe\" alone in the last group of a grouped import (go-ethereum's mclock): the group's blank line goes with it",
    go: '1.22',
    fixes: ['unsafe replacement'],
    input: `package mclock

import (
	"time"

	_ "unsafe" // for go:linkname
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Now returns the current absolute monotonic time.
func Now() time.Duration { return time.Duration(nanotime()) }
`,
    diff: `diff --git a/p.go b/p.go
--- a/p.go
+++ b/p.go
@@ -1,13 +1,31 @@
 package mclock
 
 import (
+	"strings"
 	"time"
-
-	_ "unsafe" // for go:linkname
 )
 
-//go:linkname nanotime runtime.nanotime
-func nanotime() int64
+func nanotime() int64 {
+	return nanotimeOrigin + int64(time.Since(nanotimeStart))
+}
 
+var nanotimeStart = time.Now()
+
+// nanotimeOrigin is the monotonic reading of nanotimeStart (time.Time.String's m=±<value>): nanoseconds since the process started.
+var nanotimeOrigin = nanotimeMono(nanotimeStart)
+
+func nanotimeMono(t time.Time) int64 {
+	s := t.String()
+	i := strings.LastIndex(s, " m=")
+	if i < 0 {
+		return 0
+	}
+	d, err := time.ParseDuration(s[i+3:] + "s")
+	if err != nil {
+		return 0
+	}
+	return int64(d)
+}
+
 // Now returns the current absolute monotonic time.
 func Now() time.Duration { return time.Duration(nanotime()) }
`,
  },
];

test.each(cases)('$name', ({ input, go, diff, fixes }) => {
  expect(fixDiff(input, go)).toEqual({ diff, fixes });
});

/** Pulls a rule does not take, and the reason the manual diagnostic gives. */
const manual: { name: string; input: string; reason: string }[] = [
  {
    name: "an exported function of an internal std package (runc's internal/poll.IsPollDescriptor): only the std may import it, so no direct call",
    input: 'package utils\n\nimport _ "unsafe"\n\n//go:linkname isPollDescriptor internal/poll.IsPollDescriptor\nfunc isPollDescriptor(fd uintptr) bool\n',
    reason: 'no GOROOT to copy the std declaration from',
  },
  {
    name: 'runtime.ncpu written by the package (a store, an atomic load through its address): the writes reached the runtime\'s variable',
    input: 'package procs\n\nimport (\n\t"sync/atomic"\n\t_ "unsafe"\n)\n\n//go:linkname ncpu runtime.ncpu\nvar ncpu int32\n\nfunc cpus() int32 { return atomic.LoadInt32(&ncpu) }\n\nfunc setCPUs(n int32) { ncpu = n }\n',
    reason: 'ncpu may be written in ./p.go: the pull shares runtime.ncpu, an initialised var would not; NumCPU returns',
  },
  {
    name: 'runtime.ncpu incremented',
    input: 'package procs\n\nimport _ "unsafe"\n\n//go:linkname ncpu runtime.ncpu\nvar ncpu int32\n\nfunc more() { ncpu++ }\n',
    reason: 'ncpu may be written in ./p.go',
  },
  {
    name: 'runtime.ncpu in a var ( … ) group, where gofmt could realign the specs',
    input: 'package procs\n\nimport _ "unsafe"\n\nvar (\n\t//go:linkname ncpu runtime.ncpu\n\tncpu int32 // CPUs\n\tmaxSpin = 4 // spins\n)\n',
    reason: 'the engine initialises only a var declared alone as var ncpu int32 (from runtime.NumCPU()); the local declaration is ncpu int32, in a var ( … ) group',
  },
  {
    name: 'runtime.ncpu declared with another type',
    input: 'package procs\n\nimport _ "unsafe"\n\n//go:linkname ncpu runtime.ncpu\nvar ncpu uintptr\n',
    reason: 'the local declaration is ncpu uintptr',
  },
  {
    name: 'encoding/json.htmlSafeSet where no copy can be made (here: no GOROOT): the table itself, and the 128-entry type',
    input: 'package enc\n\nimport _ "unsafe"\n\n//go:linkname htmlSafeSet encoding/json.htmlSafeSet\nvar htmlSafeSet [256]bool\n',
    reason: "known replacement: a copy of the table from your GOROOT (encoding/json/tables.go) (declare it as the std does, var x [utf8.RuneSelf]bool (128 entries: a longer local array let indexes past 127 read other memory, a copy panics on them), with x[b] true for 0x20 <= b < 0x80 where b is none of '\"', '\\\\', '<', '>', '&'; from Go 1.27",
  },
  {
    name: 'runtime.procPin, which has no public equivalent: what to restructure',
    input: 'package shard\n\nimport _ "unsafe"\n\n//go:linkname procPin runtime.procPin\nfunc procPin() int\n',
    reason: 'known replacement: no public equivalent (nothing public disables preemption or tells the P: for sharding, take a shard token from a sync.Pool',
  },
  {
    name: 'reflect.typedslicecopy, declared with the user\'s own header type: the reflect form and what it needs',
    input: 'package codec\n\nimport "unsafe"\n\ntype sliceHeader struct {\n\tData unsafe.Pointer\n\tLen  int\n\tCap  int\n}\n\n//go:linkname typedslicecopy reflect.typedslicecopy\nfunc typedslicecopy(elemType unsafe.Pointer, dst, src sliceHeader) int\n',
    reason: 'known replacement: reflect.Copy(reflect.SliceAt(t, dst, n), reflect.SliceAt(t, src, m)), or copy for a static type (the same barrier-aware copy, returning the shorter length',
  },
];

test.each(manual)('manual: $name', ({ input, reason }) => {
  const r = fixSource(input, { filename: 'p.go', goVersion: '1.21', unsafeFixes: true });
  expect(r.output).toBe(input);
  expect(r.diagnostics.map((d) => d.fixes.map((f) => f.applicability))).toEqual([['manual']]);
  expect(r.diagnostics[0]!.fixes[0]!.message).toContain(reason);
});

// On disk, every file of the package counts, whatever its build tags: a
// write in a windows-only file or in assembly keeps the pull manual.
test.each([
  ['no other file', {}, 'safe'],
  ['a windows-only file stores to it', { 'procs_windows.go': '//go:build windows\n\npackage procs\n\nfunc init() { ncpu = 1 }\n' }, 'manual'],
  ['assembly names it', { 'procs_amd64.s': '#include "textflag.h"\n\nTEXT ·cpus(SB), NOSPLIT, $0-4\n\tMOVL ·ncpu(SB), AX\n\tMOVL AX, ret+0(FP)\n\tRET\n' }, 'manual'],
  ['a test reads it', { 'procs_test.go': 'package procs\n\nimport "testing"\n\nfunc TestShards(t *testing.T) {\n\tif int(ncpu) != Shards() {\n\t\tt.Fatal(int(ncpu))\n\t}\n}\n' }, 'safe'],
  // Without types every doubt counts, as in src/catalog/writes.ts: a call given the var (through a pointer or map var it could change it).
  ['a test passes it to a function', { 'procs_test.go': 'package procs\n\nimport "testing"\n\nfunc TestShards(t *testing.T) {\n\tt.Log(ncpu)\n}\n' }, 'manual'],
] as const)('runtime.ncpu on disk, %s: %s', async (_, others, applicability) => {
  const dir = tempDir('linkfix-ncpu-');
  mkdirSync(join(dir, 'procs'));
  writeFileSync(join(dir, 'go.mod'), 'module example.com/procs\n\ngo 1.21\n');
  writeFileSync(join(dir, 'procs/procs.go'), 'package procs\n\nimport _ "unsafe"\n\n//go:linkname ncpu runtime.ncpu\nvar ncpu int32\n\nfunc Shards() int { return int(ncpu) }\n');
  for (const [name, text] of Object.entries(others)) writeFileSync(join(dir, 'procs', name), text);
  const judged = await judgeScan(scanSync([dir], { base: dir }), { go: '1.26', useLocalGo: false });
  const ncpu = plan(judged, { goroot: () => null }).diagnostics.filter((d) => d.finding.localName === 'ncpu');
  expect(ncpu.map((d) => d.fixes[0]!.applicability)).toEqual([applicability]);
});

test('the rule table classes each symbol as the reference does: a public replacement is named for every class but none, and what to restructure for none', () => {
  for (const [symbol, r] of Object.entries(REPLACEMENTS)) {
    if (r.rewrite ?? r.initialise) expect([symbol, r.class]).not.toEqual([symbol, undefined]);
    if (r.class === 'none') expect([symbol, r.note]).toEqual([symbol, expect.any(String)]);
    else expect([symbol, r.use]).not.toEqual([symbol, expect.stringMatching(/^no public/)]);
  }
  expect(replacementFor('reflect.(*rtype).Name')).toMatchObject({ class: 'adapter', use: 'the Name method of a reflect.Type' });
  expect(replacementFor('strings.ToUpper')).toMatchObject({ class: 'drop-in' });
  expect(replacementFor('internal/cpu.HWCap')).toBeNull();
  expect(replacementFor('runtime.mapaccess2_faststr')).toMatchObject({ class: 'semantic-difference' });
});

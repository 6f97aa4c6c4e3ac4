package load_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/testfs"
)

// cueRelease is a valid release in CUE, which each hostile spec extends.
const cueRelease = `name: "web"
image: "example/web"
ports: [{name: "http", containerPort: 80}]
stable: {version: "v1", tag: "1"}
strategy: recreate: {}
`

// smallFiles is the spec file size the hostile CUE specs are loaded with:
// what each asks for (64 MB or so) is far beyond the bound it sets on a
// computed value, and small enough that without the bound the test fails
// on what it allocated rather than the process dying of it.
const smallFiles = 1 << 20

// hostileCUE are CUE specs each of whose one operation asks for a value
// far larger than a spec file (the bound, at smallFiles: 1 MiB strings,
// 524288 list elements), most of them in one allocation: each must be one
// problem at that operation, found before it allocates.
var hostileCUE = []struct {
	name, src, want string
}{
	{"strings.Repeat of strings.Repeat", `import "strings"
_x: strings.Repeat(strings.Repeat("ab", 1000), 32000)`,
		"spec.cue:8:5: _x: strings.Repeat would make a string of 64000000 bytes: too large (limit 1 MiB, the largest a spec file may be; raise with --max-file-size)"},
	{"an aliased import", `import s "strings"
_x: s.Repeat(s.Repeat("ab", 1000), 32000)`,
		"spec.cue:8:5: _x: strings.Repeat would make a string of 64000000 bytes"},
	{"strings.Join of list.Repeat", `import ("list", "strings")
_x: strings.Join(list.Repeat([strings.Repeat("x", 100000)], 640), "")`,
		"spec.cue:8:18: _x: list.Repeat would make a list holding 64000000 bytes of strings: too large (limit 1 MiB"},
	{"strings.Join of a comprehension", `import ("list", "strings")
_big: "` + strings.Repeat("x", 100000) + `"
_x: strings.Join([for i in list.Range(0, 640, 1) {_big}], "")`,
		"spec.cue:9:5: _x: strings.Join would make a string of 64000000 bytes"},
	{"a string times a count", `import "strings"
_s: strings.Repeat("ab", 50000)
_x: _s * 640`,
		"spec.cue:9:8: _x: * would make a string of 64000000 bytes"},
	{"bytes times a count", `_b: 'ab' * 50000
_x: 640 * _b`,
		"spec.cue:7:9: _x: * would make a string of 64000000 bytes"},
	{"doubling by +", doubling("_a%d: _a%d + _a%d"),
		"spec.cue:24:12: _a18: + would make a string of 2097152 bytes"},
	{"doubling by + with a string", doubling(`_a%d: _a%d + "" + _a%d`),
		"spec.cue:24:17: _a18: + makes a string of more than 1048576 characters: too large (limit 1048576 characters"},
	{"doubling by interpolation", doubling(`_a%d: "\(_a%d)\(_a%d)"`),
		"spec.cue:24:7: _a18: the interpolation makes a string of more than 1048576 characters: too large (limit 1048576 characters, as many as a spec file of 1 MiB can hold; raise with --max-file-size)"},
	{"doubling by an interpolation of four", doubling(`_a%d: "\(_a%d)\(_a%d)\("")\("")"`),
		"spec.cue:24:7: _a18: the interpolation would make a string of 2097152 bytes"},
	{"strings.Replace", `import "strings"
_s: strings.Repeat("x", 8000)
_x: strings.Replace(_s, "", _s, -1)`,
		"spec.cue:9:5: _x: strings.Replace would make a string of 64016000 bytes"},
	{"regexp.ReplaceAllLiteral", `import ("regexp", "strings")
_s: strings.Repeat("x", 8000)
_x: regexp.ReplaceAllLiteral("", _s, _s)`,
		"spec.cue:9:5: _x: regexp.ReplaceAllLiteral would make a string of 64016000 bytes"},
	{"regexp.ReplaceAll", `import ("regexp", "strings")
_s: strings.Repeat("x", 8000)
_x: regexp.ReplaceAll("x+", _s, strings.Repeat("$0", 8000))`,
		"spec.cue:9:5: _x: regexp.ReplaceAll would make a string of 64024000 bytes"},
	{"list.Repeat", `import "list"
_x: len(list.Repeat([0, 0, 0, 0, 0, 0, 0, 0], 100000))`,
		"spec.cue:8:9: _x: list.Repeat would make a list of 800000 elements: too large (limit 524288 elements, as many as a spec file of 1 MiB can hold; raise with --max-file-size)"},
	{"list.Range", `import "list"
_x: len(list.Range(0, 1000000, 1))`,
		"spec.cue:8:9: _x: list.Range would make a list of 1000000 elements"},
	{"list.Concat", `import "list"
_l: list.Repeat([0], 1000)
_x: len(list.Concat([` + strings.Repeat("_l, ", 600) + `]))`,
		"spec.cue:9:9: _x: list.Concat would make a list of 600000 elements"},
	{"math/bits.Lsh", `import "math/bits"
_x: bits.Lsh(1, 536870912)`,
		"spec.cue:8:5: _x: math/bits.Lsh would make a number of 67108865 bytes"},
	{"math/bits.Set", `import "math/bits"
_x: bits.Set(0, 536870912, 1)`,
		"spec.cue:8:5: _x: math/bits.Set would make a number of 67108864 bytes"},
	{"a builtin used as a value", `import "strings"
_f: strings.Repeat
_x: _f(_f("ab", 1000), 32000)`,
		"spec.cue:8:5: _f: strings.Repeat is used as a value, which rollspec cannot bound (allowed: a call, strings.Repeat(…))"},
	{"a package used as a value", `import s "strings"
_p: s
_x: _p.Repeat(_p.Repeat("ab", 1000), 32000)`,
		"spec.cue:8:5: _p: package strings is used as a value, which would let its functions run unbounded (allowed: its functions called, s.Name(…))"},
	{"a package indexed", `import "strings"
_x: strings["Repeat"](strings.Repeat("ab", 1000), 32000)`,
		"spec.cue:8:5: _x: package strings is used as a value"},
	{"in a release field", `import "strings"
annotations: a: strings.Repeat(strings.Repeat("ab", 1000), 32000)`,
		"spec.cue:8:17: annotations.a: strings.Repeat would make a string of 64000000 bytes"},
}

// doubling is a chain of strings each twice the one before, from 8 bytes
// to 64 MiB: line, a format of the field, the one before and itself again.
func doubling(line string) string {
	lines := []string{`_a0: "abcdefgh"`}
	for i := 1; i <= 23; i++ {
		lines = append(lines, fmt.Sprintf(line, i, i-1, i-1))
	}
	return strings.Join(lines, "\n")
}

// TestHostileCUE: each hostile CUE spec is one problem, at the operation,
// and loading it allocates far less than the operation asks for.
func TestHostileCUE(t *testing.T) {
	quiet(t)
	dir := t.TempDir()
	l := &load.Loader{Limits: load.Limits{FileBytes: smallFiles}}
	for _, tc := range hostileCUE {
		t.Run(tc.name, func(t *testing.T) {
			src := cueRelease + tc.src + "\n"
			if imports, rest, ok := strings.Cut(tc.src, "\n"); ok && strings.HasPrefix(imports, "import") {
				src = imports + "\n\n" + cueRelease + rest + "\n"
			}
			path := filepath.Join(dir, "spec.cue")
			testfs.Write(t, dir, map[string]string{"spec.cue": src})
			got, allocated := loadCounting(l, path, dir)
			if strings.Count(got, "\n") != 1 || !strings.Contains(got, tc.want) {
				t.Errorf("got:\n%s\nwant one problem, containing %q", got, tc.want)
			}
			if allocated > 32*smallFiles {
				t.Errorf("loading allocated %d MiB, want at most %d MiB", allocated>>20, 32*smallFiles>>20)
			}
		})
	}
}

// TestHostileCUEPackage: an operation is bounded in every file of a CUE
// package and in the packages of its module it imports, in a module of
// an early language version.
func TestHostileCUEPackage(t *testing.T) {
	quiet(t)
	const huge = `s.Repeat(s.Repeat("ab", 1000), 32000)`
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"in a second file", map[string]string{
			"app/more.cue": "package app\n\nimport s \"strings\"\n\nreleases: web: annotations: a: " + huge + "\n",
		}, "app/more.cue:5:32: releases.web.annotations.a: strings.Repeat would make a string of 64000000 bytes"},
		{"in an imported package", map[string]string{
			"app/more.cue":    "package app\n\nimport \"example.com/app/lib\"\n\nreleases: web: annotations: a: lib.big\n",
			"app/lib/lib.cue": "package lib\n\nimport s \"strings\"\n\nbig: " + huge + "\n",
		}, "app/lib/lib.cue:5:6: big: strings.Repeat would make a string of 64000000 bytes"},
		{"in a template, sized by a default of the schema", map[string]string{
			"app/more.cue": "package app\n\nimport s \"strings\"\n\nreleases: [string]: {\n\treplicas: int\n\tannotations: a: s.Repeat(s.Repeat(\"ab\", 1000), replicas*32000)\n}\n",
		}, "app/more.cue:7:18: releases.web.annotations.a: strings.Repeat would make a string of 64000000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.files["app/cue.mod/module.cue"] = "module: \"example.com/app@v0\"\nlanguage: version: \"v0.9.0\"\n"
			tc.files["app/web.cue"] = "package app\n\nreleases: web: {\n" + cueRelease + "}\n"
			testfs.Write(t, dir, tc.files)
			got, allocated := loadCounting(&load.Loader{Limits: load.Limits{FileBytes: smallFiles}}, filepath.Join(dir, "app"), dir)
			if strings.Count(got, "\n") != 1 || !strings.Contains(got, tc.want) {
				t.Errorf("got:\n%s\nwant one problem, containing %q", got, tc.want)
			}
			if allocated > 32*smallFiles {
				t.Errorf("loading allocated %d MiB, want at most %d MiB", allocated>>20, 32*smallFiles>>20)
			}
		})
	}
}

// quiet waits until the process allocates next to nothing: an earlier
// test's abandoned evaluation (TestEvalTime's) may still be running, and
// its allocations would count as the next load's.
func quiet(t *testing.T) {
	t.Helper()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	for range 100 {
		last := m.TotalAlloc
		time.Sleep(50 * time.Millisecond)
		runtime.ReadMemStats(&m)
		if m.TotalAlloc-last < 1<<20 {
			return
		}
	}
	t.Fatal("the process keeps allocating: cannot measure a load's allocations")
}

// loadCounting loads path with l and returns its problems as printed
// (relative to dir) and the bytes allocated meanwhile.
func loadCounting(l *load.Loader, path, dir string) (string, uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := l.Load(specpath.Collect([]string{path}, specpath.Listed, specpath.Contained)).Releases(nil)
	runtime.ReadMemStats(&after)
	var b strings.Builder
	diag.Print(&b, err, dir)
	return b.String(), after.TotalAlloc - before.TotalAlloc
}

// TestCUEWithinBounds: a spec whose operations stay within the bounds
// loads as it did, and a field named as a package is no package.
func TestCUEWithinBounds(t *testing.T) {
	dir := t.TempDir()
	testfs.Write(t, dir, map[string]string{"web.cue": `import ("list", s "strings")

name: "web"
image: s.Join(["example", "web"], "/") + s.Repeat("1", 2)
ports: [{name: "http", containerPort: 80}]
stable: {version: "v1", tag: "1"}
strategy: recreate: {}
env: IDS: s.Join([for i in list.Range(0, 3, 1) {"\(i)"}], ",")
_shadow: {strings: {Repeat: "not a builtin"}, copy: strings.Repeat}
`})
	specs, err := (&load.Loader{}).Load(specpath.Collect([]string{filepath.Join(dir, "web.cue")}, specpath.Listed, specpath.Contained)).Releases(nil)
	if err != nil {
		t.Fatal(err)
	}
	r := specs[0].Release
	if r.Image != "example/web11" || r.Env["IDS"] != "0,1,2" {
		t.Errorf("image %q, env IDS %q; want example/web11 and 0,1,2", r.Image, r.Env["IDS"])
	}
}

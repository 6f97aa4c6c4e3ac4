package load_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"cuelang.org/go/mod/modregistrytest"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/internal/testfs"
)

// hostile are inputs that crashed, hung or exhausted rollspec, built
// here because they are large or derived; the plain ones are files in
// testdata/hostile (TestHostileCorpus). Each must now be positioned
// problems, one unless more.
var hostile = []struct {
	name, file, src string
	want            []string
	more            bool // other problems may be reported too
}{
	{name: "bare CR in a valid spec", file: "crspec.yaml", src: strings.ReplaceAll(valid, "\n", "\r") + "replicas: x\r",
		want: []string{"crspec.yaml:9:1: replicas: duplicate key, first at 4:1"}},
	{name: "billion laughs", file: "laughs.yaml", src: laughs(),
		want: []string{"laughs.yaml:", "expanding the aliases grows the file beyond 32 MiB at *"}},
	{name: "one big scalar aliased many times", file: "wide.yaml", src: "a: &a \"" + strings.Repeat("x", 100<<10) + "\"\nb: [" + strings.TrimSuffix(strings.Repeat("*a, ", 40000), ", ") + "]\n",
		want: []string{"wide.yaml:2:", "expanding the aliases grows the file beyond 32 MiB at *a"}},
	{name: "aliases after a document that does not parse", file: "after.yaml", src: "a: [\n---\n" + laughs(),
		want: []string{"after.yaml:2:1: did not find expected node content", "expanding the aliases grows the file beyond 32 MiB at *"}, more: true},
}

// TestHostileCorpus loads every file of testdata/hostile, each with its
// expected problems in <file>.want: a comment line (# what it is), "more"
// when other problems may be reported too, then the text each problem
// must contain.
func TestHostileCorpus(t *testing.T) {
	wants, err := filepath.Glob("testdata/hostile/*.want")
	if err != nil || len(wants) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, w := range wants {
		path := strings.TrimSuffix(w, ".want")
		t.Run(filepath.Base(path), func(t *testing.T) {
			spec, err := os.ReadFile(w)
			if err != nil {
				t.Fatal(err)
			}
			more := false
			var want []string
			for _, line := range strings.Split(strings.TrimSpace(string(spec)), "\n") {
				switch {
				case strings.HasPrefix(line, "#"):
				case line == "more":
					more = true
				default:
					want = append(want, line)
				}
			}
			_, lerr := (&load.Loader{}).Load(specpath.Collect([]string{path}, specpath.Listed, specpath.Contained)).Releases(nil)
			var b strings.Builder
			diag.Print(&b, lerr, "testdata/hostile")
			got := b.String()
			if lerr == nil {
				t.Fatal("accepted")
			}
			if strings.Count(got, "\n") != len(want) && !more {
				t.Errorf("want %d problem(s), got:\n%s", len(want), got)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
		})
	}
}

// laughs is the billion laughs: ten levels of ten aliases each.
func laughs() string {
	var b strings.Builder
	b.WriteString("l0: &l0 \"lol\"\n")
	for i := 1; i <= 9; i++ {
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestHostileInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := (&load.Loader{}).Load(specpath.Collect([]string{path}, specpath.Listed, specpath.Contained)).Releases(nil)
			var b strings.Builder
			diag.Print(&b, err, dir)
			got := b.String()
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Count(got, "\n") != 1 && !tc.more {
				t.Errorf("want one problem, got:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
		})
	}
}

// TestNotRegularFiles: a spec that is a link to a device is refused
// unread, named or found in a directory, and so is a file over the limit.
func TestNotRegularFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"named", []string{filepath.Join(dir, "zero.yaml")}, []string{"zero.yaml:1:1: is not a regular file but a device (allowed: a regular file, or a link to one)"}},
		{"walked", []string{dir}, []string{"zero.yaml: links to /dev/zero, outside the paths named, which is not read (allowed: links within the named paths; name the target too, or pass --follow-links)", "big.yaml:1:1: is larger than 100 bytes (allowed: at most 100 bytes per spec file; raise with --max-file-size)"}},
		{"walked, following links", []string{dir}, []string{"zero.yaml:1:1: is not a regular file but a device", "big.yaml:1:1: is larger than 100 bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &load.Loader{Limits: load.Limits{FileBytes: 100}}
			links := specpath.Contained
			if strings.Contains(tc.name, "following") {
				links = specpath.Followed
			}
			_, err := l.Load(specpath.Collect(tc.paths, specpath.Listed, links)).Releases(nil)
			var b strings.Builder
			diag.Print(&b, err, dir)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("got %q, want it to contain %q", b.String(), w)
				}
			}
		})
	}
}

// TestCUEModules: a CUE dependency is not fetched (no network, no module
// cache) unless CUE_REGISTRY asks for it, and a .cue file that is not
// UTF-8 is refused as YAML and JSON are.
func TestCUEModules(t *testing.T) {
	t.Setenv("CUE_REGISTRY", "")
	t.Setenv("CUE_CACHE_DIR", t.TempDir())
	dir := t.TempDir()
	files := map[string]string{
		"app/cue.mod/module.cue":       "module: \"example.com/app@v0\"\nlanguage: version: \"v0.12.0\"\ndeps: \"example.com/lib@v0\": v: \"v0.1.0\"\n",
		"app/web.cue":                  "package app\n\nimport \"example.com/lib\"\n\nreleases: web: {image: lib.image}\n",
		"bad/bad.cue":                  "package bad\nname: \"a\xff\"\n",
		"nolang/cue.mod/module.cue":    "module: \"example.com/b@v0\"\n",
		"nolang/b.cue":                 "package b\nname: \"x\"\n",
		"tool/c_tool.cue":              "package c\nimport \"tool/os\"\ncommand: x: os.Getenv & {}\n",
		"rep/cue.mod/module.cue":       "module: \"example.com/app@v0\"\nlanguage: version: \"v0.17.0\"\ndeps: \"example.com/lib@v0\": v: \"v0.0.0\"\n",
		"rep/cue.mod/local-module.cue": "deps: \"example.com/lib@v0\": replaceWith: \"../../elsewhere\"\n",
		"rep/web.cue":                  "package app\nname: \"web\"\n",
	}
	testfs.Write(t, dir, files)
	for _, tc := range []struct{ path, want string }{
		{"app/web.cue", "app/web.cue:3:8: import failed: cannot find package \"example.com/lib\": cannot fetch example.com/lib@v0.1.0: rollspec fetches no CUE module unless asked"},
		{"bad/bad.cue", "bad/bad.cue:2:9: is not UTF-8 text"},
		{"nolang/b.cue", "nolang/cue.mod/module.cue:1:1: no language version declared in module.cue"},
		{"tool/c_tool.cue", "tool/c_tool.cue:1:1: is a CUE tool file (its name ends in _tool.cue): CUE leaves it out of its package"},
		{"rep/web.cue", `rep/cue.mod/local-module.cue:1:29: deps."example.com/lib@v0".replaceWith: ../../elsewhere leads out of the CUE module at`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			_, err := (&load.Loader{}).Load(specpath.Collect([]string{filepath.Join(dir, tc.path)}, specpath.Listed, specpath.Contained)).Releases(nil)
			var b strings.Builder
			diag.Print(&b, err, dir)
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("got %q, want %q in it", b.String(), tc.want)
			}
		})
	}
}

// TestEvalTime: CUE evaluation that goes on without finishing a release is
// stopped at the time limit, with a positioned problem. (The evaluation
// here ends by itself within a second or so, using ~100 MB: CUE cannot
// stop an evaluation, so a longer one would run on beside the tests after
// this one — 2,000,000 elements ran for over ten minutes in 1.4 GB and
// made them fail at the memory limit. The command ends the process once
// it has printed.)
func TestEvalTime(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slow.cue")
	src := "import \"list\"\nname: \"x\"\nx: [for i in list.Range(0, 10000, 1) {i}]\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &load.Loader{Limits: load.Limits{EvalTime: 50 * time.Millisecond}}
	_, err := l.Load(specpath.Collect([]string{path}, specpath.Listed, specpath.Contained)).Releases(nil)
	var b strings.Builder
	diag.Print(&b, err, dir)
	want := "slow.cue:1:1: evaluated for 50ms without finishing a release and was stopped (allowed: at most 50ms per release; raise with --max-eval-time)"
	if !strings.Contains(b.String(), want) {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestCUERegistry: with CUE_REGISTRY set, a dependency is fetched from
// that registry (here one on the loopback interface), and rollspec says
// which module it fetched; a module already in the cache is not fetched
// again, and nothing is said.
func TestCUERegistry(t *testing.T) {
	reg, err := modregistrytest.New(fstest.MapFS{
		"example.com_lib_v0.1.0/cue.mod/module.cue": {Data: []byte("module: \"example.com/lib@v0\"\nlanguage: version: \"v0.12.0\"\n")},
		"example.com_lib_v0.1.0/lib.cue":            {Data: []byte("package lib\n\nimage: \"example/web\"\n")},
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	t.Setenv("CUE_REGISTRY", reg.Host()+"+insecure")
	t.Setenv("CUE_CACHE_DIR", t.TempDir())
	dir := t.TempDir()
	testfs.Write(t, dir, map[string]string{
		"app/cue.mod/module.cue": "module: \"example.com/app@v0\"\nlanguage: version: \"v0.12.0\"\ndeps: \"example.com/lib@v0\": v: \"v0.1.0\"\n",
		"app/web.cue":            "package app\n\nimport \"example.com/lib\"\n\nname: \"web\"\nimage: lib.image\nports: [{name: \"http\", containerPort: 80}]\nstable: {version: \"v1\", tag: \"1\"}\nstrategy: recreate: {}\n",
	})
	want := "warning: app/cue.mod/module.cue:1:1: fetched CUE module example.com/lib@v0.1.0 from " + reg.Host() + "+insecure, as CUE_REGISTRY asks (unset, rollspec fetches nothing)\n"
	for _, again := range []bool{false, true} {
		specs, err := (&load.Loader{}).Load(specpath.Collect([]string{filepath.Join(dir, "app")}, specpath.Listed, specpath.Contained)).Releases(nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, s := range specs {
			diag.Print(&b, s.Warnings, dir)
		}
		if got := b.String(); again && got != "" || !again && got != want {
			t.Errorf("cached %v: got %q, want %q", again, got, map[bool]string{false: want}[again])
		}
	}
}

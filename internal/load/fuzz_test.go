package load_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
)

// FuzzLoadBytes feeds the loader any bytes as a YAML, JSON, CUE or
// standard-input file. Whatever the input, loading ends with releases or
// positioned problems: never a crash (which the loader would turn into a
// "rollspec crashed" problem), never a problem without a place. The seed
// corpus (every example spec and every hostile input) runs with the
// normal tests; `make fuzz` fuzzes for a while.
func FuzzLoadBytes(f *testing.F) {
	filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.Contains(".yaml.yml.json.cue", filepath.Ext(path)) {
			if b, err := os.ReadFile(path); err == nil {
				f.Add(filepath.Ext(path), b)
			}
		}
		return nil
	})
	corpus, _ := filepath.Glob("testdata/hostile/*")
	for _, c := range corpus {
		if b, err := os.ReadFile(c); err == nil && !strings.HasSuffix(c, ".want") {
			f.Add(filepath.Ext(c), b)
		}
	}
	for _, h := range hostile {
		f.Add(filepath.Ext(h.file), []byte(h.src))
	}
	f.Add("", []byte(jsonRelease+"\n"+jsonRelease+"\n"))
	f.Add(".yaml", []byte(valid))
	// The watchdog waits well beyond the loader's own evaluation limit, so
	// that it catches a hang the limit misses, never the limit at work.
	const evalTime, watchdog = time.Second, 10 * time.Second
	l := &load.Loader{Limits: load.Limits{AliasBytes: 1 << 20, EvalTime: evalTime}}
	f.Fuzz(func(t *testing.T, ext string, src []byte) {
		switch ext {
		case ".yaml", ".yml", ".json", ".cue", "":
		default:
			t.Skip()
		}
		if ext == ".cue" && (strings.Contains(string(src), "import") || len(src) > 4096) {
			t.Skip() // CUE's own evaluation is not bounded here: a builtin may run for long
		}
		name := "fuzz" + ext
		if ext == "" {
			name = "<stdin>"
		}
		done := make(chan error, 1)
		go func() {
			_, err := l.LoadBytes(name, src).Releases(nil)
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(watchdog):
			t.Fatalf("%s %q: still loading after %s, though the loader stops evaluating at %s", name, src, watchdog, evalTime)
		}
		list, _ := err.(diag.List)
		for _, d := range list {
			if strings.Contains(d.Text, "rollspec crashed") {
				t.Fatalf("%q: %s", src, d.Text)
			}
			if d.Pos.Filename() == "" {
				t.Errorf("%q: a problem without a place: %s", src, d.Error())
			}
		}
	})
}

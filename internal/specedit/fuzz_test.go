package specedit

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzEdit: any YAML, JSON or CUE text is parsed, and the edits a
// promotion makes are applied, without a panic; an edited file is its
// original outside the edits.
func FuzzEdit(f *testing.F) {
	examples, _ := filepath.Glob("../../examples/*/release.*")
	for _, e := range examples {
		src, err := os.ReadFile(e)
		if err == nil {
			f.Add(filepath.Ext(e), src)
		}
	}
	f.Add(".json", []byte(`{"name": "web", "stable": {"version": "v1"}, "candidate": {"version": "v2"}}`))
	f.Add(".cue", []byte("releases: web: {stable: {version: \"v1\"}}\nreleases: web: candidate: version: \"v2\"\n"))
	f.Fuzz(func(t *testing.T, ext string, src []byte) {
		d, err := Parse("r"+ext, src)
		if err != nil {
			return
		}
		for _, name := range []string{"web", "kubia", "act"} {
			r, err := Find([]*Doc{d}, name, "default")
			if err != nil {
				continue
			}
			_ = r.Delete([]string{"stable"})
			_ = r.Rename([]string{"candidate"}, "stable")
			_ = r.Set([]string{"strategy", "canary", "step"}, 1)
			_ = r.Insert([]string{"candidate"}, Map{{"version", "v3"}, {"env", Map{{"A", "b"}}}}, "stable")
			if out, _, err := d.Result(); err == nil {
				untouched(t, d, out)
			}
		}
	})
}

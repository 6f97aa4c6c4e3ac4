package outdir_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/outdir"
	"github.com/rollspec/rollspec/internal/testfs"
)

// generated is a manifest as rollspec writes it.
func generated(body string) string { return manifest.Header + body }

// fromA and fromB are manifests generated from two specs beside the
// directory, as two runs sharing it write them.
func fromA(m string) string { return string(outdir.WithSource([]byte(m), "../a/web.yaml")) }
func fromB(m string) string { return string(outdir.WithSource([]byte(m), "../b/api.yaml")) }

// writeDir creates files (name -> content) under dir; a name ending in
// "/" is created as a directory.
func writeDir(t *testing.T, dir string, files map[string]string) { testfs.Write(t, dir, files) }

// readDir returns every regular file under dir (name -> content), and
// directories as "name/" -> "".
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			got[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(path)
		got[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func bytesMap(m map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}

func TestPlanApply(t *testing.T) {
	web1, web2 := generated("kind: Service\nname: web\n"), generated("kind: Service\nname: web2\n")
	api := generated("kind: Service\nname: api\n")
	for _, tc := range []struct {
		name    string
		missing bool              // the directory does not exist yet
		have    map[string]string // files in the directory before
		want    map[string]string // what rollspec would write
		changes map[string]outdir.Kind
		planErr string            // Plan fails with this; nothing may change
		after   map[string]string // the directory after Apply; nil = have
		owns    []string          // sources the run compiles; nil: all
		specs   []string          // spec files that exist, relative to the directory
	}{
		{
			name:    "missing directory: every file is missing, Apply creates it",
			missing: true,
			want:    map[string]string{"default.web.yaml": web1, "shop.api.yaml": api},
			changes: map[string]outdir.Kind{"default.web.yaml": outdir.Missing, "shop.api.yaml": outdir.Missing},
			after:   map[string]string{"default.web.yaml": web1, "shop.api.yaml": api},
		},
		{
			name:    "up to date: no changes",
			have:    map[string]string{"default.web.yaml": web1},
			want:    map[string]string{"default.web.yaml": web1},
			changes: map[string]outdir.Kind{},
		},
		{
			name:    "CRLF checkout (core.autocrlf): still rollspec's and up to date",
			have:    map[string]string{"default.web.yaml": strings.ReplaceAll(web1, "\n", "\r\n"), "shop.api.yaml": strings.ReplaceAll(api, "\n", "\r\n")},
			want:    map[string]string{"default.web.yaml": web1},
			changes: map[string]outdir.Kind{"shop.api.yaml": outdir.Stale},
			after:   map[string]string{"default.web.yaml": strings.ReplaceAll(web1, "\n", "\r\n")},
		},
		{
			name:    "CRLF checkout of another content: rewritten",
			have:    map[string]string{"default.web.yaml": strings.ReplaceAll(web1, "\n", "\r\n")},
			want:    map[string]string{"default.web.yaml": web2},
			changes: map[string]outdir.Kind{"default.web.yaml": outdir.Changed},
			after:   map[string]string{"default.web.yaml": web2},
		},
		{
			name:    "changed generated file is rewritten",
			have:    map[string]string{"default.web.yaml": web1},
			want:    map[string]string{"default.web.yaml": web2},
			changes: map[string]outdir.Kind{"default.web.yaml": outdir.Changed},
			after:   map[string]string{"default.web.yaml": web2},
		},
		{
			name:    "stale generated files are removed, .yaml and .yml",
			have:    map[string]string{"default.web.yaml": web1, "shop.api.yaml": api, "old.yml": api},
			want:    map[string]string{"default.web.yaml": web1},
			changes: map[string]outdir.Kind{"shop.api.yaml": outdir.Stale, "old.yml": outdir.Stale},
			after:   map[string]string{"default.web.yaml": web1},
		},
		{
			name: "foreign files are never removed",
			have: map[string]string{
				"notes.yaml":          "# my notes\na: 1\n",
				"kustomization.yaml":  "resources: [default.web.yaml]\n",
				"README.md":           generated("not a manifest, though it has the header\n"),
				"sub/shop.api.yaml":   api,
				"header-later.yaml":   "# comment first\n" + generated("kind: ConfigMap\n"),
				"default.web.yaml":    web1,
				"shop.api.yaml.extra": api,
			},
			want:    map[string]string{"default.web.yaml": web1},
			changes: map[string]outdir.Kind{},
		},
		{
			name:    "foreign file with a wanted name is refused, nothing written or removed",
			have:    map[string]string{"default.web.yaml": "# written by hand\nkind: ConfigMap\n", "gone.yaml": api},
			want:    map[string]string{"default.web.yaml": web1, "shop.api.yaml": api},
			planErr: "refusing to overwrite files rollspec did not generate",
		},
		{
			name:    "every foreign collision is named",
			have:    map[string]string{"a.yaml": "x: 1\n", "b.yaml": "y: 2\n"},
			want:    map[string]string{"a.yaml": web1, "b.yaml": api},
			planErr: "a.yaml, ",
		},
		{
			name:    "mixed: write, rewrite, remove, keep",
			have:    map[string]string{"default.web.yaml": web1, "gone.yaml": api, "mine.yaml": "k: v\n"},
			want:    map[string]string{"default.web.yaml": web2, "shop.api.yaml": api},
			changes: map[string]outdir.Kind{"default.web.yaml": outdir.Changed, "gone.yaml": outdir.Stale, "shop.api.yaml": outdir.Missing},
			after:   map[string]string{"default.web.yaml": web2, "shop.api.yaml": api, "mine.yaml": "k: v\n"},
		},
		{
			name:    "files of specs other runs compile are kept",
			have:    map[string]string{"default.web.yaml": fromA(web1), "shop.api.yaml": fromB(api), "old.yaml": fromA(api)},
			want:    map[string]string{"default.web.yaml": fromA(web2)},
			owns:    []string{"../a/web.yaml"},
			specs:   []string{"../a/web.yaml", "../b/api.yaml"},
			changes: map[string]outdir.Kind{"default.web.yaml": outdir.Changed, "old.yaml": outdir.Stale},
			after:   map[string]string{"default.web.yaml": fromA(web2), "shop.api.yaml": fromB(api)},
		},
		{
			name:    "a file generated from a spec this run does not read is refused",
			have:    map[string]string{"shop.api.yaml": fromB(api)},
			want:    map[string]string{"shop.api.yaml": fromA(api)},
			owns:    []string{"../a/web.yaml"},
			specs:   []string{"../a/web.yaml", "../b/api.yaml"},
			planErr: "refusing to overwrite files generated from specs this run does not read: ",
		},
		{
			name:    "a file whose spec is gone is taken over (the release moved)",
			have:    map[string]string{"shop.api.yaml": fromB(api)},
			want:    map[string]string{"shop.api.yaml": fromA(api)},
			owns:    []string{"../a/web.yaml"},
			specs:   []string{"../a/web.yaml"},
			changes: map[string]outdir.Kind{"shop.api.yaml": outdir.Changed},
			after:   map[string]string{"shop.api.yaml": fromA(api)},
		},
		{
			name:    "a file naming no source belongs to every run",
			have:    map[string]string{"default.web.yaml": fromA(web1), "old.yaml": api},
			want:    map[string]string{"default.web.yaml": fromA(web1)},
			owns:    []string{"../a/web.yaml"},
			changes: map[string]outdir.Kind{"old.yaml": outdir.Stale},
			after:   map[string]string{"default.web.yaml": fromA(web1)},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "deploy")
			for _, spec := range tc.specs {
				writeDir(t, root, map[string]string{strings.TrimPrefix(spec, "../"): "name: x\n"})
			}
			var owns func(string) bool
			if tc.owns != nil {
				owns = func(src string) bool { return slices.Contains(tc.owns, src) }
			}
			if !tc.missing {
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				writeDir(t, dir, tc.have)
			}
			changes, err := outdir.Plan(dir, bytesMap(tc.want), owns)
			if tc.planErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.planErr) {
					t.Fatalf("Plan error = %v, want it to contain %q", err, tc.planErr)
				}
				if strings.Contains(tc.planErr, "did not generate") && !strings.Contains(err.Error(), strings.TrimSuffix(manifest.Header, "\n")) {
					t.Errorf("error %q does not say which header rollspec looks for", err)
				}
				if got := readDir(t, dir); !maps.Equal(got, tc.have) {
					t.Errorf("directory changed after a refused Plan:\n got %v\nwant %v", got, tc.have)
				}
				return
			}
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			got := map[string]outdir.Kind{}
			for _, c := range changes {
				got[c.Name] = c.Kind
				switch {
				case c.Kind == outdir.Missing && (c.Old != nil || string(c.New) != tc.want[c.Name]),
					c.Kind == outdir.Changed && (string(c.Old) != tc.have[c.Name] || string(c.New) != tc.want[c.Name]),
					c.Kind == outdir.Stale && (string(c.Old) != tc.have[c.Name] || c.New != nil):
					t.Errorf("%s %s: Old=%q New=%q", c.Name, c.Kind, c.Old, c.New)
				}
			}
			if !maps.Equal(got, tc.changes) {
				t.Errorf("changes = %v, want %v", got, tc.changes)
			}
			if !slices.IsSortedFunc(changes, func(a, b outdir.Change) int { return strings.Compare(a.Name, b.Name) }) {
				t.Errorf("changes not sorted by name: %v", got)
			}
			if err := outdir.Apply(dir, changes); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			after := tc.after
			if after == nil {
				after = tc.have
			}
			// readDir lists every entry, so a leftover temporary file fails.
			if got := readDir(t, dir); !maps.Equal(got, withDirs(after)) {
				t.Errorf("directory after Apply:\n got %v\nwant %v", got, withDirs(after))
			}
			// Applying again finds nothing to do.
			again, err := outdir.Plan(dir, bytesMap(tc.want), owns)
			if err != nil || len(again) != 0 {
				t.Errorf("second Plan = %v, %v; want no changes", kinds(again), err)
			}
		})
	}
}

// kinds lists changes as name: kind.
func kinds(changes []outdir.Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Name+": "+string(c.Kind))
	}
	return out
}

// withDirs adds the "dir/" entries readDir reports for nested files.
func withDirs(files map[string]string) map[string]string {
	out := maps.Clone(files)
	if out == nil {
		out = map[string]string{}
	}
	for name := range files {
		for d := filepath.Dir(name); d != "."; d = filepath.Dir(d) {
			out[filepath.ToSlash(d)+"/"] = ""
		}
	}
	return out
}

// TestApplyAtomic: written files are complete, world-readable, and no
// temporary file is left behind — also when the final rename fails.
func TestApplyAtomic(t *testing.T) {
	dir := t.TempDir()
	big := generated(strings.Repeat("# padding line to make the file larger than one write buffer\n", 4096))
	changes, err := outdir.Plan(dir, map[string][]byte{"default.big.yaml": []byte(big)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := outdir.Apply(dir, changes); err != nil {
		t.Fatal(err)
	}
	if got := readDir(t, dir); !maps.Equal(got, map[string]string{"default.big.yaml": big}) {
		t.Errorf("directory = %v entries, want exactly default.big.yaml", slices.Sorted(maps.Keys(got)))
	}
	fi, err := os.Stat(filepath.Join(dir, "default.big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", fi.Mode().Perm())
	}

	// A directory where a file should go: Plan sees no file (Missing),
	// the rename fails, and the temporary file is removed.
	writeDir(t, dir, map[string]string{"default.web.yaml/": ""})
	changes, err = outdir.Plan(dir, map[string][]byte{"default.big.yaml": []byte(big), "default.web.yaml": []byte(generated("kind: Service\n"))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Kind != outdir.Missing {
		t.Fatalf("changes = %+v, want default.web.yaml missing", changes)
	}
	if err := outdir.Apply(dir, changes); err == nil {
		t.Fatal("Apply over a directory succeeded")
	}
	want := map[string]string{"default.big.yaml": big, "default.web.yaml/": ""}
	if got := readDir(t, dir); !maps.Equal(got, want) {
		t.Errorf("after a failed write the directory holds %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}

// TestApplyAllOrNothing: when one file cannot be written, no other file
// is written, changed or pruned.
func TestApplyAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	before := map[string]string{
		"default.a.yaml":  generated("kind: Service # old\n"),
		"default.b.yaml/": "", // a directory where a file goes
		"default.c.yaml":  generated("kind: Service # stale\n"),
	}
	writeDir(t, dir, before)
	changes, err := outdir.Plan(dir, map[string][]byte{
		"default.a.yaml": []byte(generated("kind: Service # new\n")),
		"default.b.yaml": []byte(generated("kind: Service\n")),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range changes {
		kinds = append(kinds, c.Name+" "+string(c.Kind))
	}
	if want := []string{"default.a.yaml changed", "default.b.yaml missing", "default.c.yaml stale"}; !slices.Equal(kinds, want) {
		t.Fatalf("changes = %v, want %v", kinds, want)
	}
	if err := outdir.Apply(dir, changes); err == nil {
		t.Fatal("Apply over a directory succeeded")
	}
	if got := readDir(t, dir); !maps.Equal(got, before) {
		t.Errorf("after a failed Apply the directory holds %v, want it unchanged: %v", got, before)
	}
}

// TestApplyNotADirectory: -o naming a file fails in Plan or Apply
// without touching the file.
func TestApplyNotADirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deploy")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := outdir.Plan(path, map[string][]byte{"a.yaml": []byte(generated(""))}, nil)
	if err == nil {
		err = outdir.Apply(path, changes)
	}
	if err == nil {
		t.Fatal("Plan+Apply into a regular file succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "x" {
		t.Errorf("file changed to %q", b)
	}
}

func TestGenerated(t *testing.T) {
	for in, want := range map[string]bool{
		generated("kind: Service\n"):              true,
		manifest.Header:                           true,
		strings.TrimSuffix(manifest.Header, "\n"): false, // no newline: not our first line
		"# Code generated by someone else.\n":     false,
		"\n" + manifest.Header:                    false,
		"kind: Service\n":                         false,
		"":                                        false,
		"# code generated by rollspec. do not edit.\n": false,
	} {
		if got := outdir.Generated([]byte(in)); got != want {
			t.Errorf("Generated(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestDiff(t *testing.T) {
	old, cur := generated("a: 1\nb: 2\n"), generated("a: 1\nb: 3\n")
	changes := []outdir.Change{
		{Name: "default.web.yaml", Kind: outdir.Changed, Old: []byte(old), New: []byte(cur)},
		{Name: "gone.yaml", Kind: outdir.Stale, Old: []byte(old)},
		{Name: "new.yaml", Kind: outdir.Missing, New: []byte(cur)},
	}
	d := string(outdir.Diff("deploy", changes))
	for _, want := range []string{
		"--- a/deploy/default.web.yaml\n+++ b/deploy/default.web.yaml\n",
		"-b: 2\n+b: 3\n",
		"--- a/deploy/gone.yaml\n+++ /dev/null\n",
		"--- /dev/null\n+++ b/deploy/new.yaml\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if got := outdir.Diff("deploy", nil); len(got) != 0 {
		t.Errorf("Diff of no changes = %q, want empty", got)
	}
}

// TestReplace: a spec edited in place keeps its mode, a link to it stays
// a link, and when a file changed since it was read, none is replaced.
func TestReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "release.yaml")
	if err := os.WriteFile(path, []byte("old\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink("release.yaml", link); err != nil {
		t.Fatal(err)
	}
	if warns, err := outdir.Replace([]outdir.Edit{{Path: link, Old: []byte("old\n"), New: []byte("new\n")}}); err != nil || warns != nil {
		t.Fatal(err, warns)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("content %q, want new", b)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v (%v), want -rw-r-----", fi.Mode(), err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := outdir.Replace([]outdir.Edit{{Path: other, Old: []byte("a\n"), New: []byte("b\n")}, {Path: path, Old: []byte("old\n"), New: []byte("newer\n")}})
	if err == nil || !strings.Contains(err.Error(), "the file changed while rollspec was writing") {
		t.Errorf("error %v, want the file changed", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("content %q after a refused replace", b)
	}
	if b, _ := os.ReadFile(other); string(b) != "a\n" {
		t.Errorf("other file %q: replaced although another could not be", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d files left in the directory, want 3 (no temporary file)", len(entries))
	}
}

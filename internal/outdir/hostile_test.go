//go:build unix

package outdir_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rollspec/rollspec/internal/outdir"
	"github.com/rollspec/rollspec/internal/testfs"
)

// TestApplyLeavesDanglingLinkDir: a dangling link given as the output
// directory is not rollspec's, and stays when the run fails.
func TestApplyLeavesDanglingLinkDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "deploy")
	if err := os.Symlink(filepath.Join(root, "nowhere"), dir); err != nil {
		t.Fatal(err)
	}
	err := outdir.Apply(dir, []outdir.Change{{Name: "a.yaml", Kind: outdir.Missing, New: []byte(generated("a: 1\n"))}})
	if err == nil {
		t.Fatal("writing through a dangling link succeeded")
	}
	if _, err := os.Lstat(dir); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
}

// TestRemovesLeftovers: the temporary files of a killed run (a process
// that no longer exists) are removed, whether it wrote a manifest (-o)
// or edited a spec of any kind; a running one's are kept, and so is a
// file of the same shape beside no manifest or spec.
func TestRemovesLeftovers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(dir string) error
	}{
		{"apply", func(dir string) error { return outdir.Apply(dir, nil) }},
		{"replace", func(dir string) error {
			path := filepath.Join(dir, "spec.json")
			if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
				return err
			}
			_, err := outdir.Replace([]outdir.Edit{{Path: path, Old: []byte("{}\n"), New: []byte("{\"a\": 1}\n")}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pid := testfs.DeadPID(t)
			left := map[string]bool{ // name: kept
				fmt.Sprintf(".a.yaml.tmp-%d-1", pid):          false,
				fmt.Sprintf(".a.yml.tmp-%d-2", pid):           false,
				fmt.Sprintf(".spec.json.tmp-%d-3", pid):       false,
				fmt.Sprintf(".b.cue.tmp-%d-4", pid):           false,
				fmt.Sprintf(".a.yaml.tmp-%d-5", os.Getppid()): true,
				fmt.Sprintf(".notes.txt.tmp-%d-6", pid):       true,
				".notes.tmp-x":                                true,
			}
			files := map[string]string{}
			for name := range left {
				files[name] = "half"
			}
			writeDir(t, dir, files)
			if err := tc.write(dir); err != nil {
				t.Fatal(err)
			}
			for name, want := range left {
				if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
					t.Errorf("%s exists = %v, want %v", name, err == nil, want)
				}
			}
		})
	}
}

// TestApplyNeverReplacesNewFiles: a file that appears after Plan (a user
// writing it while rollspec writes) is not overwritten, nor one changed.
func TestApplyNeverReplacesNewFiles(t *testing.T) {
	dir := t.TempDir()
	want := map[string][]byte{"a.yaml": []byte(generated("a: 1\n")), "b.yaml": []byte(generated("b: 2\n"))}
	writeDir(t, dir, map[string]string{"b.yaml": generated("b: 1\n")})
	changes, err := outdir.Plan(dir, want, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeDir(t, dir, map[string]string{"a.yaml": "user's\n", "b.yaml": "user's too\n"})
	err = outdir.Apply(dir, changes)
	if err == nil || !strings.Contains(err.Error(), "while rollspec was writing; not replaced") {
		t.Fatalf("Apply = %v, want a refusal", err)
	}
	for _, name := range []string{"a.yaml", "b.yaml"} {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); !strings.HasPrefix(string(b), "user's") {
			t.Errorf("%s was overwritten: %q", name, b)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestApplyModes: new files get the umask's mode, changed files keep
// theirs.
func TestApplyModes(t *testing.T) {
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	writeDir(t, dir, map[string]string{"b.yaml": generated("b: 1\n")})
	if err := os.Chmod(filepath.Join(dir, "b.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"a.yaml": []byte(generated("a: 1\n")), "b.yaml": []byte(generated("b: 2\n"))}
	changes, err := outdir.Plan(dir, want, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := outdir.Apply(dir, changes); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"a.yaml": 0o640, "b.yaml": 0o600} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s mode = %v, want %v", name, fi.Mode().Perm(), mode)
		}
	}
}

// TestApplyKeepsEditedStaleFiles: a stale generated file edited after Plan
// is not removed, and nothing else is changed either.
func TestApplyKeepsEditedStaleFiles(t *testing.T) {
	dir := t.TempDir()
	writeDir(t, dir, map[string]string{"old.yaml": generated("old: 1\n")})
	changes, err := outdir.Plan(dir, map[string][]byte{"a.yaml": []byte(generated("a: 1\n"))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeDir(t, dir, map[string]string{"old.yaml": "now the user's\n"})
	if err := outdir.Apply(dir, changes); err == nil {
		t.Fatal("an edited stale file was removed")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "old.yaml")); string(b) != "now the user's\n" {
		t.Errorf("old.yaml = %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.yaml")); err == nil {
		t.Error("a.yaml was written although the run failed")
	}
}

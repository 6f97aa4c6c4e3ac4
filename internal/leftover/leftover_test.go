package leftover

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestParse: a name Name makes gives its prefix and pid back; other
// names are not leftovers.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		pid          int
		ok           bool
	}{
		{".web.yaml.tmp-123-456", ".web.yaml.tmp-", 123, true},
		{"rollspec-diff-7-1", "rollspec-diff-", 7, true},
		{".web2.yaml.tmp-123-456", ".web2.yaml.tmp-", 123, true},
		{"rollspec-diff-7-", "", 0, false},  // no random part
		{"rollspec-diff--1", "", 0, false},  // no pid
		{"123-456", "", 0, false},           // no prefix
		{"rollspec-diff-x-1", "", 0, false}, // no pid
		{"notes.tmp", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix, pid, ok := parse(tc.name)
			if prefix != tc.prefix || pid != tc.pid || ok != tc.ok {
				t.Errorf("parse = %q, %d, %v; want %q, %d, %v", prefix, pid, ok, tc.prefix, tc.pid, tc.ok)
			}
		})
	}
	if p, pid, ok := parse(Name("x-")); p != "x-" || pid != os.Getpid() || !ok {
		t.Errorf("parse(Name) = %q, %d, %v", p, pid, ok)
	}
}

// TestRemove: a dead process's entries of the kind asked for go, with
// what a directory holds; a running process's, this process's, other
// prefixes' and other kinds' stay.
func TestRemove(t *testing.T) {
	dir := t.TempDir()
	dead, alive := deadPID(t), os.Getppid()
	entries := map[string]fs.FileMode{
		fmt.Sprintf("run-%d-1", dead):       fs.ModeDir,
		fmt.Sprintf("run-%d-2", alive):      fs.ModeDir,
		Name("run-"):                        fs.ModeDir,
		fmt.Sprintf("run-%d-3", dead):       0, // a file where a directory is asked for
		fmt.Sprintf("other-%d-1", dead):     fs.ModeDir,
		fmt.Sprintf("run-%d-4", dead) + "x": fs.ModeDir,
	}
	for name, kind := range entries {
		p := filepath.Join(dir, name)
		if kind == fs.ModeDir {
			if err := os.MkdirAll(filepath.Join(p, "sub"), 0o700); err != nil {
				t.Fatal(err)
			}
		} else if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	link := fmt.Sprintf("run-%d-5", dead)
	if err := os.Symlink(filepath.Join(dir, fmt.Sprintf("run-%d-2", alive)), filepath.Join(dir, link)); err != nil {
		t.Fatal(err)
	}
	Remove(dir, fs.ModeDir, func(prefix string) bool { return prefix == "run-" })
	gone := fmt.Sprintf("run-%d-1", dead)
	for name := range entries {
		if _, err := os.Lstat(filepath.Join(dir, name)); (err == nil) == (name == gone) {
			t.Errorf("%s exists = %v, want %v", name, err == nil, name != gone)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, link)); err != nil {
		t.Errorf("a link was removed: %v", err)
	}
}

// deadPID is the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skip("cannot start a process:", err)
	}
	p.Wait()
	if Running(p.Pid) {
		t.Skip("the ended process's id is taken again")
	}
	return p.Pid
}

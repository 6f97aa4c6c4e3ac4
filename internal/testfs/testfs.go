// Package testfs writes file trees for tests: the specs, kustomizations
// and generated files a test reads, laid out under a directory in one
// call.
package testfs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Write creates files (slash-separated name relative to dir -> content)
// under dir, with their directories; a name ending in "/" is created as
// an empty directory.
func Write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Tree writes files under a new temporary directory and returns it.
func Tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	Write(t, dir, files)
	return dir
}

// notSpecs are the example directories that are not rollspec specs on
// their own: they show integrations, tested where those live.
var notSpecs = map[string]bool{"kustomize": true, "argocd": true, "pre-commit": true}

// Examples lists the names of the example directories under dir that
// hold rollspec specs, so that every test compiling "every example"
// means the same ones.
func Examples(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && !notSpecs[e.Name()] {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		tb.Fatalf("no examples in %s", dir)
	}
	return names
}

// DeadPID is the id of a process that has ended, killed with SIGKILL as
// an interrupted writer would be: the pid in the name of a temporary
// file such a writer left.
func DeadPID(t testing.TB) int {
	t.Helper()
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip("cannot start a process:", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	return cmd.Process.Pid
}

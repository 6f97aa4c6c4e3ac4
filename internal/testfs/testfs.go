// Package testfs writes file trees for tests: the specs, kustomizations
// and generated files a test reads, laid out under a directory in one
// call.
package testfs

import (
	"os"
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

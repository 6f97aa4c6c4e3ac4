//go:build unix

package load_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
)

// TestNamedPipe: a named pipe among specs, named or walked, is refused
// without being opened for a blocking read (which would never return).
func TestNamedPipe(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(pipe, 0o644); err != nil {
		t.Skip("no named pipes:", err)
	}
	os.WriteFile(filepath.Join(dir, "pkg.cue"), []byte("package p\nname: \"x\"\n"), 0o644)
	if err := syscall.Mkfifo(filepath.Join(dir, "other.cue"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
		mode  specpath.Mode
	}{
		{"named", []string{pipe}, specpath.Changed},
		{"walked", []string{dir}, specpath.Listed},
		{"package sibling", []string{filepath.Join(dir, "pkg.cue")}, specpath.Changed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				_, err := (&load.Loader{}).Load(specpath.Collect(tc.paths, tc.mode, specpath.Contained)).Releases(nil)
				var b strings.Builder
				diag.Print(&b, err, dir)
				done <- b.String()
			}()
			select {
			case got := <-done:
				if !strings.Contains(got, "is not a regular file but a named pipe") && tc.name != "package sibling" {
					t.Errorf("got %q", got)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("blocked on the named pipe")
			}
		})
	}
}

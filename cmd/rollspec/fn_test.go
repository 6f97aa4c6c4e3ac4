package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// TestFnRefusesEarly: `rollspec fn` refuses an input it cannot hold as
// soon as it can tell, naming the limit, before holding much of it:
// /dev/zero at its first byte (YAML holds no NUL), an endless stream once
// past the size the memory limit allows, a large file by its size,
// unread. It used to read 256 MiB of any of them first, and parse what it
// read.
func TestFnRefusesEarly(t *testing.T) {
	endless := func(t *testing.T) *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			line := []byte(strings.Repeat("# an endless comment\n", 1000))
			for {
				if _, err := w.Write(line); err != nil {
					return // the reader is closed
				}
			}
		}()
		t.Cleanup(func() {
			r.Close()
			<-done
			w.Close()
		})
		return r
	}
	large := func(t *testing.T) *os.File {
		path := filepath.Join(t.TempDir(), "list.yaml")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if err := f.Truncate(1 << 30); err != nil { // sparse: nothing written
			t.Fatal(err)
		}
		return f
	}
	zero := func(t *testing.T) *os.File {
		f, err := os.Open("/dev/zero")
		if err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	for _, tc := range []struct {
		name     string
		stdin    func(t *testing.T) *os.File
		args     []string
		stderr   string
		maxAlloc uint64
	}{
		{
			name:     "/dev/zero",
			stdin:    zero,
			stderr:   "read ResourceList: line 1, column 1: control character 0x00, which YAML does not allow (allowed: printable characters, tab and line breaks)\n",
			maxAlloc: 16 << 20,
		},
		{
			name:     "an endless stream",
			stdin:    endless,
			args:     []string{"--max-memory", "64Mi"},
			stderr:   "read ResourceList: larger than 24 MiB (allowed: at most 24 MiB on standard input with --max-memory 64 MiB; raise with --max-memory)\n",
			maxAlloc: 64 << 20,
		},
		{
			name:     "a file of 1 GiB",
			stdin:    large,
			stderr:   "read ResourceList: larger than 288 MiB (allowed: at most 288 MiB on standard input with --max-memory 768 MiB; raise with --max-memory)\n",
			maxAlloc: 1 << 20,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.stdin(t)
			var stdout, stderr bytes.Buffer
			code, alloc := runFn(in, &stdout, &stderr, tc.args...)
			if code != exitInvalid || stdout.Len() > 0 || stderr.String() != tc.stderr {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit %d, no output and stderr:\n%s", code, stdout.Bytes(), stderr.Bytes(), exitInvalid, tc.stderr)
			}
			if alloc > tc.maxAlloc {
				t.Errorf("allocated %d MiB before refusing, want at most %d MiB", alloc>>20, tc.maxAlloc>>20)
			}
		})
	}
}

// runFn runs `rollspec fn args…` in this process with in as its standard
// input, and returns its exit code and the bytes it allocated.
func runFn(in *os.File, stdout, stderr io.Writer, args ...string) (code int, alloc uint64) {
	stdin := os.Stdin
	limit := debug.SetMemoryLimit(-1)
	defer func() {
		os.Stdin = stdin
		debug.SetMemoryLimit(limit)
	}()
	os.Stdin = in
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	code = run(append([]string{"fn"}, args...), stdout, stderr)
	runtime.ReadMemStats(&after)
	return code, after.TotalAlloc - before.TotalAlloc
}

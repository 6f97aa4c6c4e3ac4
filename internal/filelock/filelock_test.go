//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package filelock_test

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/filelock"
)

// files makes each of names, holding its name, in a new directory.
func files(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// busy reports whether path's lock is held by another (an open file of
// this process counts as another: flock locks belong to the open file).
func busy(t *testing.T, path string) bool {
	t.Helper()
	l, err := filelock.Acquire([]string{path}, 0)
	var b *filelock.BusyError
	if errors.As(err, &b) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	l.Release()
	return false
}

// TestAcquire: a held lock keeps another out until released, and the
// second gives up after the wait, naming the file and the wait; a file
// reached by several names is locked once (never waiting for itself); a
// missing file is nothing to lock.
func TestAcquire(t *testing.T) {
	dir := files(t, "a.yaml", "b.cue")
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.cue")
	if err := os.Symlink("a.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(a, filepath.Join(dir, "hard.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		paths  []string
		locked []string // then held
	}{
		{"one", []string{a}, []string{a}},
		{"two, out of order", []string{b, a}, []string{a, b}},
		{"a link and its target", []string{filepath.Join(dir, "link.yaml"), a}, []string{a}},
		{"two hard links", []string{filepath.Join(dir, "hard.yaml"), a, b}, []string{a, b}},
		{"missing", []string{filepath.Join(dir, "none.yaml"), b}, []string{b}},
		{"a directory", []string{dir}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			l, err := filelock.Acquire(tc.paths, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v: waited for itself", d)
			}
			for _, p := range []string{a, b} {
				want := false
				for _, q := range tc.locked {
					want = want || q == p
				}
				if got := busy(t, p); got != want {
					t.Errorf("%s locked = %v, want %v", p, got, want)
				}
			}
			l.Release()
			for _, p := range tc.locked {
				if busy(t, p) {
					t.Errorf("%s still locked after Release", p)
				}
			}
		})
	}

	t.Run("held", func(t *testing.T) {
		l, err := filelock.Acquire([]string{a}, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Release()
		start := time.Now()
		_, err = filelock.Acquire([]string{b, a}, 200*time.Millisecond)
		if d := time.Since(start); d < 200*time.Millisecond {
			t.Errorf("gave up after %v, before the wait", d)
		}
		want := a + ": locked by another process editing it (a rollspec start, step, promote or rollback) for 200ms; gave up, nothing written (allowed: run again once it is done)"
		if err == nil || err.Error() != want {
			t.Fatalf("error %v, want %s", err, want)
		}
		if busy(t, b) {
			t.Error("b stays locked after Acquire gave up")
		}
	})
}

// TestAcquireFollowsRename: a process waiting for a file's lock while
// the holder renames a new file over it, then releases, ends up holding
// the new file's lock — the one the next process asks for — not the old
// file's, which no one asks for any more.
func TestAcquireFollowsRename(t *testing.T) {
	dir := files(t, "a.yaml", "new")
	a := filepath.Join(dir, "a.yaml")
	holder, err := filelock.Acquire([]string{a}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	var waiter *filelock.Locks
	go func() {
		var err error
		waiter, err = filelock.Acquire([]string{a}, 10*time.Second)
		got <- err
	}()
	time.Sleep(200 * time.Millisecond) // the waiter opens the old file and waits
	if err := os.Rename(filepath.Join(dir, "new"), a); err != nil {
		t.Fatal(err)
	}
	holder.Release()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	defer waiter.Release()
	if !busy(t, a) {
		t.Error("the file a.yaml names now is not locked: the waiter holds the replaced file's lock")
	}
}

// TestAcquireOrder: processes locking the same files named in opposite
// orders never wait for each other for good.
func TestAcquireOrder(t *testing.T) {
	dir := files(t, "a.cue", "b.cue")
	a, b := filepath.Join(dir, "a.cue"), filepath.Join(dir, "b.cue")
	var wg sync.WaitGroup
	for _, paths := range [][]string{{a, b}, {b, a}} {
		wg.Go(func() {
			for range 200 {
				l, err := filelock.Acquire(paths, 2*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				l.Release()
			}
		})
	}
	wg.Wait()
}

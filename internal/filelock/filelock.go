package filelock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/rollspec/rollspec/internal/specpath"
)

// Locks are the locks Acquire took; Release gives them back.
type Locks struct {
	files []*os.File
}

// BusyError is the error of a file whose lock another process held for
// the whole wait.
type BusyError struct {
	Path string
	Wait time.Duration
}

// Error names the file and how long was waited.
func (e *BusyError) Error() string {
	return fmt.Sprintf("%s: locked by another process editing it (a rollspec start, step, promote or rollback) for %v; gave up, nothing written (allowed: run again once it is done)", e.Path, e.Wait)
}

// Acquire takes the exclusive lock of every file of paths, waiting for
// another process's lock for at most wait in all; a file locked still
// then is a *BusyError. Files are locked in the order of their real
// paths (links resolved), the same in every process, so that two
// processes locking some of the same files never each wait for the
// other; a file reached by two names is locked once. A path that names
// no regular file the process may read is not locked: nothing can be
// read from it to edit, and the reader reports it. The files stay open
// until Release, one descriptor each.
func Acquire(paths []string, wait time.Duration) (*Locks, error) {
	type file struct{ name, real string }
	files := make([]file, 0, len(paths))
	for _, p := range paths {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			real = p
		}
		if real, err = filepath.Abs(real); err != nil {
			return nil, err
		}
		files = append(files, file{p, real})
	}
	slices.SortStableFunc(files, func(a, b file) int { return strings.Compare(a.real, b.real) })
	files = slices.CompactFunc(files, func(a, b file) bool { return a.real == b.real })
	l := &Locks{}
	deadline := time.Now().Add(wait)
	for _, f := range files {
		held, err := l.lock(f.name, deadline)
		if err != nil {
			l.Release()
			if err == errBusy {
				err = &BusyError{Path: f.name, Wait: wait}
			}
			return nil, err
		}
		if held != nil {
			l.files = append(l.files, held)
		}
	}
	return l, nil
}

// lock takes the lock of the file path names, waiting until deadline,
// and returns it open; nil when there is nothing to lock or l holds it
// already (a hard link met under another name).
func (l *Locks) lock(path string, deadline time.Time) (*os.File, error) {
	for {
		f, err := specpath.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, specpath.ErrNotRegular):
			return nil, nil // nothing to read, so nothing to edit: the reader says why
		case err != nil:
			return nil, fmt.Errorf("%s: cannot lock it for editing: %w", path, err)
		}
		if l.holds(f) {
			f.Close()
			return nil, nil
		}
		if err := lockBy(f, path, deadline); err != nil {
			f.Close()
			return nil, err
		}
		// While this waited, the holder may have renamed a new file over
		// path: then the lock held is the old file's, which no one else
		// takes any more.
		if named(path, f) {
			return f, nil
		}
		f.Close()
	}
}

// errBusy is lockBy's error when the deadline passed.
var errBusy = errors.New("busy")

// lockBy takes f's lock, trying until deadline.
func lockBy(f *os.File, path string, deadline time.Time) error {
	pause := 2 * time.Millisecond
	for {
		ok, err := tryLock(f)
		switch {
		case err != nil:
			return fmt.Errorf("%s: cannot lock it for editing: %w", path, err)
		case ok:
			return nil
		case time.Now().After(deadline):
			return errBusy
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
}

// holds reports whether l holds the lock of f's file.
func (l *Locks) holds(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return slices.ContainsFunc(l.files, func(h *os.File) bool {
		hi, err := h.Stat()
		return err == nil && os.SameFile(fi, hi)
	})
}

// named reports whether path still names the file f is.
func named(path string, f *os.File) bool {
	pi, err := os.Stat(path)
	if err != nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && os.SameFile(pi, fi)
}

// Release gives back every lock l holds.
func (l *Locks) Release() {
	for _, f := range l.files {
		f.Close() // closing the file drops its lock
	}
	l.files = nil
}

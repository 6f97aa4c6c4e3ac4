package specpath

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxConfigBytes bounds what the path rules read of a file that is not
// a spec (a kustomization, a package clause): far above any real one.
const MaxConfigBytes = 4 << 20

// ErrNotRegular is the error of a path that is no regular file.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads at most max bytes of the regular file at path (a link
// to one is followed). A device, named pipe or socket is refused without
// blocking: it is checked before it is opened, and opened without waiting
// in case it was swapped for one meanwhile. A file over max is an error
// wrapping ErrTooLarge.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := ReadAtMost(f, max)
	if errors.Is(err, ErrTooLarge) {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	return b, err
}

// ReadAtMost reads r to its end, or fails with ErrTooLarge past max
// bytes: an endless input (a pipe, /dev/zero) still ends.
func ReadAtMost(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}

// ErrTooLarge is the error of a file over the size read.
var ErrTooLarge = errors.New("file too large")

// Open opens the regular file at path for reading, refusing anything
// else without blocking on it.
func Open(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w but %s", ErrNotRegular, FileKind(fi.Mode()))}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: ErrNotRegular}
	}
	return f, nil
}

// FileKind names what a file that is not regular is.
func FileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

package leftover

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Name is a new temporary name for this process: prefix, this process's
// id and a random number. prefix must not end with a digit, so that the
// id is found again (Remove).
func Name(prefix string) string {
	return prefix + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(uint64(rand.Uint32()), 10)
}

// Remove removes the entries of dir of kind (0 for regular files,
// fs.ModeDir for directories, with all they hold) that Name made with a
// prefix ours accepts, for a process that no longer runs. Links and
// anything else are never removed, nor this process's own entries.
// Failures are ignored: a leftover that cannot be removed stays, as it
// would have without this.
func Remove(dir string, kind fs.FileMode, ours func(prefix string) bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Type() != kind {
			continue
		}
		prefix, pid, ok := parse(e.Name())
		if !ok || !ours(prefix) || pid == os.Getpid() || Running(pid) {
			continue
		}
		if kind == fs.ModeDir {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		} else {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// parse splits a name Name made into its prefix and process id.
func parse(name string) (prefix string, pid int, ok bool) {
	dash := strings.LastIndexByte(name, '-')
	if dash < 0 || !digits(name[dash+1:]) {
		return "", 0, false
	}
	rest := name[:dash]
	i := len(rest)
	for i > 0 && rest[i-1] >= '0' && rest[i-1] <= '9' {
		i--
	}
	pid, err := strconv.Atoi(rest[i:])
	if err != nil || pid <= 0 || i == 0 {
		return "", 0, false
	}
	return rest[:i], pid, true
}

// digits reports whether s is a non-empty run of decimal digits.
func digits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/rollspec/rollspec/gen"
)

// Kind is what a change does to a file.
type Kind string

// Kinds of change.
const (
	Missing Kind = "missing" // the file should exist and does not
	Changed Kind = "changed" // the file exists with other content
	Stale   Kind = "stale"   // a generated file no release produces any more
)

// Change is one file that differs from what rollspec would write.
type Change struct {
	Name string // file name inside the directory
	Kind Kind
	Old  []byte // current content, nil when missing
	New  []byte // wanted content, nil when stale
}

// Plan compares dir with want (file name -> content) and returns the
// changes needed, sorted by name. It fails, listing every file, when a
// change would overwrite a file that rollspec did not generate.
func Plan(dir string, want map[string][]byte) ([]Change, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	have := map[string][]byte{}
	var foreign []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !isManifest(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if !Generated(b) {
			if _, ok := want[e.Name()]; ok {
				foreign = append(foreign, filepath.Join(dir, e.Name()))
			}
			continue
		}
		have[e.Name()] = b
	}
	if len(foreign) > 0 {
		return nil, fmt.Errorf("refusing to overwrite files rollspec did not generate (they lack the %q header): %s; move them away or choose another output directory",
			strings.TrimSuffix(gen.Header, "\n"), strings.Join(foreign, ", "))
	}
	var changes []Change
	for name, b := range want {
		old, ok := have[name]
		switch {
		case !ok:
			changes = append(changes, Change{Name: name, Kind: Missing, New: b})
		case !bytes.Equal(old, b):
			changes = append(changes, Change{Name: name, Kind: Changed, Old: old, New: b})
		}
	}
	for name, b := range have {
		if _, ok := want[name]; !ok {
			changes = append(changes, Change{Name: name, Kind: Stale, Old: b})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.Name, b.Name) })
	return changes, nil
}

// Generated reports whether content was written by rollspec.
func Generated(content []byte) bool { return bytes.HasPrefix(content, []byte(gen.Header)) }

func isManifest(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Apply carries out changes in dir, creating dir if needed: each new or
// changed file is written atomically, each stale file removed.
func Apply(dir string, changes []Change) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, c := range changes {
		path := filepath.Join(dir, c.Name)
		if c.Kind == Stale {
			if err := os.Remove(path); err != nil {
				return err
			}
			continue
		}
		if err := writeAtomic(path, c.New); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes b to a temporary file beside path, syncs it and
// renames it over path.
func writeAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Diff renders changes as a unified diff against dir.
func Diff(dir string, changes []Change) []byte {
	var b bytes.Buffer
	for _, c := range changes {
		path := filepath.ToSlash(filepath.Join(dir, c.Name))
		oldName, newName := "a/"+path, "b/"+path
		if c.Kind == Missing {
			oldName = "/dev/null"
		}
		if c.Kind == Stale {
			newName = "/dev/null"
		}
		b.Write(diff.Diff(oldName, c.Old, newName, c.New))
	}
	return b.Bytes()
}

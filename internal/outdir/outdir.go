package outdir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/diff"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/leftover"
	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/specpath"
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

// sourcePrefix starts the line after the header naming the spec a file
// was compiled from, relative to the directory (or "-" for standard
// input): it tells which run owns the file.
const sourcePrefix = "# Source: "

// WithSource returns a rendered release (header first) with the line
// naming its source spec after the header. A name holding a character
// that does not show (package inert) — a line break would end the
// comment and put the rest of the name in the YAML — or starting with a
// quote is written quoted, as Go's %q writes it; Source reads it back.
func WithSource(content []byte, source string) []byte {
	h := len(manifest.Header)
	if !Generated(content) {
		h = 0
	}
	if inert.Line(source) != source || strings.HasPrefix(source, `"`) {
		source = strconv.Quote(source)
	}
	out := make([]byte, 0, len(content)+len(sourcePrefix)+len(source)+1)
	out = append(out, content[:h]...)
	out = append(out, sourcePrefix...)
	out = append(out, source...)
	out = append(out, '\n')
	return append(out, content[h:]...)
}

// Source returns the source a generated file names, "" when none.
func Source(content []byte) string {
	content = lf(content)
	if !Generated(content) {
		return ""
	}
	rest, ok := bytes.CutPrefix(content[len(manifest.Header):], []byte(sourcePrefix))
	if !ok {
		return ""
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	if len(line) > 0 && line[0] == '"' {
		if name, err := strconv.Unquote(string(line)); err == nil {
			return name
		}
	}
	return string(line)
}

// Plan compares dir with want (file name -> content) and returns the
// changes needed, sorted by name. owns tells which sources (as Source
// returns them) this run compiles: a generated file of another source is
// left alone, so runs over different specs can share a directory; nil
// owns every file. Plan fails, listing every file, when a change would
// overwrite a file rollspec did not generate, or one generated from a
// spec that still exists and that this run does not read.
func Plan(dir string, want map[string][]byte, owns func(source string) bool) ([]Change, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if owns == nil {
		owns = func(string) bool { return true }
	}
	have := map[string][]byte{}
	var foreign, others []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !isManifest(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		_, wanted := want[e.Name()]
		if !Generated(lf(b)) {
			if wanted {
				foreign = append(foreign, filepath.Join(dir, e.Name()))
			}
			continue
		}
		src := Source(b)
		if src != "" && !owns(src) {
			// Another run's file: never pruned, and overwritten only when
			// its spec is gone (the release moved to a spec read here).
			if wanted && src != Source(want[e.Name()]) && sourceExists(dir, src) {
				others = append(others, fmt.Sprintf("%s (from %s)", filepath.Join(dir, e.Name()), src))
				continue
			}
			if !wanted {
				continue
			}
		}
		have[e.Name()] = b
	}
	if len(foreign) > 0 {
		return nil, fmt.Errorf("refusing to overwrite files rollspec did not generate (they lack the %q header): %s; move them away or choose another output directory",
			strings.TrimSuffix(manifest.Header, "\n"), strings.Join(foreign, ", "))
	}
	if len(others) > 0 {
		return nil, fmt.Errorf("refusing to overwrite files generated from specs this run does not read: %s; build those specs too, or remove the files", strings.Join(others, ", "))
	}
	var changes []Change
	for name, b := range want {
		old, ok := have[name]
		switch {
		case !ok:
			changes = append(changes, Change{Name: name, Kind: Missing, New: b})
		case !bytes.Equal(lf(old), b):
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

// lf returns b with CRLF line ends as LF: a checkout with
// core.autocrlf=true (or an editor on Windows) turns a generated file's
// line ends into CRLF, and git turns them back on commit, so the file is
// still rollspec's and unchanged.
func lf(b []byte) []byte {
	if !bytes.Contains(b, []byte("\r\n")) {
		return b
	}
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
}

// sourceExists reports whether the spec src (relative to dir) is still
// there; standard input never is.
func sourceExists(dir, src string) bool {
	if src == "-" {
		return false
	}
	// Not filepath.Join, which would take "dir/.." away by name: a
	// source is recorded from the directory's real place, and the
	// system resolves ".." from there when dir is a link.
	_, err := os.Stat(dir + string(filepath.Separator) + filepath.FromSlash(src))
	return err == nil
}

// Generated reports whether content was written by rollspec.
func Generated(content []byte) bool { return bytes.HasPrefix(content, []byte(manifest.Header)) }

func isManifest(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// Apply carries out changes in dir, creating dir if needed. It is all or
// nothing as far as the file system allows: every new or changed file is
// first written in full to a temporary file beside its place, and only
// when all are written are they moved into place and stale files removed.
// A failed write (a full disk, a directory where a file goes) leaves dir
// as it was, and a run killed halfway leaves only temporary files, which
// the next run removes.
//
// A file that is to be new is never moved over a file that appeared
// meanwhile (it is linked into place, which fails if the name is taken),
// and a file that is to change is replaced only if it still holds what
// Plan read. New files get the mode the umask gives (0666 less it); a
// changed file keeps its mode.
func Apply(dir string, changes []Change) (err error) {
	if _, serr := os.Lstat(dir); errors.Is(serr, fs.ErrNotExist) {
		// Created here, so removed here on failure (if still empty); a
		// link given as dir, dangling or not, is never this run's.
		defer func() {
			if err != nil {
				os.Remove(dir)
			}
		}()
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	removeLeftovers(dir)
	temps := make([]string, len(changes)) // "" for a stale file
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for i, c := range changes {
		if c.Kind == Stale {
			continue
		}
		path := filepath.Join(dir, c.Name)
		var set func(*os.File) error // the umask's mode
		if fi, err := os.Lstat(path); err == nil {
			if !fi.Mode().IsRegular() {
				return fmt.Errorf("write %s: is not a regular file", path)
			}
			if c.Kind == Changed {
				set = func(f *os.File) error { return f.Chmod(fi.Mode().Perm()) }
			}
		}
		if temps[i], err = writeTemp(path, c.New, set); err != nil {
			return err
		}
	}
	// Nothing is moved or removed until every file to change or remove is
	// known to still hold what Plan read: a file the user edited meanwhile
	// is never replaced or deleted.
	for _, c := range changes {
		if c.Kind == Missing {
			continue
		}
		path := filepath.Join(dir, c.Name)
		if now, err := os.ReadFile(path); (err != nil && !(c.Kind == Stale && errors.Is(err, fs.ErrNotExist))) || (err == nil && !bytes.Equal(now, c.Old)) {
			return fmt.Errorf("write %s: the file changed while rollspec was writing; not replaced (run again to check it)", path)
		}
	}
	for i, c := range changes {
		path := filepath.Join(dir, c.Name)
		switch c.Kind {
		case Stale:
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			continue
		case Missing:
			// Link, not rename: a file that appeared since Plan is kept.
			err := os.Link(temps[i], path)
			if err != nil && !errors.Is(err, fs.ErrExist) {
				// A file system without hard links: rename, if the name is
				// still free.
				if _, lerr := os.Lstat(path); errors.Is(lerr, fs.ErrNotExist) {
					if err = os.Rename(temps[i], path); err == nil {
						temps[i] = ""
					}
				}
			}
			if err != nil {
				if errors.Is(err, fs.ErrExist) {
					return fmt.Errorf("write %s: the file appeared while rollspec was writing; not replaced (run again to check it)", path)
				}
				return err
			}
			continue // the deferred cleanup removes the temporary name
		}
		if err := os.Rename(temps[i], path); err != nil {
			return err
		}
		temps[i] = ""
	}
	return nil
}

// tempMarker is in the name of every temporary file, followed by the
// writing process's id: `.<name>.tmp-<pid>-<random>`.
const tempMarker = ".tmp-"

// writeTemp writes b to a new temporary file beside path, synced, and
// returns its name. The file is made as any new file, 0666 less the
// umask; set, when not nil, is given it once written and before it is
// closed, to give it the owner and mode of the file it is to replace —
// through the open file, as its name could meanwhile lead elsewhere.
// Until then only its owner may read it.
func writeTemp(path string, b []byte, set func(*os.File) error) (name string, err error) {
	perm := fs.FileMode(0o666)
	if set != nil {
		perm = 0o600
	}
	var f *os.File
	for range 100 {
		name = filepath.Join(filepath.Dir(path), leftover.Name("."+filepath.Base(path)+tempMarker))
		// O_EXCL: never another's.
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(name)
		}
	}()
	if _, err = f.Write(b); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", err
	}
	// After writing: a write by a process that is not root clears setuid
	// and setgid.
	if set != nil {
		if err = set(f); err != nil {
			return "", err
		}
	}
	return name, f.Close()
}

// removeLeftovers removes the temporary files a run that was killed left
// in dir beside a manifest or a spec: those of a process that no longer
// runs. Another run writing in dir now keeps its own.
func removeLeftovers(dir string) {
	leftover.Remove(dir, 0, func(prefix string) bool {
		name, ok := strings.CutPrefix(prefix, ".")
		name, ok2 := strings.CutSuffix(name, tempMarker)
		return ok && ok2 && (isManifest(name) || specpath.IsSpecFile(name))
	})
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

// Edit is a new content for an existing file, and the content it was
// made from.
type Edit struct {
	Path     string
	Old, New []byte
}

// Replace writes each edit over its regular file atomically — a
// temporary file beside it, renamed over it — once every file is known
// to still hold its Old: an edit made meanwhile is never lost, and
// nothing is replaced when any temporary file cannot be written. A file
// the process may not write is refused before anything is written,
// though its directory would let a new file replace it: it is not this
// user's to change. A symbolic link is followed: the file it names is
// replaced, the link kept. Errors name the edit's Path.
//
// The new file keeps the old one's owner, group and mode (setuid, setgid
// and sticky bits included) as far as the process may, as sed -i does: a
// process that is not root cannot give a file away; what it could not
// keep is a warning naming the file. The temporary files of an earlier
// writer killed halfway are removed from each file's directory, as Apply
// removes them.
//
// Replace takes no lock: a caller that reads, checks and writes as one
// step holds the files' locks (internal/filelock) from its read through
// Replace.
func Replace(edits []Edit) (diag.List, error) {
	paths := make([]string, len(edits))
	temps := make([]string, len(edits))
	infos := make([]fs.FileInfo, len(edits))
	defer func() {
		for _, t := range temps {
			if t != "" {
				os.Remove(t)
			}
		}
	}()
	for i, e := range edits {
		path, err := filepath.EvalSymlinks(e.Path)
		if err != nil {
			return nil, err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("write %s: is not a regular file", path)
		}
		if err := writable(path); err != nil {
			return nil, fmt.Errorf("%s: cannot edit: %w", e.Path, cause(err))
		}
		paths[i], infos[i] = path, fi
	}
	for _, dir := range dirs(paths) {
		removeLeftovers(dir)
	}
	var warns diag.List
	for i, e := range edits {
		var kerr error // the mode not given: never a file more open than before
		var err error
		temps[i], err = writeTemp(paths[i], e.New, func(f *os.File) error {
			var lost string
			if lost, kerr = keep(f, infos[i]); lost != "" {
				warns = append(warns, &diag.Diagnostic{Severity: diag.Warning, Pos: diag.FileOnly(e.Path), Text: "edited, but " + lost})
			}
			return kerr
		})
		switch {
		case kerr != nil:
			return nil, fmt.Errorf("%s: cannot give the edited file its mode: %w", e.Path, cause(kerr))
		case err != nil:
			return nil, fmt.Errorf("%s: cannot write its directory: %w", e.Path, cause(err))
		}
	}
	for i, e := range edits {
		if now, err := os.ReadFile(paths[i]); err != nil || !bytes.Equal(now, e.Old) {
			return nil, fmt.Errorf("write %s: the file changed while rollspec was writing; not replaced (run again)", e.Path)
		}
	}
	for i := range edits {
		if err := os.Rename(temps[i], paths[i]); err != nil {
			return nil, err
		}
		temps[i] = ""
	}
	return warns, nil
}

// dirs are the directories of paths, each once.
func dirs(paths []string) []string {
	var ds []string
	for _, p := range paths {
		if d := filepath.Dir(p); !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	return ds
}

// writable is nil when the process may write the file at path: opened
// for writing, neither truncated nor written.
func writable(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

// cause is what went wrong in err, without the file name an
// *fs.PathError adds (a temporary file's, which means nothing to a user).
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

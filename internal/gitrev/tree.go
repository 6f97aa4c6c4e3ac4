package gitrev

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rollspec/rollspec/internal/leftover"
	"github.com/rollspec/rollspec/internal/load"
)

// Options say what reading at a revision may cost.
type Options struct {
	// Limits bound each file read (FileBytes), and each link's target
	// alike.
	Limits load.Limits
	// Timeout is how long one git command may run; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Flag is the command-line flag that names the revision, as messages
	// say it; "" means "--against" (diff's).
	Flag string
}

// tempPrefix starts the name of the temporary directory, followed by the
// process's id (leftover.Name).
const tempPrefix = "rollspec-diff-"

// Tree is the named paths as they were at a git revision, written into a
// temporary directory that mirrors each repository's layout.
type Tree struct {
	dir    string
	cwd    string // the working directory
	git    *git
	limits load.Limits

	mu      sync.Mutex // held while writing into dir, and by Remove
	removed bool

	repos []*repo
	// byArg maps each named path that existed at the revision to its
	// counterpart under dir; paths lists them in the order named.
	byArg map[string]string
	paths []string
	// revCwd is the working directory's counterpart, for file names in
	// problems; the working directory itself when not in a repository.
	revCwd string
}

// repo is one repository read, and its mirror under the Tree's dir.
type repo struct {
	root, mirror, commit string
}

// New makes the temporary directory a Tree is read into, named after this
// process in the system's temporary directory; it first removes the
// directories that runs no longer running left there (killed, or crashed).
// cwd is the working directory, which messages name paths relative to.
func New(cwd string, o Options) (*Tree, error) {
	g, err := newGit(o.Timeout, o.Flag)
	if err != nil {
		return nil, err
	}
	tmp := os.TempDir()
	leftover.Remove(tmp, fs.ModeDir, func(prefix string) bool { return prefix == tempPrefix })
	var dir string
	for range 100 {
		dir = filepath.Join(tmp, leftover.Name(tempPrefix))
		if err = os.Mkdir(dir, 0o700); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return &Tree{dir: dir, cwd: realPath(cwd), git: g, limits: o.Limits, byArg: map[string]string{}, revCwd: cwd}, nil
}

// Remove stops the git commands running for t and removes its directory.
// It may be called at any time, from any goroutine (a signal's), and more
// than once; nothing is written into the directory after it.
func (t *Tree) Remove() {
	t.git.stop()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removed = true
	os.RemoveAll(t.dir)
}

// Paths are the named paths' counterparts in t, those that existed at the
// revision, in the order named.
func (t *Tree) Paths() []string { return t.paths }

// Has reports whether the named path arg existed at the revision.
func (t *Tree) Has(arg string) bool { _, ok := t.byArg[arg]; return ok }

// Cwd is the working directory's counterpart in t, for problems to name
// files relative to it; the working directory itself when it is in none
// of the repositories read.
func (t *Tree) Cwd() string { return t.revCwd }

// Read reads the paths args at git revision rev into t, each from the
// repository whose work tree holds it: only the files under each path and
// what loading reads beside it (alike), through `git rev-parse`, `git
// ls-tree` and `git cat-file`, with the settings git.go forces. A file
// larger than the limit is cut just past it, which loading then refuses;
// a link whose target is longer is refused here.
func (t *Tree) Read(ctx context.Context, rev string, args []string) error {
	roots := map[string]*repo{}
	written := map[string]bool{}
	for _, arg := range args {
		root, rel, err := t.git.repository(ctx, arg)
		if err != nil {
			return err
		}
		r, ok := roots[root]
		if !ok {
			// Named so that no mirror's name starts another's (Names).
			r = &repo{root: root, mirror: filepath.Join(t.dir, strconv.Itoa(len(t.repos))+"_")}
			if r.commit, err = t.git.output(ctx, root, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}"); err != nil {
				if !refused(err) {
					return fmt.Errorf("%s: %s: %w", arg, t.git.flag, err)
				}
				return fmt.Errorf("%s: %s: unknown revision %q in the repository at %s (allowed: a commit, branch or tag git knows)", arg, t.git.flag, rev, root)
			}
			roots[root] = r
			t.repos = append(t.repos, r)
			if c, err := filepath.Rel(root, t.cwd); err == nil && filepath.IsLocal(c) {
				t.revCwd = filepath.Join(r.mirror, c)
			}
		}
		rd := &reader{t: t, repo: r, rev: rev, arg: arg, rel: rel, written: written}
		n, err := rd.tree(ctx, rel)
		if err == nil && n > 0 {
			err = rd.alike(ctx)
		}
		if err != nil {
			return err
		}
		if n > 0 {
			t.byArg[arg] = filepath.Join(r.mirror, rel)
			t.paths = append(t.paths, t.byArg[arg])
		}
	}
	return nil
}

// Names rewrites text (problems printed about t's files) to name each
// file by its place in the repository rather than in t's directory: a
// file under the working directory relative to it, others by their
// absolute path.
func (t *Tree) Names(text string) string {
	if !strings.Contains(text, t.dir) {
		return text
	}
	var pairs []string
	for _, r := range t.repos {
		if c, err := filepath.Rel(r.mirror, t.revCwd); err == nil && filepath.IsLocal(c) {
			pairs = append(pairs, t.revCwd+string(filepath.Separator), "")
		}
		pairs = append(pairs, r.mirror, t.display(r.root))
	}
	// strings.Replacer tries the pairs in order at each place: the working
	// directory's before its repository's.
	return strings.NewReplacer(pairs...).Replace(text)
}

// display is p as messages name it: relative to the working directory
// when under it, else whole.
func (t *Tree) display(p string) string {
	if rel, err := filepath.Rel(t.cwd, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

// lock locks t for writing into its directory, unless it is removed.
func (t *Tree) lock() error {
	t.mu.Lock()
	if t.removed {
		t.mu.Unlock()
		return errStopped
	}
	return nil
}

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rollspec/rollspec/internal/load"
)

// revTree is the named paths as they were at a git revision, written
// into a temporary directory that mirrors each repository's layout.
type revTree struct {
	dir string
	// paths are the named paths' counterparts under dir, those that
	// existed at the revision.
	paths []string
	// byArg maps each named path that existed to its counterpart.
	byArg map[string]string
	// cwd is the working directory's counterpart, for file names in
	// problems; the working directory itself when not in a repository.
	cwd string
}

// has reports whether the named path p existed at the revision.
func (t *revTree) has(p string) bool { _, ok := t.byArg[p]; return ok }

// remove deletes the temporary directory.
func (t *revTree) remove() { os.RemoveAll(t.dir) }

// gitEntry is one file of a tree, as `git ls-tree -r -l -z` lists it.
type gitEntry struct {
	mode, typ, object string
	size              int64
	path              string
}

// Tree entry modes git records.
const (
	gitModeLink     = "120000"
	gitTypeBlob     = "blob"
	gitRevCommitTag = "^{commit}"
)

// checkoutRev reads the paths args at git revision rev into a temporary
// directory, each from the repository whose work tree holds it: only the
// files under each path and what loading reads beside it (revReader.alike),
// through `git ls-tree` and `git cat-file`, never running anything the
// repository configures. A file larger than
// limits allow is cut just past the limit, which loading then refuses.
func checkoutRev(rev string, args []string, limits load.Limits, cwd string) (_ *revTree, err error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("rollspec diff: --against runs git, which is not on PATH: %w", err)
	}
	dir, err := os.MkdirTemp("", "rollspec-diff-")
	if err != nil {
		return nil, fmt.Errorf("rollspec diff: %w", err)
	}
	t := &revTree{dir: dir, byArg: map[string]string{}, cwd: cwd}
	defer func() {
		if err != nil {
			t.remove()
		}
	}()
	roots := map[string]string{} // repository root → its mirror under dir
	written := map[string]bool{}
	commits := map[string]string{}
	for _, arg := range args {
		root, rel, err := inRepo(arg)
		if err != nil {
			return nil, err
		}
		mirror, ok := roots[root]
		if !ok {
			mirror = filepath.Join(dir, strconv.Itoa(len(roots)))
			roots[root] = mirror
			if commits[root], err = runGit(root, nil, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+gitRevCommitTag); err != nil {
				return nil, fmt.Errorf("%s: --against: unknown revision %q in the repository at %s (allowed: a commit, branch or tag git knows)", arg, rev, root)
			}
			if c, err := filepath.Rel(root, realPath(cwd)); err == nil && filepath.IsLocal(c) || c == "." {
				t.cwd = filepath.Join(mirror, c)
			}
		}
		g := &revReader{root: root, commit: commits[root], mirror: mirror, maxBytes: cmp.Or(limits.FileBytes, load.DefaultFileBytes), written: written}
		n, err := g.tree(rel)
		if err == nil && n > 0 {
			err = g.alike(arg, rel)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: reading it at %s: %w", arg, rev, err)
		}
		if n > 0 {
			t.byArg[arg] = filepath.Join(mirror, rel)
			t.paths = append(t.paths, t.byArg[arg])
		}
	}
	return t, nil
}

// revReader writes files of one repository at a commit into its mirror.
type revReader struct {
	root, commit, mirror string
	maxBytes             int64
	// written are the files written into any mirror, each once: two
	// named paths may lead to the same file.
	written map[string]bool
}

// alike reads at the commit what loading the named path arg (at rel)
// reads beside it in the work tree, so that both sides load alike: a
// named .cue file's package is the .cue files of its directory
// (specpath), so the directory's .cue files, for loading to pick the
// package's from; and the cue.mod of the CUE module holding it, which
// CUE's loader reads from above (load.ModuleFile).
func (g *revReader) alike(arg, rel string) error {
	abs, err := filepath.Abs(arg)
	if err != nil {
		return err
	}
	dir := abs
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		dir = filepath.Dir(abs)
		if filepath.Ext(rel) == ".cue" {
			if _, err := g.write(filepath.Dir(rel), false, func(name string) bool {
				return filepath.Ext(name) == ".cue" && !strings.HasPrefix(name, ".")
			}); err != nil {
				return err
			}
		}
	}
	mod := load.ModuleFile(dir)
	if mod == "" {
		return nil
	}
	modRel, err := filepath.Rel(g.root, realPath(filepath.Dir(mod)))
	if err != nil || !filepath.IsLocal(modRel) {
		return nil // a module around the repository: the same on both sides
	}
	_, err = g.tree(modRel)
	return err
}

// tree writes the files under rel (a file, or a directory and all below
// it); it returns how many there are (0: rel did not exist at commit).
func (g *revReader) tree(rel string) (int, error) {
	return g.write(rel, true, func(string) bool { return true })
}

// inRepo finds the root of the git work tree holding path (which may be
// gone from it) and path's place in it.
func inRepo(path string) (root, rel string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", path, err)
	}
	// The nearest directory that exists: a path removed since the
	// revision is still a path of the work tree.
	dir, rest := abs, ""
	for {
		fi, err := os.Stat(dir)
		if err == nil && fi.IsDir() {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "", fmt.Errorf("%s: no such directory", path)
		}
		rest, dir = filepath.Join(filepath.Base(dir), rest), parent
	}
	out, err := runGit(dir, nil, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", "", fmt.Errorf("%s: not in a git work tree (allowed: with --against, paths inside a git repository's work tree)", path)
	}
	root = realPath(out)
	rel, err = filepath.Rel(root, filepath.Join(realPath(dir), rest))
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return "", "", fmt.Errorf("%s: outside the git work tree at %s (allowed: with --against, paths inside a git repository's work tree)", path, root)
	}
	return root, rel, nil
}

// realPath is p with its links resolved, p itself when that fails.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// write writes the files under rel at g.commit that keep accepts by
// name into the mirror, at the same place: every file below rel when
// recursive, else rel's own entries (rel a directory); it returns how
// many rel holds. Links are written as links, for loading to judge as it
// judges the work tree's; submodules are left out.
func (g *revReader) write(rel string, recursive bool, keep func(name string) bool) (int, error) {
	args := []string{"--literal-pathspecs", "ls-tree", "-l", "-z", "--full-tree"}
	if recursive {
		args = append(args, "-r")
	}
	args = append(args, g.commit)
	switch {
	case recursive:
		args = append(args, "--", filepath.ToSlash(rel))
	case rel != ".":
		args = append(args, "--", filepath.ToSlash(rel)+"/") // its entries, not itself
	}
	list, err := runGit(g.root, nil, args...)
	if err != nil {
		return 0, err
	}
	var entries []gitEntry
	n := 0
	for rec := range strings.SplitSeq(list, "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 4 || f[1] != gitTypeBlob {
			continue // a submodule, a directory, or the end
		}
		n++
		size, _ := strconv.ParseInt(f[3], 10, 64)
		if !filepath.IsLocal(filepath.FromSlash(path)) {
			return 0, fmt.Errorf("tree entry %q leads out of the repository", path)
		}
		dst := filepath.Join(g.mirror, filepath.FromSlash(path))
		if !keep(filepath.Base(dst)) || g.written[dst] {
			continue
		}
		g.written[dst] = true
		entries = append(entries, gitEntry{mode: f[0], typ: f[1], object: f[2], size: size, path: filepath.FromSlash(path)})
	}
	if len(entries) == 0 {
		return n, nil
	}
	var ids bytes.Buffer
	for _, en := range entries {
		ids.WriteString(en.object + "\n")
	}
	cmd := gitCommand(g.root, &ids, "cat-file", "--batch")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	werr := writeBlobs(bufio.NewReader(stdout), entries, g.mirror, g.maxBytes)
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil && werr == nil {
		werr = fmt.Errorf("git cat-file: %w", err)
	}
	return n, werr
}

// writeBlobs writes each entry from cat-file's output, in order.
func writeBlobs(r *bufio.Reader, entries []gitEntry, mirror string, maxBytes int64) error {
	for _, en := range entries {
		if _, err := r.ReadString('\n'); err != nil { // "<object> blob <size>"
			return fmt.Errorf("git cat-file: %w", err)
		}
		dst := filepath.Join(mirror, en.path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if en.mode == gitModeLink {
			target, err := io.ReadAll(io.LimitReader(r, en.size))
			if err == nil {
				err = os.Symlink(string(target), dst)
			}
			if err != nil {
				return err
			}
		} else if err := writeBlob(r, dst, en.size, maxBytes); err != nil {
			return err
		}
		if _, err := r.Discard(1); err != nil { // the newline after the content
			return fmt.Errorf("git cat-file: %w", err)
		}
	}
	return nil
}

// writeBlob copies size bytes of r into a new file dst, keeping at most
// maxBytes+1 of them.
func writeBlob(r io.Reader, dst string, size, maxBytes int64) error {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	keep := min(size, maxBytes+1)
	_, err = io.CopyN(f, r, keep)
	if err == nil {
		_, err = io.CopyN(io.Discard, r, size-keep)
	}
	return errors.Join(err, f.Close())
}

// gitCommand is git run in dir with stdin, its own configuration kept
// from running programs (no file-system monitor).
func gitCommand(dir string, stdin io.Reader, args ...string) *exec.Cmd {
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "core.fsmonitor=false"}, args...)...)
	cmd.Stdin = stdin
	return cmd
}

// runGit runs git in dir and returns its output without the trailing
// newline, or an error with what git said.
func runGit(dir string, stdin io.Reader, args ...string) (string, error) {
	cmd := gitCommand(dir, stdin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSuffix(string(out), "\n"), nil
}

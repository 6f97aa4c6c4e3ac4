package gitrev

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rollspec/rollspec/internal/load"
)

// Tree entry modes and object types git records.
const (
	gitModeLink = "120000"
	gitTypeBlob = "blob"
)

// reader writes the files of one named path at a commit into its
// repository's mirror.
type reader struct {
	t        *Tree
	repo     *repo
	rev, arg string
	rel      string // arg's place in the repository
	// written are the files written into any mirror, each once: two
	// named paths may lead to the same file.
	written map[string]bool
}

// entry is one file of a tree, as `git ls-tree -z` lists it.
type entry struct {
	mode, object string
	path         string // in the repository, slash-separated
}

// alike reads at the commit what loading the named path reads beside it
// in the work tree, so that both sides load alike: a named .cue
// file's package is the .cue files of its directory (specpath), so the
// directory's .cue files, for loading to pick the package's from; and the
// cue.mod of the CUE module holding it, which CUE's loader reads from
// above (load.ModuleFile).
func (rd *reader) alike(ctx context.Context) error {
	abs, err := filepath.Abs(rd.arg)
	if err != nil {
		return rd.fail(err)
	}
	dir := abs
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		dir = filepath.Dir(abs)
		if filepath.Ext(rd.rel) == ".cue" {
			if _, err := rd.write(ctx, filepath.Dir(rd.rel), false, func(name string) bool {
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
	modRel, err := filepath.Rel(rd.repo.root, realPath(filepath.Dir(mod)))
	if err != nil || !filepath.IsLocal(modRel) {
		return nil // a module around the repository: the same on both sides
	}
	_, err = rd.tree(ctx, modRel)
	return err
}

// tree writes the files under rel (a file, or a directory and all below
// it); it returns how many there are (0: rel did not exist at the commit).
func (rd *reader) tree(ctx context.Context, rel string) (int, error) {
	return rd.write(ctx, rel, true, func(string) bool { return true })
}

// write writes the files under rel at the commit that keep accepts by
// name into the mirror, at the same place: every file below rel when
// recursive, else rel's own entries (rel a directory); it returns how
// many rel holds. Links are written as links, for loading to judge as it
// judges the work tree's; submodules are left out.
func (rd *reader) write(ctx context.Context, rel string, recursive bool, keep func(name string) bool) (int, error) {
	// Without -l: a blob's size would be read from the blob, which a
	// partial clone lacks. cat-file says the size.
	args := []string{"ls-tree", "-z", "--full-tree"}
	if recursive {
		args = append(args, "-r")
	}
	args = append(args, rd.repo.commit)
	switch {
	case recursive:
		args = append(args, "--", filepath.ToSlash(rel))
	case rel != ".":
		args = append(args, "--", filepath.ToSlash(rel)+"/") // its entries, not itself
	}
	list, err := rd.t.git.output(ctx, rd.repo.root, args...)
	if err != nil {
		// A partial clone made with --filter=tree:0 lacks trees.
		return 0, rd.absent(ctx, rd.arg, "a tree it needs", err)
	}
	var entries []entry
	n := 0
	for rec := range strings.SplitSeq(list, "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 || f[1] != gitTypeBlob {
			continue // a submodule, a directory, or the end
		}
		n++
		if !filepath.IsLocal(filepath.FromSlash(path)) {
			return 0, rd.fail(fmt.Errorf("tree entry %q leads out of the repository", path))
		}
		dst := filepath.Join(rd.repo.mirror, filepath.FromSlash(path))
		if !keep(filepath.Base(dst)) || rd.written[dst] {
			continue
		}
		rd.written[dst] = true
		entries = append(entries, entry{mode: f[0], object: f[2], path: path})
	}
	if len(entries) == 0 {
		return n, nil
	}
	return n, rd.cat(ctx, entries)
}

// cat writes entries from one `git cat-file --batch`.
func (rd *reader) cat(ctx context.Context, entries []entry) error {
	var ids strings.Builder
	for _, en := range entries {
		ids.WriteString(en.object + "\n")
	}
	c := rd.t.git.command(ctx, rd.repo.root, strings.NewReader(ids.String()), nil, "cat-file", "--batch")
	stdout, err := c.cmd.StdoutPipe()
	if err == nil {
		err = c.run()
	}
	if err != nil {
		return rd.fail(err)
	}
	done, werr := rd.blobs(bufio.NewReader(stdout), entries)
	io.Copy(io.Discard, stdout)
	err = c.wait()
	switch {
	case err != nil && !refused(err):
		return rd.fail(err) // stopped, or past the time limit
	case werr != nil:
		return werr
	case err != nil && done < len(entries):
		// Git ended before this entry: a partial clone lacks it, and
		// with lazy fetching off git ends there.
		en := entries[done]
		return rd.absent(ctx, rd.name(en), "its content (blob "+en.object+")", err)
	case err != nil:
		return rd.fail(err)
	}
	return nil
}

// blobs writes each entry from cat-file's output, in order, and returns
// how many it wrote.
func (rd *reader) blobs(r *bufio.Reader, entries []entry) (int, error) {
	for i, en := range entries {
		header, err := r.ReadString('\n') // "<object> blob <size>" or "<object> missing"
		if err != nil {
			return i, nil // git ended: cat says why
		}
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != gitTypeBlob {
			return i, fmt.Errorf("%s: at %s its content (blob %s) is missing from the repository (git cat-file said %q)", rd.name(en), rd.rev, en.object, strings.TrimSpace(header))
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return i, rd.fail(fmt.Errorf("git cat-file: %w", err))
		}
		if err := rd.t.lock(); err != nil {
			return i, rd.fail(err)
		}
		err = rd.blob(r, en, size)
		rd.t.mu.Unlock()
		if err != nil {
			return i, err
		}
		if _, err := r.Discard(1); err != nil { // the newline after the content
			return i, rd.fail(fmt.Errorf("git cat-file: %w", err))
		}
	}
	return len(entries), nil
}

// blob writes entry en, size bytes of r, into the mirror: a file cut just
// past the file limit (loading refuses it), or a link; a link's target
// longer than the file limit is refused unread.
func (rd *reader) blob(r *bufio.Reader, en entry, size int64) error {
	dst := filepath.Join(rd.repo.mirror, filepath.FromSlash(en.path))
	if under := linkAbove(rd.repo.mirror, filepath.FromSlash(en.path)); under != "" {
		// A malformed tree (a link and a directory of one name): the
		// entry would be written through the link, out of the mirror.
		return fmt.Errorf("%s: at %s, lies below %s, which the tree also holds as a file or symbolic link (a malformed tree; allowed: a tree git fsck accepts)", rd.name(en), rd.rev, filepath.ToSlash(under))
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return rd.fail(err)
	}
	if en.mode != gitModeLink {
		if err := writeFile(r, dst, size, rd.t.limits.MaxFile()); err != nil {
			return rd.fail(err)
		}
		return nil
	}
	if size > rd.t.limits.MaxFile() {
		if _, err := io.CopyN(io.Discard, r, size); err != nil {
			return rd.fail(fmt.Errorf("git cat-file: %w", err))
		}
		return fmt.Errorf("%s: at %s, a symbolic link whose target (%d bytes) is %s", rd.name(en), rd.rev, size, rd.t.limits.TooLarge())
	}
	target := make([]byte, size)
	if _, err := io.ReadFull(r, target); err != nil {
		return rd.fail(fmt.Errorf("git cat-file: %w", err))
	}
	if err := os.Symlink(string(target), dst); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("%s: at %s, a symbolic link to %q, which cannot be made here: %w", rd.name(en), rd.rev, target, err)
	}
	return nil
}

// linkAbove is the first directory of rel (a local path below root) that
// root already holds as something other than a directory — a symbolic
// link, which MkdirAll and a file's creation would follow out of root —
// or "" when there is none.
func linkAbove(root, rel string) string {
	dir := root
	parts := strings.Split(filepath.Dir(rel), string(filepath.Separator))
	for i, p := range parts {
		if p == "." {
			continue
		}
		dir = filepath.Join(dir, p)
		fi, err := os.Lstat(dir)
		if err != nil {
			return "" // not made yet: MkdirAll makes it, and what is below
		}
		if !fi.IsDir() {
			return filepath.Join(parts[:i+1]...)
		}
	}
	return ""
}

// writeFile copies size bytes of r into a new file dst, keeping at most
// maxBytes+1 of them.
func writeFile(r io.Reader, dst string, size, maxBytes int64) error {
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

// absent explains git's failure err to read what the file name needs
// at the revision: what (an object) is absent from a partial clone, and
// rollspec fetches nothing; or else, git's own words.
func (rd *reader) absent(ctx context.Context, name, what string, err error) error {
	if !refused(err) || !rd.partial(ctx) {
		return rd.fail(err)
	}
	git := "git"
	if root := rd.t.display(rd.repo.root); root != "." {
		git += " -C " + root
	}
	return fmt.Errorf("%s: at %s, %s is absent from this partial clone, and rollspec fetches nothing (allowed: objects the clone holds; fetch them first, e.g. %s diff --stat %s -- %s, or clone without --filter)",
		name, rd.rev, what, git, rd.rev, filepath.ToSlash(rd.rel))
}

// partial reports whether the repository is a partial clone: it has a
// promisor remote, one whose missing objects git would fetch from it.
func (rd *reader) partial(ctx context.Context) bool {
	out, err := rd.t.git.output(ctx, rd.repo.root, "config", "--get-regexp", `^(extensions\.partialclone|remote\..*\.promisor)$`)
	if err != nil {
		return false
	}
	for line := range strings.Lines(out) {
		key, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch strings.ToLower(value) {
		case "false", "no", "off", "0":
			if strings.HasSuffix(key, ".promisor") {
				continue
			}
		}
		return true
	}
	return false
}

// fail says err happened reading the named path at the revision.
func (rd *reader) fail(err error) error {
	return fmt.Errorf("%s: reading it at %s: %w", rd.arg, rd.rev, err)
}

// name is en's file as messages name it: by its place in the repository.
func (rd *reader) name(en entry) string {
	return rd.t.display(filepath.Join(rd.repo.root, filepath.FromSlash(en.path)))
}

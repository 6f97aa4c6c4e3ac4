package gitrev

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// repository finds the root of the git work tree holding path (which may
// be gone from it) and path's place in it.
//
// Git looks for the repository from path's directory up. A directory on
// the way shaped as a bare repository (HEAD, objects/, refs/; a pull
// request may commit one, with a config that runs a command) is refused
// by git (safe.bareRepository=explicit), and the search goes on from the
// directory above it: the repository holding that directory's files is
// the one whose work tree they are in.
func (g *git) repository(ctx context.Context, path string) (root, rel string, err error) {
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
	from := dir
	for {
		out, err := g.output(ctx, from, "rev-parse", "--show-toplevel")
		if err == nil {
			root = realPath(out)
			break
		}
		if !refused(err) {
			return "", "", fmt.Errorf("%s: %w", path, err) // stopped, or past the time limit
		}
		bare := bareAbove(from)
		if bare == "" || filepath.Dir(bare) == bare {
			return "", "", fmt.Errorf("%s: not in a git work tree: %w (allowed: with %s, paths inside a git repository's work tree)", path, err, g.flag)
		}
		from = filepath.Dir(bare)
	}
	rel, err = filepath.Rel(root, filepath.Join(realPath(dir), rest))
	if err != nil || !filepath.IsLocal(rel) {
		return "", "", fmt.Errorf("%s: outside the git work tree at %s (allowed: with %s, paths inside a git repository's work tree)", path, root, g.flag)
	}
	return root, rel, nil
}

// bareAbove is the nearest directory from dir up shaped as a bare
// repository as git sees one (a HEAD, an objects and a refs directory),
// "" when there is none.
func bareAbove(dir string) string {
	for {
		if isFile(filepath.Join(dir, "HEAD")) && isDir(filepath.Join(dir, "objects")) && isDir(filepath.Join(dir, "refs")) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func isFile(p string) bool { fi, err := os.Stat(p); return err == nil && fi.Mode().IsRegular() }
func isDir(p string) bool  { fi, err := os.Stat(p); return err == nil && fi.IsDir() }

// realPath is p with its links resolved, p itself when that fails.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

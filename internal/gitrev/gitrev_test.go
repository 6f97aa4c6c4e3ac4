package gitrev

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/testfs"
)

// gitIn runs the real git in dir for a test and returns its output.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("git %v: %v\n%s", args, err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// newRepo makes a repository in dir holding files, committed.
func newRepo(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	testfs.Write(t, dir, files)
	gitIn(t, dir, "init", "-q")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "one")
}

// shell skips a test whose fake programs are shell scripts where there is
// no shell.
func shell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake programs are shell scripts")
	}
}

// newTree is a Tree for a test, removed when it ends, in a temporary
// directory of its own.
func newTree(t *testing.T, cwd string, o Options) *Tree {
	t.Helper()
	t.Setenv("TMPDIR", t.TempDir())
	tr, err := New(cwd, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tr.Remove)
	return tr
}

// TestRepository: a path's repository is the one whose work tree holds
// it; a directory shaped as a bare repository on the way is not one, nor
// is the repository a surrounding git command names (GIT_DIR).
func TestRepository(t *testing.T) {
	dir := t.TempDir()
	outer := filepath.Join(dir, "outer")
	newRepo(t, outer, map[string]string{
		"specs/web.yaml":      "a: 1\n",
		"specs/bare/HEAD":     "ref: refs/heads/main\n",
		"specs/bare/config":   "[core]\n\trepositoryformatversion = 1\n\tbare = false\n\tworktree = .\n",
		"specs/bare/web.yaml": "a: 1\n",
		"specs/bare/sub/x":    "",
	})
	for _, d := range []string{"specs/bare/objects", "specs/bare/refs"} {
		os.MkdirAll(filepath.Join(outer, d), 0o700)
	}
	nested := filepath.Join(outer, "specs/bare/sub/nested")
	newRepo(t, nested, map[string]string{"web.yaml": "a: 1\n"})
	lone := filepath.Join(dir, "lone")
	testfs.Write(t, lone, map[string]string{"HEAD": "ref: refs/heads/main\n", "objects/x": "", "refs/x": "", "web.yaml": ""})
	t.Setenv("GIT_DIR", filepath.Join(nested, ".git"))
	g, err := newGit(0, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, root, rel, err string
	}{
		{"outer/specs/web.yaml", "outer", "specs/web.yaml", ""},
		{"outer/specs/gone/web.yaml", "outer", "specs/gone/web.yaml", ""},
		{"outer/specs/bare/web.yaml", "outer", "specs/bare/web.yaml", ""},
		{"outer/specs/bare/sub/x", "outer", "specs/bare/sub/x", ""},
		{"outer/specs/bare/sub/nested/web.yaml", "outer/specs/bare/sub/nested", "web.yaml", ""},
		{"lone/web.yaml", "", "", "lone/web.yaml: not in a git work tree: git rev-parse --show-toplevel: exit status 128"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			root, rel, err := g.repository(context.Background(), filepath.Join(dir, tc.path))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := realPath(filepath.Join(dir, tc.root)); root != want || filepath.ToSlash(rel) != tc.rel {
				t.Errorf("repository = %s, %s; want %s, %s", root, rel, want, tc.rel)
			}
		})
	}
}

// TestLongLink: a committed link whose target at REV is larger than a
// spec file may be is refused without reading it whole, the message short
// and naming the link by its place in the repository.
func TestLongLink(t *testing.T) {
	dir := t.TempDir()
	newRepo(t, dir, map[string]string{"specs/web.yaml": "a: 1\n"})
	size := load.DefaultFileBytes + 1
	hash := exec.Command("git", "-C", dir, "hash-object", "-w", "--stdin")
	hash.Stdin = strings.NewReader(strings.Repeat("a", size))
	oid, err := hash.Output()
	if err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "update-index", "--add", "--cacheinfo", "120000,"+strings.TrimSpace(string(oid))+",specs/link.yaml")
	gitIn(t, dir, "commit", "-q", "-m", "link")
	tr := newTree(t, dir, Options{})
	err = tr.Read(context.Background(), "HEAD", []string{filepath.Join(dir, "specs")})
	want := "specs/link.yaml: at HEAD, a symbolic link whose target (16777217 bytes) is larger than 16 MiB (allowed: at most 16 MiB per spec file; raise with --max-file-size)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}

// TestMalformedTree: a tree holding a symbolic link and a directory of
// the same name (git fsck refuses it; a crafted commit can hold it) never
// makes Read write through the link, out of its mirror.
func TestMalformedTree(t *testing.T) {
	dir := t.TempDir()
	newRepo(t, dir, map[string]string{"specs/web.yaml": "a: 1\n"})
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.Mkdir(victim, 0o700); err != nil {
		t.Fatal(err)
	}
	object := func(typ, content string) []byte {
		cmd := exec.Command("git", "-C", dir, "hash-object", "-w", "--literally", "-t", typ, "--stdin")
		cmd.Stdin = strings.NewReader(content)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := hex.DecodeString(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	link := object("blob", victim)
	sub := object("tree", "100644 pwned.yaml\x00"+string(object("blob", "pwned: 1\n")))
	web, _ := hex.DecodeString(gitIn(t, dir, "rev-parse", "HEAD:specs/web.yaml"))
	specs := object("tree", "120000 link\x00"+string(link)+"40000 link\x00"+string(sub)+"100644 web.yaml\x00"+string(web))
	top := object("tree", "40000 specs\x00"+string(specs))
	commit := gitIn(t, dir, "commit-tree", hex.EncodeToString(top), "-m", "evil")
	tr := newTree(t, dir, Options{})
	err := tr.Read(context.Background(), commit, []string{filepath.Join(dir, "specs")})
	want := "specs/link/pwned.yaml: at " + commit + ", lies below specs/link, which the tree also holds as a file or symbolic link (a malformed tree; allowed: a tree git fsck accepts)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
	if left, _ := os.ReadDir(victim); len(left) != 0 {
		t.Errorf("written through the link: %s holds %v", victim, left)
	}
}

// TestMissingObject: an object a repository (not a partial clone) lacks
// is said missing, with the file and REV.
func TestMissingObject(t *testing.T) {
	dir := t.TempDir()
	newRepo(t, dir, map[string]string{"specs/web.yaml": "a: 1\n"})
	oid := gitIn(t, dir, "rev-parse", "HEAD:specs/web.yaml")
	if err := os.Remove(filepath.Join(dir, ".git/objects", oid[:2], oid[2:])); err != nil {
		t.Fatal(err)
	}
	tr := newTree(t, dir, Options{})
	err := tr.Read(context.Background(), "HEAD", []string{filepath.Join(dir, "specs")})
	want := "specs/web.yaml: at HEAD its content (blob " + oid + ") is missing from the repository"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v\nwant %s…", err, want)
	}
}

// TestRemoveStopsGit: Remove (a signal's) stops the git command running,
// with what it started, and Read ends at once; nothing is left.
func TestRemoveStopsGit(t *testing.T) {
	shell(t)
	dir := t.TempDir()
	newRepo(t, dir, map[string]string{"specs/web.yaml": "a: 1\n"})
	bin, pidFile := filepath.Join(dir, "bin"), filepath.Join(dir, "sleeper")
	testfs.Write(t, bin, map[string]string{"git": "#!/bin/sh\nsleep 60 &\necho $! > " + pidFile + "\nwait\n"})
	if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(filepath.ListSeparator)+os.Getenv("PATH"))
	tr := newTree(t, dir, Options{})
	done := make(chan error)
	go func() { done <- tr.Read(context.Background(), "HEAD", []string{filepath.Join(dir, "specs")}) }()
	var pid string
	for deadline := time.Now().Add(10 * time.Second); pid == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		pid = strings.TrimSpace(string(b))
	}
	tr.Remove()
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Errorf("Read = %v, want stopped", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read goes on after Remove")
	}
	if pid == "" {
		t.Fatal("the fake git never ran")
	}
	if _, err := os.Stat(tr.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the directory is left: %v", err)
	}
	// Ended, or a zombie (ended, not yet collected), within 2 s.
	for i := 0; ; i++ {
		b, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil || strings.Contains(string(b), ") Z ") {
			break
		}
		if i == 200 {
			t.Fatalf("what git started (pid %s) still runs", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNames: problems about the temporary copy name each file by its
// place in the repository, relative to the working directory when under
// it; a mirror's name never starts another's.
func TestNames(t *testing.T) {
	tr := &Tree{dir: "/tmp/rollspec-diff-1-2", cwd: "/r/sub", revCwd: "/tmp/rollspec-diff-1-2/0_/sub", repos: []*repo{
		{root: "/r", mirror: "/tmp/rollspec-diff-1-2/0_"},
		{root: "/r/sub/other", mirror: "/tmp/rollspec-diff-1-2/1_"},
		{root: "/ten", mirror: "/tmp/rollspec-diff-1-2/10_"},
	}}
	for _, tc := range []struct{ text, want string }{
		{"/tmp/rollspec-diff-1-2/0_/sub/web.yaml: no such file", "web.yaml: no such file"},
		{"/tmp/rollspec-diff-1-2/0_/subway/web.yaml: x", "/r/subway/web.yaml: x"},
		{"/tmp/rollspec-diff-1-2/0_/a.yaml: links to /tmp/rollspec-diff-1-2/0_/sub/b.yaml", "/r/a.yaml: links to b.yaml"},
		{"/tmp/rollspec-diff-1-2/1_/w.yaml: x", "other/w.yaml: x"},
		{"/tmp/rollspec-diff-1-2/10_/w.yaml: x", "/ten/w.yaml: x"},
		{"unrelated /etc/passwd", "unrelated /etc/passwd"},
	} {
		if got := tr.Names(tc.text); got != tc.want {
			t.Errorf("Names(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestNoTransport: the forced protocol settings alone keep git from
// fetching what a partial clone lacks (as a git too old for
// GIT_NO_LAZY_FETCH would), even where the repository allows file://.
func TestNoTransport(t *testing.T) {
	shell(t)
	dir := t.TempDir()
	src, clone, marker := filepath.Join(dir, "src"), filepath.Join(dir, "clone"), filepath.Join(dir, "marker")
	newRepo(t, src, map[string]string{"web.yaml": "a: 1\n"})
	testfs.Write(t, src, map[string]string{"web.yaml": "a: 2\n"})
	gitIn(t, src, "commit", "-q", "-a", "-m", "two")
	gitIn(t, src, "config", "uploadpack.allowFilter", "true")
	gitIn(t, dir, "clone", "-q", "--filter=blob:none", "file://"+src, clone)
	testfs.Write(t, dir, map[string]string{"mark": "#!/bin/sh\ntouch " + marker + "\nexec git-upload-pack \"$@\"\n"})
	if err := os.Chmod(filepath.Join(dir, "mark"), 0o755); err != nil {
		t.Fatal(err)
	}
	gitIn(t, clone, "config", "remote.origin.uploadpack", filepath.Join(dir, "mark"))
	gitIn(t, clone, "config", "protocol.file.allow", "always")
	g, err := newGit(0, "")
	if err != nil {
		t.Fatal(err)
	}
	g.env = slices.DeleteFunc(g.env, func(kv string) bool { return strings.HasPrefix(kv, "GIT_NO_LAZY_FETCH=") })
	if _, err := g.output(context.Background(), clone, "cat-file", "-e", "HEAD~1:web.yaml"); err == nil {
		t.Error("git read an object the clone lacks")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("git ran the upload-pack program")
	}
}

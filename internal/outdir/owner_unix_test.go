//go:build unix

package outdir_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rollspec/rollspec/internal/outdir"
)

// ownerEnv carries the directory TestReplaceOwner prepared to the test
// run again as nobody.
const ownerEnv = "ROLLSPEC_TEST_OWNER"

// owned is a file's owner, group and mode as chmod writes it.
type owned struct {
	uid, gid uint32
	mode     uint32
}

// String is o as ls -n and chmod write it.
func (o owned) String() string { return fmt.Sprintf("%d:%d %04o", o.uid, o.gid, o.mode) }

// ownedBy is what stat says of path.
func ownedBy(t *testing.T, path string) owned {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	return owned{st.Uid, st.Gid, uint32(st.Mode) & 0o7777}
}

// give makes path's owner, group and mode o: chown first, as it clears
// setuid and setgid.
func give(t *testing.T, path string, o owned) {
	t.Helper()
	if err := os.Chown(path, int(o.uid), int(o.gid)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Chmod(path, o.mode); err != nil {
		t.Fatal(err)
	}
}

// TestReplaceOwner: an edited file keeps its owner, group and mode,
// setuid, setgid and sticky bits too, as sed -i keeps them — run as root,
// who may give a file to anyone. Run as a user who may not (nobody), an
// edit of a file another owns (which its group may write) is made, and a
// warning names the file and what it could not keep. As root, the test
// runs itself again as nobody for that.
func TestReplaceOwner(t *testing.T) {
	if dir := os.Getenv(ownerEnv); dir != "" {
		for _, tc := range []struct {
			name string
			was  owned
			now  owned
			warn string
		}{
			{"owner", owned{0, 65534, 0o664}, owned{65534, 65534, 0o664}, "could not keep its owner 0 (now 65534): operation not permitted"},
			{"owner and group", owned{0, 5678, 0o666}, owned{65534, 65534, 0o666}, "could not keep its owner 0 (now 65534), group 5678 (now 65534): operation not permitted"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				path := filepath.Join(dir, tc.name+".yaml")
				warns, err := outdir.Replace([]outdir.Edit{{Path: path, Old: []byte("a: 1\n"), New: []byte("a: 2\n")}})
				if err != nil {
					t.Fatal(err)
				}
				want := "warning: " + path + ":1:1: edited, but " + tc.warn
				if len(warns) != 1 || warns[0].Line("") != want {
					t.Errorf("warnings %v, want %s", warns, want)
				}
				if b, _ := os.ReadFile(path); string(b) != "a: 2\n" {
					t.Errorf("content %q, want the edit", b)
				}
				if got := ownedBy(t, path); got != tc.now {
					t.Errorf("now %v, want %v", got, tc.now)
				}
			})
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("only root may give a file to another user")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		was  owned
	}{
		{"setgid", owned{1234, 5678, 0o2640}},
		{"setuid", owned{1234, 0, 0o4755}},
		{"sticky", owned{0, 5678, 0o1666}},
		{"all", owned{1234, 5678, 0o7751}},
		{"root's", owned{0, 0, 0o600}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".yaml")
			if err := os.WriteFile(path, []byte("a: 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			give(t, path, tc.was)
			warns, err := outdir.Replace([]outdir.Edit{{Path: path, Old: []byte("a: 1\n"), New: []byte("a: 2\n")}})
			if err != nil || warns != nil {
				t.Fatal(err, warns)
			}
			if got := ownedBy(t, path); got != tc.was {
				t.Errorf("now %v, want %v", got, tc.was)
			}
		})
	}

	// As nobody, in a directory anyone may write.
	shared, err := os.MkdirTemp("", "owner")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(shared)
	if err := os.Chmod(shared, 0o777); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]owned{"owner": {0, 65534, 0o664}, "owner and group": {0, 5678, 0o666}} {
		path := filepath.Join(shared, name+".yaml")
		if err := os.WriteFile(path, []byte("a: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		give(t, path, o)
	}
	asNobody(t, shared, ownerEnv)
}

//go:build unix

package outdir_test

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rollspec/rollspec/internal/outdir"
)

// unwritableEnv carries the directory TestReplaceUnwritable prepared to
// the test run again as another user.
const unwritableEnv = "ROLLSPEC_TEST_UNWRITABLE"

// TestReplaceUnwritable: a file the process may not write is refused,
// named, though its directory would let a new file take its place (and
// its owner change); in a directory it may not write, the error names the
// file, not the temporary one. Run as root, who may write anything, the
// test prepares files root owns and runs itself again as nobody.
func TestReplaceUnwritable(t *testing.T) {
	dir := os.Getenv(unwritableEnv)
	if dir == "" {
		dir = prepareUnwritable(t)
		if os.Geteuid() == 0 {
			asNobody(t, dir, unwritableEnv)
			return
		}
	}
	for _, tc := range []struct {
		path, want string
	}{
		{path: "open/ro.json", want: "cannot edit: permission denied"},
		{path: "closed/rw.json", want: "cannot write its directory: permission denied"},
	} {
		path := filepath.Join(dir, tc.path)
		_, err := outdir.Replace([]outdir.Edit{{Path: path, Old: []byte("{}\n"), New: []byte("{\"a\": 1}\n")}})
		if err == nil || err.Error() != path+": "+tc.want {
			t.Errorf("error %v, want %s: %s", err, path, tc.want)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != "{}\n" {
			t.Errorf("%s: %q (%v), want it unchanged", path, b, err)
		}
		if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
			t.Errorf("%s: %d files in its directory, want it alone", path, len(entries))
		}
	}
}

// prepareUnwritable makes a directory anyone may read: open/, which
// anyone may write, holding ro.json, read-only; closed/, which none but
// root may write, holding rw.json, which anyone may write.
func prepareUnwritable(t *testing.T) string {
	dir, err := os.MkdirTemp("", "unwritable")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(filepath.Join(dir, "closed"), 0o755)
		os.RemoveAll(dir)
	})
	for _, f := range []struct {
		name string
		mode os.FileMode
	}{{"", 0o755}, {"open", 0o777}, {"open/ro.json", 0o444}, {"closed", 0o755}, {"closed/rw.json", 0o666}, {"closed", 0o555}} {
		path := filepath.Join(dir, f.name)
		if filepath.Ext(path) == ".json" {
			err = os.WriteFile(path, []byte("{}\n"), 0o600)
		} else {
			err = os.MkdirAll(path, 0o700)
		}
		if err == nil {
			err = os.Chmod(path, f.mode)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// asNobody runs this test again as the user nobody, on dir, which env
// names to it.
func asNobody(t *testing.T, dir, env string) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "outdir.test")
	if err := copyFile(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env+"="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Skipf("cannot run as nobody: %v", err)
	}
	if err != nil {
		t.Errorf("as nobody: %v\n%s", err, out)
	}
	os.Remove(bin)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

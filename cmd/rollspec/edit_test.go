//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rollspec/rollspec/internal/testfs"
)

// raceSpec is a native canary with twenty steps, at step 1: room for
// many edits in a row.
const raceSpec = `name: web
image: ghcr.io/example/web
ports:
  - name: http
    containerPort: 8080
replicas: 20
readinessProbe:
  http:
    path: /
runAsUser: 1000
stable:
  version: "v1"
  tag: "v1"
candidate:
  version: "v2"
  tag: "v2"
strategy:
  canary:
    steps: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 100]
    step: 1
`

// outcome is what one rollspec process did.
type outcome struct {
	args           []string
	ok             bool
	stdout, stderr string
}

// busy is the message of an edit that gave up waiting for another's
// lock: the one failure concurrent edits may end in besides the
// command's own refusals.
var busy = regexp.MustCompile(`^rollspec: web\.yaml: locked by another process .* for 10s`)

var (
	stepMove   = regexp.MustCompile(`(?m)^web\.yaml: strategy\.canary\.step: (\d+) → (\d+)$`)
	specStep   = regexp.MustCompile(`(?m)^    step: (\d+)$`)
	candidate  = regexp.MustCompile(`(?m)^candidate:$`)
	stableIsV2 = regexp.MustCompile(`(?m)^stable:\n  version: "v2"$`)
)

// TestEditConcurrent runs edit commands on one spec at the same time, as
// separate processes, round after round: each is a transaction, so every
// success moved the spec from what the one before it left (its reported
// move is distinct, and the file holds all of them), and a process that
// failed says why; never do two succeed from one original, and never
// does one fail because the other wrote meanwhile.
func TestEditConcurrent(t *testing.T) {
	bin := rollspecBin(t)
	for _, tc := range []struct {
		name string
		runs [][]string
		// refusal is how a command refuses what another's edit left ("": none may).
		refusal string
		check   func(t *testing.T, spec string, outs []outcome)
	}{{
		name: "six steps",
		runs: slices.Repeat([][]string{{"step", "web.yaml"}}, 6),
		check: func(t *testing.T, spec string, outs []outcome) {
			var from []int
			for _, o := range outs {
				if !o.ok {
					continue
				}
				m := stepMove.FindStringSubmatch(o.stdout)
				if m == nil {
					t.Fatalf("a step reported no move:\n%s", o.stdout)
				}
				a, _ := strconv.Atoi(m[1])
				b, _ := strconv.Atoi(m[2])
				if b != a+1 {
					t.Errorf("a step reported %d → %d", a, b)
				}
				from = append(from, a)
			}
			slices.Sort(from)
			for i, a := range from {
				if a != i+1 {
					t.Fatalf("the steps' moves start from %v, want each of 1 to %d once", from, len(from))
				}
			}
			if got := stepOf(t, spec); got != 1+len(from) {
				t.Errorf("the spec is at step %d after %d successful steps from step 1", got, len(from))
			}
		},
	}, {
		name:    "rollback and step",
		runs:    [][]string{{"rollback", "web.yaml"}, {"step", "web.yaml"}},
		refusal: "web.yaml:11:1: stable: no candidate to step to",
		check: func(t *testing.T, spec string, outs []outcome) {
			rollback, step := outs[0], outs[1]
			if step.ok && !strings.Contains(step.stdout, "web.yaml: strategy.canary.step: 1 → 2\n") {
				t.Errorf("step did not move from the original step:\n%s", step.stdout)
			}
			if !rollback.ok {
				return // it gave up waiting: step may have won
			}
			// Rollback resets the step that step left, if step went first;
			// if rollback went first, step found no candidate.
			wantReset := step.ok
			if got := strings.Contains(rollback.stdout, "web.yaml: strategy.canary.step: 2 → 1\n"); got != wantReset {
				t.Errorf("rollback reset step 2 = %v, want %v (step succeeded: %v):\n%s", got, wantReset, step.ok, rollback.stdout)
			}
			if candidate.MatchString(spec) || stepOf(t, spec) != 1 {
				t.Errorf("rollback succeeded, yet the spec holds a candidate or is not at step 1:\n%s", spec)
			}
		},
	}, {
		name:    "promote and rollback",
		runs:    [][]string{{"promote", "--force", "web.yaml"}, {"rollback", "web.yaml"}},
		refusal: "web.yaml:11:1: stable: no candidate to ",
		check: func(t *testing.T, spec string, outs []outcome) {
			promote, rollback := outs[0], outs[1]
			if promote.ok && rollback.ok {
				t.Fatalf("promote and rollback both succeeded from one candidate:\n%s\n%s", promote.stdout, rollback.stdout)
			}
			if candidate.MatchString(spec) {
				t.Errorf("the spec still holds a candidate:\n%s", spec)
			}
			if promote.ok != stableIsV2.MatchString(spec) {
				t.Errorf("promote succeeded: %v, yet stable in the spec:\n%s", promote.ok, spec)
			}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 4 {
				dir := testfs.Tree(t, map[string]string{"web.yaml": raceSpec})
				path := filepath.Join(dir, "web.yaml")
				outs := together(t, bin, dir, tc.runs)
				for _, o := range outs {
					if !o.ok && !busy.MatchString(o.stderr) && (tc.refusal == "" || !strings.HasPrefix(o.stderr, tc.refusal)) {
						t.Errorf("round %d: %s failed, neither waiting for the other edit nor refusing what it left:\n%s", round, o.args[0], o.stderr)
					}
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				tc.check(t, string(b), outs)
				if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
					t.Errorf("round %d: left in the directory: %v", round, left)
				}
				if t.Failed() {
					t.Fatalf("round %d", round)
				}
			}
		})
	}
}

// stepOf is the canary step spec is at.
func stepOf(t *testing.T, spec string) int {
	t.Helper()
	m := specStep.FindStringSubmatch(spec)
	if m == nil {
		t.Fatalf("no step in:\n%s", spec)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// together starts a rollspec process for each of runs in dir, all
// before any is waited for, and returns what each did. A failure other
// than exit status 1 (a crash), or exit 1 without a message, fails t.
func together(t *testing.T, bin, dir string, runs [][]string) []outcome {
	t.Helper()
	cmds := make([]*exec.Cmd, len(runs))
	outs := make([]outcome, len(runs))
	bufs := make([][2]bytes.Buffer, len(runs))
	for i, args := range runs {
		cmds[i] = exec.Command(bin, args...)
		cmds[i].Dir = dir
		cmds[i].Stdout, cmds[i].Stderr = &bufs[i][0], &bufs[i][1]
	}
	for i, c := range cmds {
		if err := c.Start(); err != nil {
			for _, started := range cmds[:i] {
				started.Process.Kill()
				started.Wait()
			}
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		err := c.Wait()
		outs[i] = outcome{args: runs[i], ok: err == nil, stdout: bufs[i][0].String(), stderr: bufs[i][1].String()}
		var exit *exec.ExitError
		if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1 || outs[i].stderr == "") {
			t.Errorf("rollspec %s: %v\n%s", strings.Join(runs[i], " "), err, outs[i].stderr)
		}
	}
	return outs
}

// rollspecBin is the rollspec command testscript.Main puts first in PATH:
// this test binary, which runs as rollspec under that name.
func rollspecBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("rollspec")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestEditRemovesLeftovers: an edit killed (kill -9) while writing leaves
// its temporary file beside the spec; the next edit of a spec in that
// directory removes a writer's that no longer runs (of a spec of any
// kind) and keeps a running writer's.
func TestEditRemovesLeftovers(t *testing.T) {
	dead := testfs.DeadPID(t)
	left := map[string]bool{ // name: kept
		fmt.Sprintf(".web.yaml.tmp-%d-1", dead):        false,
		fmt.Sprintf(".pkg.cue.tmp-%d-2", dead):         false,
		fmt.Sprintf(".web.yaml.tmp-%d-3", os.Getpid()): true,
	}
	files := map[string]string{"web.yaml": raceSpec}
	for name := range left {
		files[name] = "half"
	}
	dir := testfs.Tree(t, files)
	if outs := together(t, rollspecBin(t), dir, [][]string{{"step", "web.yaml"}}); !outs[0].ok {
		t.Fatalf("step failed:\n%s", outs[0].stderr)
	}
	for name, kept := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != kept {
			t.Errorf("%s kept = %v, want %v", name, err == nil, kept)
		}
	}
}

// TestEditKeepsOwner: run as root, an edit keeps the spec's owner, group
// and mode (setgid included), as sed -i does, and says nothing; run as a
// user who may not give the file back to its owner (nobody, editing a
// file root owns that its group may write), the edit is made and a
// warning names the file and what it could not keep.
func TestEditKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root may give a file to another user")
	}
	bin := rollspecBin(t)
	// A directory anyone may enter and write, and the command in it, so
	// that nobody may run it.
	dir, err := os.MkdirTemp("", "owner")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := copyFile(bin, filepath.Join(dir, "rollspec"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		uid, gid int
		mode     uint32
		nobody   bool
		warn     string
		wantUID  int
	}{
		{name: "setgid", uid: 1234, gid: 5678, mode: 0o2640, wantUID: 1234},
		{name: "setuid", uid: 1234, gid: 0, mode: 0o4755, wantUID: 1234},
		{name: "as nobody", uid: 0, gid: 65534, mode: 0o2664, nobody: true, wantUID: 65534,
			warn: "warning: web.yaml:1:1: edited, but could not keep its owner 0 (now 65534): operation not permitted\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.Mkdir(sub, 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(sub, 0o777); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(sub, "web.yaml")
			if err := os.WriteFile(path, []byte(raceSpec), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(path, tc.uid, tc.gid); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Chmod(path, tc.mode); err != nil { // after chown, which clears setgid
				t.Fatal(err)
			}
			cmd := exec.Command(filepath.Join(dir, "rollspec"), "step", "web.yaml")
			cmd.Dir = sub
			if tc.nobody {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("step: %v\n%s", err, stderr.String())
			}
			if stderr.String() != tc.warn {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.warn)
			}
			var st syscall.Stat_t
			if err := syscall.Stat(path, &st); err != nil {
				t.Fatal(err)
			}
			if int(st.Uid) != tc.wantUID || int(st.Gid) != tc.gid || uint32(st.Mode)&0o7777 != tc.mode {
				t.Errorf("now %d:%d %04o, want %d:%d %04o", st.Uid, st.Gid, uint32(st.Mode)&0o7777, tc.wantUID, tc.gid, tc.mode)
			}
			if b, _ := os.ReadFile(path); stepOf(t, string(b)) != 2 {
				t.Errorf("not edited:\n%s", b)
			}
		})
	}
}

// copyFile copies the file from to a new file to with mode.
func copyFile(from, to string, mode os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, mode)
}

//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rollspec/rollspec/internal/testfs"
)

// TestDiffAgainstInterrupted: diff --against interrupted (SIGINT,
// SIGTERM) while git runs stops git and removes its temporary directory,
// then ends by the signal, as a shell expects; killed (SIGKILL), it
// leaves the directory, which the next run removes (not a running one's).
func TestDiffAgainstInterrupted(t *testing.T) {
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not on PATH")
	}
	rollspec, err := exec.LookPath("rollspec") // testscript.Main put it there
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	repo, bin := filepath.Join(dir, "repo"), filepath.Join(dir, "bin")
	spec := "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreadinessProbe: {http: {path: /}}\nrunAsUser: 1000\nstable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n"
	testfs.Write(t, dir, map[string]string{
		"repo/specs/web.yaml": spec,
		// A git that hangs reading the files, once the directory is made.
		"bin/git": fmt.Sprintf("#!/bin/sh\nfor a; do [ \"$a\" = cat-file ] && { echo $$ > \"$HANG\"; exec sleep 60; }; done\nexec %s \"$@\"\n", realGit),
	})
	if err := os.Chmod(filepath.Join(bin, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "specs"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"}} {
		if out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	diff := func(path, tmp, hang string) *exec.Cmd {
		cmd := exec.Command(rollspec, "diff", "--against", "HEAD", "specs")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "PATH="+path, "TMPDIR="+tmp, "HANG="+hang)
		return cmd
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			hang, tmp := filepath.Join(dir, sig.String()+".pid"), filepath.Join(dir, sig.String())
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			cmd := diff(bin+string(filepath.ListSeparator)+os.Getenv("PATH"), tmp, hang)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			gitPID := waitPID(t, hang, cmd)
			t.Cleanup(func() { syscall.Kill(gitPID, syscall.SIGKILL) })
			if left := entries(t, tmp); len(left) != 1 || !strings.HasPrefix(left[0], "rollspec-diff-") {
				t.Fatalf("%s holds %v, want one rollspec-diff-* directory", tmp, left)
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !(ws.Signaled() && ws.Signal() == sig) && ws.ExitStatus() != 128+int(sig) {
				t.Errorf("rollspec ended with %v, want by %v (exit %d); stderr:\n%s", cmd.ProcessState, sig, 128+int(sig), stderr.String())
			}
			if sig != syscall.SIGKILL {
				if left := entries(t, tmp); len(left) > 0 {
					t.Errorf("after %v, %s holds %v", sig, tmp, left)
				}
				if !ended(gitPID) {
					t.Errorf("after %v, git (pid %d) still runs", sig, gitPID)
				}
				return
			}
			// A running process's directory is kept; the killed one's goes.
			running := filepath.Join(tmp, fmt.Sprintf("rollspec-diff-%d-1", os.Getpid()))
			if err := os.Mkdir(running, 0o700); err != nil {
				t.Fatal(err)
			}
			if out, err := diff(os.Getenv("PATH"), tmp, hang).CombinedOutput(); err != nil {
				t.Fatalf("the next run: %v\n%s", err, out)
			}
			if left := entries(t, tmp); len(left) != 1 || left[0] != filepath.Base(running) {
				t.Errorf("after the next run, %s holds %v, want only %s", tmp, left, filepath.Base(running))
			}
			os.Remove(running)
		})
	}
}

// waitPID waits for the file hang to hold a process id, while cmd runs.
func waitPID(t *testing.T, hang string, cmd *exec.Cmd) int {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(hang)
		if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && perr == nil {
			return pid
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatal("git was never run for the files")
	return 0
}

// entries lists dir's names.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// ended reports whether process pid ends (or is a zombie, ended and not
// yet collected) within 2 s.
func ended(pid int) bool {
	for range 200 {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && strings.Contains(string(b), ") Z ") {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

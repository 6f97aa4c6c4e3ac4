package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/gitrev"
	"github.com/rollspec/rollspec/internal/lifecycle"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/release"
)

// gitTimeFlag declares --max-git-time, the limit of each git command a
// command reading a git revision runs.
func gitTimeFlag(fs *pflag.FlagSet, d *time.Duration, flag string) {
	fs.DurationVar(d, "max-git-time", gitrev.DefaultTimeout, "longest time one git command run by "+flag+" may take before it is stopped")
}

// atRevision reads args as git revision rev holds them (package gitrev:
// the only way rollspec runs git; flag names REV in messages) into a temporary directory, and calls
// use with it; the directory is removed when use returns, and when
// interrupted. A problem is printed, prefixed with command.
func atRevision(e *env, command, flag, rev string, read reading, timeout time.Duration, args []string, use func(*gitrev.Tree) int) int {
	t, err := gitrev.New(e.cwd, gitrev.Options{Limits: read.limits, Timeout: timeout, Flag: flag})
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec %s: %v\n", command, err)
		return exitInvalid
	}
	// Removed when done, and when interrupted: git is stopped first.
	defer onInterrupt(t.Remove)()
	defer t.Remove()
	if err := t.Read(context.Background(), rev, args); err != nil {
		diag.Print(e.stderr, err, e.cwd) // a long value quoted shortened
		return exitInvalid
	}
	return use(t)
}

// stableAt is rollback --to's plan: stable set back to the one git
// revision c.to held for the release, read (and loaded) before the edit
// locks the spec's files. With exitOK, move is the plan.
func (c *moveConfig) stableAt(e *env, path string) (move func(*load.Spec) (*lifecycle.Plan, error), code int) {
	var releases map[string]*release.Release
	code = atRevision(e, "rollback", "--to", c.to, c.read, c.gitTime, []string{path}, func(t *gitrev.Tree) int {
		// Problems of the specs at REV name each file by its place in
		// the repository, not in the temporary directory.
		var problems strings.Builder
		var specs []*load.Spec
		var err error
		if len(t.Paths()) > 0 {
			specs, err = loadSpecs(t.Paths(), c.read, func(string) bool { return true })
		}
		if err != nil {
			diag.Print(&problems, err, t.Cwd())
			io.WriteString(e.stderr, t.Names(problems.String()))
			fmt.Fprintf(e.stderr, "rollspec rollback: the specs at %s are invalid (see above)\n", c.to)
			return exitInvalid
		}
		releases = map[string]*release.Release{}
		for _, s := range specs {
			releases[id(s)] = s.Release
		}
		return exitOK
	})
	return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Restore(s, releases[id(s)], c.to) }, code
}

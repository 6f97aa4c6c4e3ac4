package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/difffmt"
	"github.com/rollspec/rollspec/internal/gitrev"
	"github.com/rollspec/rollspec/internal/specdiff"
)

// diffConfig is the command line of diff.
type diffConfig struct {
	format  string
	against string
	gitTime time.Duration
	read    reading
}

var diffCmd = &command{
	name: "diff", summary: "show what a change of the specs changes, for a reviewer", usage: "[--format FORMAT] OLD NEW | --against REV PATH...",
	help: `Compile two states of the same specs and say, per release (matched by
namespace and name; a release only in NEW is new, only in OLD removed), what
changes: the objects created, deleted and changed with the fields that
change; whether pods restart (a workload's pod template changed) or only
move (replicas, a Service's selector, a route); each route's share of the
requests per version before and after; a config change as the keys it
changes, the new hashed ConfigMap beside the one it replaces.

OLD and NEW are paths as build takes them (files or directories of specs).
With --against REV, the PATHs in the working tree are compared with the same
paths at git revision REV: this runs git (rev-parse, ls-tree, cat-file) in the
repository holding each PATH, the only time rollspec runs a program, with
settings that let git run no other program and fetch nothing (an object a
partial clone lacks is reported, not fetched); it reads what loading the
PATH reads in the working tree (a named .cue file with its package's files
beside it, and the cue.mod of the CUE module holding it), into a temporary
directory it removes, also when interrupted.
A path that did not exist at REV holds no release there: its releases are
new.

Writes nothing but the difference, and on standard error the new side's
warnings as build prints them. Exits 0 whenever both sides compile,
whatever changes; 1 when a side is invalid (its problems printed as build
prints them, then which side).

Formats: text (default), markdown (for a pull-request comment).

Examples:
  rollspec diff old/specs specs
  rollspec diff --against origin/main specs/
  rollspec diff --against HEAD~1 --format markdown specs/ > diff.md`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		c := &diffConfig{}
		fs.StringVar(&c.format, "format", difffmt.Formats[0], "the output `FORMAT`: "+strings.Join(difffmt.Formats, ", "))
		fs.StringVar(&c.against, "against", "", "compare the PATHs with the same paths at git revision `REV` (runs git)")
		gitTimeFlag(fs, &c.gitTime, "--against")
		readFlags(fs, &c.read)
		return func(e *env, args []string) int { return c.run(e, args) }
	},
}

// diffUsage reports a wrong command line of diff.
func diffUsage(e *env, msg string) int {
	fmt.Fprintf(e.stderr, "rollspec diff: %s\nRun 'rollspec diff --help' for usage.\n", msg)
	return exitUsage
}

// run compares the two sides args (and --against) name.
func (c *diffConfig) run(e *env, args []string) int {
	if !slices.Contains(difffmt.Formats, c.format) {
		return diffUsage(e, fmt.Sprintf("--format: unknown %q (allowed: %s)", c.format, strings.Join(difffmt.Formats, ", ")))
	}
	if slices.Contains(args, stdinPath) {
		return diffUsage(e, "- (standard input) is not a side (allowed: paths of specs)")
	}
	if c.against != "" {
		if len(args) == 0 {
			return diffUsage(e, "--against REV needs at least one PATH")
		}
		return c.runAgainst(e, args)
	}
	if len(args) != 2 {
		return diffUsage(e, fmt.Sprintf("needs two paths, OLD and NEW, got %d (allowed: OLD NEW, or --against REV PATH...)", len(args)))
	}
	old, ok := c.side(e, []string{args[0]}, e.cwd)
	if !ok {
		fmt.Fprintf(e.stderr, "rollspec diff: OLD (%s) is invalid (see above)\n", args[0])
		return exitInvalid
	}
	next, ok := c.side(e, []string{args[1]}, e.cwd)
	if !ok {
		fmt.Fprintf(e.stderr, "rollspec diff: NEW (%s) is invalid (see above)\n", args[1])
		return exitInvalid
	}
	return c.write(e, old, next)
}

// runAgainst compares the working tree's paths with the same paths at
// git revision c.against.
func (c *diffConfig) runAgainst(e *env, args []string) int {
	return atRevision(e, "diff", "--against", c.against, c.read, c.gitTime, args, func(rev *gitrev.Tree) int { return c.compareWith(e, rev, args) })
}

// compareWith compares the working tree's paths args with the same paths
// as rev holds them.
func (c *diffConfig) compareWith(e *env, rev *gitrev.Tree, args []string) int {
	var present []string
	for _, p := range args {
		if _, err := os.Lstat(p); err == nil || !rev.Has(p) {
			present = append(present, p) // a path gone since REV holds no release now
		}
	}
	next, ok := c.side(e, present, e.cwd)
	if !ok {
		fmt.Fprintf(e.stderr, "rollspec diff: the specs in the working tree are invalid (see above)\n")
		return exitInvalid
	}
	// Problems of the specs at REV name each file by its place in the
	// repository, not in the temporary directory.
	var problems strings.Builder
	old, ok := c.side(&env{stderr: &problems}, rev.Paths(), rev.Cwd())
	io.WriteString(e.stderr, rev.Names(problems.String()))
	if !ok {
		fmt.Fprintf(e.stderr, "rollspec diff: the specs at %s are invalid (see above)\n", c.against)
		return exitInvalid
	}
	return c.write(e, old, next)
}

// side compiles the releases under paths with their objects, printing
// every problem (file names relative to cwd) when one is invalid. A path
// holding no release holds none on this side.
func (c *diffConfig) side(e *env, paths []string, cwd string) ([]*compile.Release, bool) {
	if len(paths) == 0 {
		return nil, true
	}
	specs, err := loadSpecs(paths, c.read, func(string) bool { return true })
	var rs []*compile.Release
	if err == nil {
		rs, err = compile.Specs(specs)
	}
	if err != nil {
		diag.Print(e.stderr, err, cwd)
		return nil, false
	}
	return rs, true
}

// write compares old and next and writes the difference, after the new
// side's warnings, as build prints them: what the change brings.
func (c *diffConfig) write(e *env, old, next []*compile.Release) int {
	for _, r := range next {
		diag.Print(e.stderr, r.Warnings, e.cwd)
	}
	d, err := specdiff.Compare(old, next)
	if err == nil {
		err = difffmt.Write(e.stdout, c.format, d)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec diff: %v\n", err)
		return exitInvalid
	}
	return exitOK
}

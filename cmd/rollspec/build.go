package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/outdir"
	"github.com/rollspec/rollspec/internal/specpath"
)

// buildConfig is the command line of build and check.
type buildConfig struct {
	command string // the command run, as typed: build or check
	outDir  string
	check   bool
	// allowSkip accepts a candidate past its strategy's first stage that
	// is new in this change or whose pod template changed.
	allowSkip bool
	read      reading
}

// previousFlags declares the flags of build and check that relax the
// guard rails comparing the new output with the files in DIR.
func previousFlags(fs *pflag.FlagSet, c *buildConfig) {
	fs.BoolVar(&c.allowSkip, "allow-skip", false, "accept a candidate past its strategy's first stage that is new since the file in DIR, or whose pod template changed since")
}

var buildCmd = &command{
	name: "build", summary: "compile specs into manifests", usage: "[-o DIR] [--check] PATH...",
	help: `Compile every release found in PATH (files or directories of .cue, .yaml,
.yml and .json specs) into Kubernetes and Istio objects. PATH - alone reads
one YAML or JSON stream of releases from standard input.

Without -o, writes one YAML stream to stdout. With -o DIR, writes one file
per release, DIR/<namespace>.<name>.yaml, atomically, naming its spec in a
"# Source:" line; removes the generated files of releases the specs read
(PATHs and what is under them) no longer hold, and leaves other specs'
files alone; never touches files rollspec did not write.
With --check (or the check command), writes nothing and exits 1 with a diff
when DIR is not exactly what build would write.

With -o, each release is compared with its file generated before: a change
Kubernetes refuses to make to an existing object, or a candidate past its
strategy's first stage that is new in this change (with traffic: istio, a
new candidate at step 1: its share gets HTTP 503 until its pods are ready)
or whose pod template changed since (a new tag under the same version label: its new pods would
take the stage's traffic at once; --allow-skip to mean it), is an error; a
strategy switch that replaces the Deployment, a warning.

Nothing is written when any spec is invalid.

Examples:
  rollspec build examples/vweb-ramped
  rollspec build -o deploy/ specs/
  rollspec build --check -o deploy/ specs/
  generate-specs | rollspec build -`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		c := &buildConfig{command: "build"}
		fs.StringVarP(&c.outDir, "output", "o", "", "write one file per release into `DIR`")
		fs.BoolVar(&c.check, "check", false, "write nothing; exit 1 with a diff when DIR is out of date")
		previousFlags(fs, c)
		readFlags(fs, &c.read)
		return func(e *env, args []string) int { return c.run(e, fs, args) }
	},
}

var checkCmd = &command{
	name: "check", summary: "verify generated files are up to date", usage: "-o DIR PATH...",
	help: `Exit 0 when every file in DIR is exactly what 'rollspec build -o DIR PATH...'
would write; otherwise print a unified diff and the missing, stale and
changed files, and exit 1. Writes nothing.

Example:
  rollspec check -o deploy/ specs/`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		c := &buildConfig{command: "check", check: true}
		fs.StringVarP(&c.outDir, "output", "o", "", "the `DIR` of generated files to compare")
		previousFlags(fs, c)
		readFlags(fs, &c.read)
		return func(e *env, args []string) int { return c.run(e, fs, args) }
	},
}

// run builds (or checks) the releases under args.
func (c *buildConfig) run(e *env, fs *pflag.FlagSet, args []string) int {
	if fs.Changed("output") && c.outDir == "" {
		// An unset variable in a script ($OUT): not a wish for stdout.
		return usageError(e, "-o needs a directory, got an empty one")
	}
	if len(args) == 0 {
		return usageError(e, c.command+" needs at least one PATH")
	}
	if c.check && c.outDir == "" {
		return usageError(e, c.checkName()+" needs -o DIR: the directory to compare")
	}
	if slices.Contains(args, stdinPath) && len(args) > 1 {
		return usageError(e, "- (standard input) must be the only PATH")
	}
	// With -o, a path that holds no release is fine when its releases
	// have generated files to remove: its last spec was deleted (or
	// emptied) on purpose. Otherwise the path is likely wrong, and a run
	// that finds nothing there must not look like success.
	var retired func(path string) bool
	if c.outDir != "" {
		retired = func(path string) bool {
			changes, err := outdir.Plan(c.outDir, nil, newSources(c.outDir, []string{path}, nil).owns)
			return err == nil && slices.ContainsFunc(changes, func(ch outdir.Change) bool { return ch.Kind == outdir.Stale })
		}
	}
	rs, ok := compileArgs(e, args, c.read, retired)
	if !ok {
		return exitInvalid
	}
	if c.outDir == "" {
		if err := compile.WriteStream(e.stdout, rs); err != nil {
			fmt.Fprintf(e.stderr, "rollspec: writing the manifests: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	src := newSources(c.outDir, args, rs)
	want := map[string][]byte{}
	for _, r := range rs {
		want[r.FileName()] = outdir.WithSource(r.YAML, src.of(r))
	}
	changes, err := outdir.Plan(c.outDir, want, src.owns)
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %s: %v\n", c.outDir, err)
		return exitInvalid
	}
	// Compared with the file generated before: a change Kubernetes would
	// refuse to apply, or a candidate past its first stage that is new or
	// whose pod template changed, is an error here; a Deployment replaced by a strategy switch, a warning.
	byFile := map[string]*compile.Release{}
	for _, r := range rs {
		byFile[r.FileName()] = r
	}
	var found diag.List
	for _, ch := range changes {
		if r := byFile[ch.Name]; r != nil && ch.Kind == outdir.Changed {
			found = append(found, compile.Previous(r, ch.Old, joinPath(c.outDir, ch.Name), c.allowSkip)...)
		}
	}
	diag.Print(e.stderr, found.Sort(), e.cwd)
	if errs, _ := found.Split(); len(errs) > 0 {
		return exitInvalid
	}
	if c.check {
		if len(changes) == 0 {
			return exitOK
		}
		// The files in DIR may hold anything: the diff shows no control
		// character of theirs but tabs (inert.Lines).
		io.WriteString(e.stdout, inert.Lines(string(outdir.Diff(c.outDir, changes))))
		for _, ch := range changes {
			fmt.Fprintf(e.stderr, "%s: %s\n", inert.Line(joinPath(c.outDir, ch.Name)), ch.Kind)
		}
		build := []string{"rollspec", "build", "-o", c.outDir}
		if c.allowSkip {
			build = append(build, "--allow-skip") // else the build refuses what check accepted
		}
		fmt.Fprintf(e.stderr, "rollspec: %d generated file(s) out of date; run: %s\n", len(changes), shellQuote(append(build, args...)))
		return exitInvalid
	}
	if err := outdir.Apply(c.outDir, changes); err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %v\n", err)
		return exitInvalid
	}
	return exitOK
}

// sources names the specs of a run as generated files record them
// (relative to the output directory), and tells which recorded sources
// the run answers for: the files it read, and everything under the
// directories it was given. Generated files of other sources belong to
// other runs sharing the directory.
type sources struct {
	dir   string          // the output directory, absolute
	stdin bool            // the run read standard input
	files map[string]bool // absolute paths of the spec files read or named
	dirs  []string        // absolute directories named, with a trailing separator
}

func newSources(outDir string, args []string, rs []*compile.Release) *sources {
	s := &sources{dir: specpath.Real(outDir), files: map[string]bool{}}
	for _, a := range args {
		if a == stdinPath {
			s.stdin = true
			continue
		}
		p := specpath.Real(a)
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			s.dirs = append(s.dirs, strings.TrimSuffix(p, string(filepath.Separator))+string(filepath.Separator))
			continue
		}
		s.files[p] = true
	}
	for _, r := range rs {
		if !s.stdin {
			s.files[specpath.Real(r.Spec.File)] = true
		}
	}
	return s
}

// of is the source a release's generated file records.
func (s *sources) of(r *compile.Release) string {
	if s.stdin {
		return "-"
	}
	spec := specpath.Real(r.Spec.File)
	rel, err := filepath.Rel(s.dir, spec)
	if err != nil {
		return filepath.ToSlash(spec)
	}
	return filepath.ToSlash(rel)
}

// owns reports whether a recorded source is one this run compiles.
func (s *sources) owns(src string) bool {
	if src == "-" {
		return s.stdin
	}
	p := filepath.Join(s.dir, filepath.FromSlash(src))
	if filepath.IsAbs(filepath.FromSlash(src)) {
		p = filepath.FromSlash(src)
	}
	p = specpath.Real(p) // a file recorded by its name through a link
	if s.files[p] {
		return true
	}
	for _, d := range s.dirs {
		if strings.HasPrefix(p, d) {
			return true
		}
	}
	return false
}

// shellQuote joins args as a POSIX shell would read them back. An
// argument holding a character that does not show (package inert) is
// written $'…' with that character's escape, which bash, zsh and ksh
// read back: it never reaches the terminal raw.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		switch {
		case a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "":
			q[i] = a
		case inert.Line(a) != a:
			q[i] = "$'" + inert.Line(strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(a)) + "'"
		default:
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// checkName is how the user asked for a check: the command or the flag.
func (c *buildConfig) checkName() string {
	if c.command == "check" {
		return "check"
	}
	return "--check"
}

func joinPath(dir, name string) string {
	return strings.TrimSuffix(dir, "/") + "/" + name
}

package main

import (
	"errors"
	"fmt"
	"github.com/rollspec/rollspec/internal/diag"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/hugepage"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/outdir"
	"github.com/rollspec/rollspec/schema"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // invalid input, or generated files out of date
	exitUsage   = 2 // wrong command line
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis
	help    string // longer description with examples
	run     func(c *config, args []string) int
}

// config is the parsed command line and where output goes.
type config struct {
	stdout, stderr io.Writer
	command        string // the command run, as typed
	outDir         string
	check          bool
	cwd            string
}

var commands = []*command{
	{
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

Nothing is written when any spec is invalid.

Examples:
  rollspec build examples/vweb-ramped
  rollspec build -o deploy/ specs/
  rollspec build --check -o deploy/ specs/
  generate-specs | rollspec build -`,
		run: runBuild,
	},
	{
		name: "check", summary: "verify generated files are up to date", usage: "-o DIR PATH...",
		help: `Exit 0 when every file in DIR is exactly what 'rollspec build -o DIR PATH...'
would write; otherwise print a unified diff and the missing, stale and
changed files, and exit 1. Writes nothing.

Example:
  rollspec check -o deploy/ specs/`,
		run: func(c *config, args []string) int { c.check = true; return runBuild(c, args) },
	},
	{
		name: "vet", summary: "validate specs, writing nothing", usage: "PATH...",
		help: `Validate every release in PATH against the schema and rollspec's rules,
and compile them as build does without writing anything: print every problem
as file:line:col: field: message and exit 1 if any, or build's warnings.
A spec vet accepts, build accepts.

Example:
  rollspec vet specs/`,
		run: runVet,
	},
	{
		name: "schema", summary: "print the embedded CUE schema", usage: "",
		help: `Print the CUE schema every spec is validated against (#Release), with
the documentation of every field.

Example:
  rollspec schema > release.cue`,
		run: func(c *config, args []string) int {
			if len(args) > 0 {
				return usageError(c, "schema takes no arguments")
			}
			c.stdout.Write(schema.Source())
			return exitOK
		},
	},
	{
		name: "version", summary: "print the version", usage: "",
		help: "Print rollspec's version and the Go version it was built with.",
		run: func(c *config, args []string) int {
			if len(args) > 0 {
				return usageError(c, "version takes no arguments")
			}
			fmt.Fprintf(c.stdout, "rollspec %s\n", version())
			return exitOK
		},
	},
}

// version is the module version from the build info, "(devel)" for a
// local build.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	return v + " " + info.GoVersion
}

func run(args []string, stdout, stderr io.Writer) int {
	c := &config{stdout: stdout, stderr: stderr}
	c.cwd, _ = os.Getwd()
	if len(args) == 0 {
		mainUsage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			if cmd := lookup(args[1]); cmd != nil {
				cmdUsage(stdout, cmd, nil)
				return exitOK
			}
		}
		mainUsage(stdout)
		return exitOK
	}
	cmd := lookup(args[0])
	if cmd == nil {
		return usageError(c, fmt.Sprintf("unknown command %q (allowed: %s)", args[0], names()))
	}
	fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	switch cmd.name {
	case "build":
		fs.StringVarP(&c.outDir, "output", "o", "", "write one file per release into `DIR`")
	case "check":
		fs.StringVarP(&c.outDir, "output", "o", "", "the `DIR` of generated files to compare")
	}
	if cmd.name == "build" {
		fs.BoolVar(&c.check, "check", false, "write nothing; exit 1 with a diff when DIR is out of date")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			cmdUsage(stdout, cmd, fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "rollspec %s: %v\n", cmd.name, err)
		cmdUsage(stderr, cmd, fs)
		return exitUsage
	}
	if fs.Changed("output") && c.outDir == "" {
		// An unset variable in a script ($OUT): not a wish for stdout.
		return usageError(c, "-o needs a directory, got an empty one")
	}
	c.command = cmd.name
	return cmd.run(c, fs.Args())
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func names() string {
	var n []string
	for _, c := range commands {
		n = append(n, c.name)
	}
	return strings.Join(n, ", ")
}

func usageError(c *config, msg string) int {
	fmt.Fprintf(c.stderr, "rollspec: %s\nRun 'rollspec --help' for usage.\n", msg)
	return exitUsage
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `rollspec compiles release specs (CUE, YAML or JSON) into Kubernetes and Istio
manifests for the recreate, ramped, blue-green, canary, A/B test and shadow
strategies.

Usage:
  rollspec <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Exit codes: 0 success, 1 invalid input (or out-of-date files), 2 usage error.
Run 'rollspec <command> --help' for a command's flags and examples.
`)
}

func cmdUsage(w io.Writer, cmd *command, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: rollspec %s %s\n\n%s\n", cmd.name, cmd.usage, cmd.help)
	if fs != nil && fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

// load validates the specs under paths, printing problems.
func runVet(c *config, args []string) int {
	if len(args) == 0 {
		return usageError(c, "vet needs at least one PATH")
	}
	if slices.Contains(args, stdinPath) && len(args) > 1 {
		return usageError(c, "- (standard input) must be the only PATH")
	}
	if _, ok := compileArgs(c, args, nil); !ok {
		return exitInvalid
	}
	return exitOK
}

// compileArgs validates and compiles the releases under args (or on
// standard input), printing every problem, or the warnings; ok is false
// when any release is invalid. vet runs it too: a spec that passes vet
// builds, with the same warnings. A path holding no release is a problem
// too, unless retired (when set) says that is what the user meant.
func compileArgs(c *config, args []string, retired func(path string) bool) (rs []*compile.Release, ok bool) {
	specs, err := loadSpecs(args, retired)
	if err == nil {
		rs, err = compile.Specs(specs)
	}
	if err != nil {
		diag.Print(c.stderr, err, c.cwd)
		return nil, false
	}
	for _, r := range rs {
		printWarnings(c, r.Warnings)
	}
	return rs, true
}

// stdinPath as the only PATH reads one YAML or JSON stream of releases
// from standard input, for specs another tool generates.
const stdinPath = "-"

// Large runs grow the heap into transparent huge pages first: building
// 1,000 releases then takes some 3,000 page faults instead of 19,000
// (each costs tens of microseconds in a virtual machine), about a sixth
// less time. Growing costs a garbage collection, a loss below largeRun
// files.
const (
	largeRun       = 32
	heapPerRelease = 128 << 10 // peak heap growth per release, measured
	heapMaxGrowth  = 256 << 20
)

func prepare(units int) {
	if units >= largeRun {
		hugepage.Grow(min(units*heapPerRelease, heapMaxGrowth))
	}
}

// loadSpecs validates the releases under args, or on standard input.
func loadSpecs(args []string, retired func(path string) bool) ([]*load.Spec, error) {
	l := &load.Loader{Prepare: prepare, Retired: retired}
	if len(args) != 1 || args[0] != stdinPath {
		return l.Load(args)
	}
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, diag.List{{Text: "read standard input: " + err.Error()}}
	}
	return l.LoadBytes("<stdin>", src)
}

func printWarnings(c *config, warns diag.List) {
	diag.Print(c.stderr, warns, c.cwd)
}

func runBuild(c *config, args []string) int {
	if len(args) == 0 {
		return usageError(c, c.command+" needs at least one PATH")
	}
	if c.check && c.outDir == "" {
		return usageError(c, c.checkName()+" needs -o DIR: the directory to compare")
	}
	if slices.Contains(args, stdinPath) && len(args) > 1 {
		return usageError(c, "- (standard input) must be the only PATH")
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
	rs, ok := compileArgs(c, args, retired)
	if !ok {
		return exitInvalid
	}
	if c.outDir == "" {
		c.stdout.Write(compile.Stream(rs))
		return exitOK
	}
	src := newSources(c.outDir, args, rs)
	want := map[string][]byte{}
	for _, r := range rs {
		want[r.FileName()] = outdir.WithSource(r.YAML, src.of(r))
	}
	changes, err := outdir.Plan(c.outDir, want, src.owns)
	if err != nil {
		fmt.Fprintf(c.stderr, "rollspec: %s: %v\n", c.outDir, err)
		return exitInvalid
	}
	if c.check {
		if len(changes) == 0 {
			return exitOK
		}
		c.stdout.Write(outdir.Diff(c.outDir, changes))
		for _, ch := range changes {
			fmt.Fprintf(c.stderr, "%s: %s\n", joinPath(c.outDir, ch.Name), ch.Kind)
		}
		fmt.Fprintf(c.stderr, "rollspec: %d generated file(s) out of date; run: %s\n", len(changes), shellQuote(append([]string{"rollspec", "build", "-o", c.outDir}, args...)))
		return exitInvalid
	}
	if err := outdir.Apply(c.outDir, changes); err != nil {
		fmt.Fprintf(c.stderr, "rollspec: %v\n", err)
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
	s := &sources{dir: resolvePath(outDir), files: map[string]bool{}}
	for _, a := range args {
		if a == stdinPath {
			s.stdin = true
			continue
		}
		p := resolvePath(a)
		if fi, err := os.Stat(a); err == nil && fi.IsDir() {
			s.dirs = append(s.dirs, strings.TrimSuffix(p, string(filepath.Separator))+string(filepath.Separator))
			continue
		}
		s.files[p] = true
	}
	for _, r := range rs {
		if !s.stdin {
			s.files[resolvePath(r.Spec.File)] = true
		}
	}
	return s
}

// of is the source a release's generated file records.
func (s *sources) of(r *compile.Release) string {
	if s.stdin {
		return "-"
	}
	spec := resolvePath(r.Spec.File)
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
	p = resolvePath(p) // a file recorded by its name through a link
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

// resolvePath is path made absolute with symbolic links resolved, so
// that a spec or output directory reached through a link is recorded and
// recognised by one name. Where path does not exist (yet), its existing
// part is resolved and the rest kept.
func resolvePath(path string) string {
	path = absPath(path)
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	parent := filepath.Dir(path)
	if parent == path {
		return path
	}
	return filepath.Join(resolvePath(parent), filepath.Base(path))
}

// absPath is path made absolute, or path itself if that fails.
func absPath(path string) string {
	if p, err := filepath.Abs(path); err == nil {
		return p
	}
	return path
}

// shellQuote joins args as a POSIX shell would read them back.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == "" {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// checkName is how the user asked for a check: the command or the flag.
func (c *config) checkName() string {
	if c.command == "check" {
		return "check"
	}
	return "--check"
}

func joinPath(dir, name string) string {
	return strings.TrimSuffix(dir, "/") + "/" + name
}

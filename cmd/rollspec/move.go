package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/inert"
	"github.com/rollspec/rollspec/internal/lifecycle"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/internal/specpath"
)

// moveConfig is the command line of start, step, promote and rollback.
type moveConfig struct {
	command string
	release string // --release: which of PATH's releases
	read    reading
	// start's version and overrides
	version, tag, digest, image string
	replicas                    int
	env                         []string
	changeCause                 string
	bare                        bool
	// promote's --force
	force bool
	// rollback's --to: the git revision whose stable to restore, and the
	// limit of each git command reading it.
	to      string
	gitTime time.Duration
	// edited is the release the command edited, namespace/name.
	edited string
}

const moveFoot = `
The spec is edited in place: only the fields named change, comments, key
order and formatting stay as written (a CUE package: the file that declares
the field). The result is loaded and compiled before anything is written;
nothing is written on any problem. When PATH holds several releases,
--release NAME (or NAMESPACE/NAME) picks one.`

var startCmd = &command{
	name: "start", summary: "add a candidate to a release (edits the spec)", usage: "PATH --version V (--tag T | --digest D) [flags]",
	help: `Start releasing a new version: add a candidate (written after stable, in its
style) and put the strategy at its first step: a canary or partitioned
update at step 0 with traffic: istio (the candidate's pods get ready before
any traffic), else 1; blueGreen with active: stable. recreate and ramped
take no candidate: stable becomes the new version instead. The candidate
carries stable's own env, config, container and pod overrides (promote
moved them there), copied as written, --env entries replacing stable's
of the same name; --bare starts it without them. --change-cause
sets the release's changeCause; without it, one written stays as it reads
(a note says so).
` + moveFoot + `

Examples:
  rollspec start release.yaml --version v2 --tag 2.0.0 --change-cause "v2: faster search"
  rollspec start specs/shop --release checkout --version v1.9.0 --tag 1.9.0 --env MODE=fast`,
	flags: moveFlags("start", func(fs *pflag.FlagSet, c *moveConfig) {
		fs.StringVar(&c.version, "version", "", "the new version's label (required)")
		fs.StringVar(&c.tag, "tag", "", "its image tag")
		fs.StringVar(&c.digest, "digest", "", "its image digest (sha256:…)")
		fs.StringVar(&c.image, "image", "", "its own image repository, if not the release's")
		fs.IntVar(&c.replicas, "replicas", 0, "its own replica count")
		fs.StringArrayVar(&c.env, "env", nil, "an environment variable of its own, `KEY=VALUE` (repeatable)")
		fs.BoolVar(&c.bare, "bare", false, "start the candidate without stable's env, config, container and pod overrides, which it otherwise carries (recreate, ramped: remove them from stable)")
		fs.StringVar(&c.changeCause, "change-cause", "", "the release's new changeCause, which kubectl rollout history shows (\"\" removes it); without it the old one stays")
	}),
}

var stepCmd = &command{
	name: "step", summary: "move a release to its next step (edits the spec)", usage: "PATH [N]",
	help: `Move a canary or partitioned update to step N, or to the next step; make a
blue-green release's candidate active. At the last step (blue-green: the
candidate active) step is refused: promote, or roll back to stable. A
partitioned StatefulSet with traffic: istio takes two moves per step: the
partition first (routed: false, the routes balancing over every ready pod
while the controller replaces one at a time), then the step's weights.
` + moveFoot + `

Examples:
  rollspec step release.yaml
  rollspec step release.yaml 3`,
	flags: moveFlags("step", nil),
}

var promoteCmd = &command{
	name: "promote", summary: "make the candidate stable (edits the spec)", usage: "PATH [--force]",
	help: `Finish a release: the candidate becomes stable with all its overrides (its
pods stay the same), and the strategy goes back to its first step. Refused
before the candidate takes all traffic unless --force: before a canary's or
partitioned update's last step, before blue-green's candidate is active,
and always for abTest and shadow, whose candidate has served only the
requests matched or mirrored to it; and for onDelete when stable's config
differs from the candidate's: the pods not deleted yet still mount stable's
ConfigMap, which the promoted spec no longer compiles (delete them first).
With onDelete, applying the promotion replaces no pod: each takes the
candidate's version only when someone deletes it.
` + moveFoot + `

Example:
  rollspec promote release.yaml`,
	flags: moveFlags("promote", func(fs *pflag.FlagSet, c *moveConfig) {
		fs.BoolVar(&c.force, "force", false, "promote before the candidate takes all traffic")
	}),
}

var rollbackCmd = &command{
	name: "rollback", summary: "remove the candidate, or restore stable from git (edits the spec)", usage: "PATH | --to REV PATH",
	help: `Abandon a release: remove the candidate and put the strategy back at its
first step, so that stable alone runs.

With --to REV, for a release with no candidate (recreate and ramped, which
replace stable in place, or any strategy between releases): set stable back
to the one git revision REV held for the release: its version, tag, digest
and image, its env and config entries, and the release's changeCause (it
annotates the workload); replicas and the rest stay as written now.
This reads PATH at REV as diff --against does (git rev-parse, ls-tree,
cat-file, with settings that let git run no other program and fetch
nothing), before the spec is locked. Refused when REV does not hold the
release, when its stable is the one written now, when a candidate is
present (rollback without --to removes it), and when stable's container or
pod overlay at REV differs from the one written now (write it by hand).
` + moveFoot + `

Examples:
  rollspec rollback release.yaml
  rollspec rollback --to HEAD~1 release.yaml`,
	flags: moveFlags("rollback", func(fs *pflag.FlagSet, c *moveConfig) {
		fs.StringVar(&c.to, "to", "", "restore stable as git revision `REV` had it (runs git)")
		gitTimeFlag(fs, &c.gitTime, "--to")
	}),
}

// moveFlags declares the flags every move command has, then the
// command's own (own may be nil).
func moveFlags(name string, own func(*pflag.FlagSet, *moveConfig)) func(*pflag.FlagSet) func(*env, []string) int {
	return func(fs *pflag.FlagSet) func(*env, []string) int {
		c := &moveConfig{command: name}
		fs.StringVar(&c.release, "release", "", "the release to edit when PATH holds several: `NAME` or NAMESPACE/NAME")
		readFlags(fs, &c.read)
		if own != nil {
			own(fs, c)
		}
		if fs.Lookup("force") == nil {
			fs.BoolVar(&c.force, "force", false, "edit even when applying the change leaves no ready pod on the way")
		}
		return func(e *env, args []string) int { return c.run(e, fs, args) }
	}
}

// run edits the spec and reports the change; report is where the new
// state is shown.
func (c *moveConfig) run(e *env, fs *pflag.FlagSet, args []string) int {
	res, code := c.edit(e, fs, args)
	if res == nil {
		return code
	}
	return c.report(e, res)
}

// report shows what an edit left: the plan of the release edited, as the
// spec now holds it, from its new state to its promotion.
func (c *moveConfig) report(e *env, res *lifecycle.Result) int {
	i := slices.IndexFunc(res.Specs, func(s *load.Spec) bool { return id(s) == c.edited })
	if i < 0 {
		return exitOK
	}
	rs, err := compile.Rendered(res.Specs[i : i+1])
	if err != nil {
		diag.Print(e.stderr, err, e.cwd)
		return exitInvalid
	}
	fmt.Fprintln(e.stdout)
	return writePlans(e, "table", rs)
}

// id names a release as --release does, namespace/name.
func id(s *load.Spec) string { return s.Release.Namespace + "/" + s.Release.Name }

// edit loads PATH, plans the command's change on the release picked,
// applies and checks it, writes the files and prints the changes; on any
// problem it writes nothing and returns nil and the exit code.
func (c *moveConfig) edit(e *env, fs *pflag.FlagSet, args []string) (*lifecycle.Result, int) {
	move, msg := c.parse(fs, args)
	if msg != "" {
		return nil, usageError(e, msg)
	}
	if c.to != "" {
		var code int
		if move, code = c.stableAt(e, args[0]); code != exitOK {
			return nil, code
		}
	}
	l := &load.Loader{Limits: c.read.limits, Outside: c.read.links == specpath.Followed}
	set := specpath.Collect(args[:1], specpath.Listed, c.read.links)
	tx, err := lifecycle.Begin(set)
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %v\n", err)
		return nil, exitInvalid
	}
	defer tx.End()
	specs, err := l.Load(set).Releases(nil)
	if err != nil {
		diag.Print(e.stderr, err, e.cwd)
		return nil, exitInvalid
	}
	s, msg := c.pick(specs)
	if msg != "" {
		return nil, usageError(e, msg)
	}
	c.edited = id(s)
	plan, err := move(s)
	if err != nil {
		diag.Print(e.stderr, err, e.cwd)
		return nil, exitInvalid
	}
	unit, srcs, err := source(set, s)
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %v\n", err)
		return nil, exitInvalid
	}
	res, err := lifecycle.Edit(l, unit, srcs, s, plan)
	if err != nil {
		if problems, ok := lifecycle.Problems(err); ok {
			fmt.Fprintf(e.stderr, "rollspec %s: %v:\n", c.command, lifecycle.ErrInvalid)
			err = problems
		}
		diag.Print(e.stderr, err, e.cwd)
		return nil, exitInvalid
	}
	applied := c.change(s, res.Specs)
	if d := c.outage(s, applied); d != nil {
		diag.Print(e.stderr, diag.List{d}, e.cwd)
		return nil, exitInvalid
	}
	warns, err := tx.Write(unit, srcs, res)
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %v\n", err)
		return nil, exitInvalid
	}
	diag.Print(e.stderr, warns, e.cwd)
	// A change quotes the spec's values (an env value): each on its line.
	for _, note := range plan.Notes {
		fmt.Fprintf(e.stdout, "%s: %s\n", relative(e, s.File), inert.Line(note))
	}
	for i, ch := range plan.Changes {
		fmt.Fprintf(e.stdout, "%s: %s\n", relative(e, res.Where[i]), inert.Line(ch.String()))
	}
	printApplied(e, relative(e, s.File), applied)
	return res, exitOK
}

// parse checks the command line and returns what plans the command's
// change, or what is wrong with it.
func (c *moveConfig) parse(fs *pflag.FlagSet, args []string) (move func(*load.Spec) (*lifecycle.Plan, error), msg string) {
	to := -1
	switch {
	case len(args) == 0:
		return nil, c.command + " needs a PATH"
	case args[0] == stdinPath:
		return nil, c.command + " edits a file: standard input cannot be edited"
	case c.command == "step" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 {
			return nil, fmt.Sprintf("step %q: not a step number (allowed: 0, 1, 2, …)", args[1])
		}
		to = n
	case c.command == "step" && len(args) > 2:
		return nil, fmt.Sprintf("step takes PATH and an optional step number, got %d arguments", len(args))
	case len(args) > 1:
		return nil, fmt.Sprintf("%s takes one PATH, got %d arguments", c.command, len(args))
	}
	switch c.command {
	case "start":
		n, msg := c.newVersion(fs)
		return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Start(s, n) }, msg
	case "step":
		return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Step(s, to) }, ""
	case "promote":
		return func(s *load.Spec) (*lifecycle.Plan, error) { return lifecycle.Promote(s, c.force) }, ""
	}
	return lifecycle.Rollback, ""
}

// source is the unit of set that holds the release s, and its files'
// contents.
func source(set *specpath.Set, s *load.Spec) (specpath.Unit, [][]byte, error) {
	i := slices.IndexFunc(set.Units, func(u specpath.Unit) bool {
		return slices.ContainsFunc(u.Files, func(f string) bool { return specpath.Real(f) == specpath.Real(s.File) })
	})
	if i < 0 {
		return specpath.Unit{}, nil, fmt.Errorf("%s: the file of release %s is not among the files read", s.File, s.Release.Name)
	}
	unit := set.Units[i]
	srcs := make([][]byte, len(unit.Files))
	for i, f := range unit.Files {
		var err error
		if srcs[i], err = os.ReadFile(f); err != nil {
			return unit, nil, err
		}
	}
	return unit, srcs, nil
}

// newVersion is start's version and overrides from its flags, or what is
// wrong with them.
func (c *moveConfig) newVersion(fs *pflag.FlagSet) (lifecycle.New, string) {
	n := lifecycle.New{Version: c.version, Tag: c.tag, Digest: c.digest, Image: c.image, Bare: c.bare}
	switch {
	case c.version == "":
		return n, "start needs --version: the new version's label"
	case c.tag == "" && c.digest == "":
		return n, "start needs --tag or --digest: the new version's image"
	}
	if fs.Changed("replicas") {
		n.Replicas = &c.replicas
	}
	if fs.Changed("change-cause") {
		n.ChangeCause = &c.changeCause
	}
	for _, kv := range c.env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return n, fmt.Sprintf("--env %q: not KEY=VALUE", kv)
		}
		n.Env = append(n.Env, specedit.Entry{Key: k, Value: v})
	}
	return n, ""
}

// pick is the release --release names, or PATH's only one; msg says why
// none is picked.
func (c *moveConfig) pick(specs []*load.Spec) (*load.Spec, string) {
	var names []string
	var found []*load.Spec
	for _, s := range specs {
		r := s.Release
		names = append(names, r.Namespace+"/"+r.Name)
		if c.release == r.Name || c.release == r.Namespace+"/"+r.Name {
			found = append(found, s)
		}
	}
	switch {
	case c.release == "" && len(specs) == 1:
		return specs[0], ""
	case c.release == "":
		return nil, fmt.Sprintf("PATH holds %d releases: pick one with --release (allowed: %s)", len(specs), strings.Join(names, ", "))
	case len(found) == 1:
		return found[0], ""
	case len(found) > 1:
		return nil, fmt.Sprintf("--release %s names several releases: write NAMESPACE/NAME (allowed: %s)", c.release, strings.Join(names, ", "))
	}
	return nil, fmt.Sprintf("--release %s: no such release in PATH (allowed: %s)", c.release, strings.Join(names, ", "))
}

// relative is a file's name as messages print it: relative to the
// working directory when under it, its characters that do not show
// escaped (package inert).
func relative(e *env, name string) string {
	if rel, err := filepath.Rel(e.cwd, name); err == nil && filepath.IsAbs(name) && !strings.HasPrefix(rel, "..") {
		name = rel
	}
	return inert.Line(name)
}

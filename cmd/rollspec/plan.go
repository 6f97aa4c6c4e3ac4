package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/planfmt"
	"github.com/rollspec/rollspec/internal/stage"
)

// planConfig is the command line of plan.
type planConfig struct {
	format string
	read   reading
}

var planCmd = &command{
	name: "plan", summary: "show each stage of a release, from now to its promotion", usage: "[--format FORMAT] PATH...",
	help: `For every release in PATH, show the stages from its current state to its
promotion (each further step, a blue-green flip, the promotion), each with
the pods every version runs, the share of requests every version gets on
each route, what Kubernetes does on the way there with the peak and the floor
of pods it holds, and every warning of every stage at once. Writes nothing.
Exits 1 when a spec is invalid or a stage would be refused.

Formats: table (default), markdown (for a pull-request comment), json (the
shape schema/plan.cue documents), svg (a chart of pods and requests per
stage).

Examples:
  rollspec plan examples/kubia-canary
  rollspec plan --format markdown specs/ > plan.md
  rollspec plan --format svg specs/web.yaml > plan.svg`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		c := &planConfig{}
		fs.StringVar(&c.format, "format", "table", "the output `FORMAT`: "+strings.Join(planfmt.Formats, ", "))
		readFlags(fs, &c.read)
		return func(e *env, args []string) int { return c.run(e, args) }
	},
}

// run plans the releases under args.
func (c *planConfig) run(e *env, args []string) int {
	if !slices.Contains(planfmt.Formats, c.format) {
		return usageError(e, fmt.Sprintf("--format: unknown %q (allowed: %s)", c.format, strings.Join(planfmt.Formats, ", ")))
	}
	if len(args) == 0 {
		return usageError(e, "plan needs at least one PATH")
	}
	if slices.Contains(args, stdinPath) && len(args) > 1 {
		return usageError(e, "- (standard input) must be the only PATH")
	}
	specs, err := loadSpecs(args, c.read, nil)
	var rs []*compile.Release
	if err == nil {
		rs, err = compile.Rendered(specs)
	}
	if err != nil {
		diag.Print(e.stderr, err, e.cwd)
		return exitInvalid
	}
	return writePlans(e, c.format, rs)
}

// writePlans writes the plans of rs to standard output in format, and
// returns the exit code: invalid when a stage would be refused. The
// commands that edit a spec end with it, showing the new state's plan.
func writePlans(e *env, format string, rs []*compile.Release) int {
	plans, refused, err := plansOf(rs)
	if err != nil {
		fmt.Fprintf(e.stderr, "rollspec: %v\n", err)
		return exitInvalid
	}
	if err := planfmt.Write(e.stdout, format, plans, e.cwd); err != nil {
		fmt.Fprintf(e.stderr, "rollspec: writing the plan: %v\n", err)
		return exitInvalid
	}
	if refused {
		fmt.Fprintln(e.stderr, "rollspec: a stage of the plan would be refused; see its errors")
		return exitInvalid
	}
	return exitOK
}

// plansOf plans each compiled release, each problem positioned in its
// spec; refused is whether a stage has an error.
func plansOf(rs []*compile.Release) (plans []*stage.Plan, refused bool, err error) {
	for _, r := range rs {
		p, err := stage.Of(r.Spec.Release, r.Warnings)
		if err != nil {
			return nil, false, err
		}
		for _, s := range p.Stages {
			for _, d := range s.Problems {
				if d.Pos.Filename() == "" {
					d.Pos = r.Spec.Pos(fieldpath.Of(d))
				}
				refused = refused || d.Severity == diag.Error
			}
		}
		plans = append(plans, p)
	}
	return plans, refused, nil
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/inert"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // invalid input, or generated files out of date
	exitUsage   = 2 // wrong command line
)

// env is where a command writes and what it resolves paths against.
type env struct {
	stdout, stderr io.Writer
	cwd            string // the working directory, to print paths relative to it
}

// command is one subcommand: its help, and its own flags.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis
	help    string // longer description with examples
	// flags declares the command's flags on fs, into a config value of
	// the command's own, and returns what runs the command with the
	// arguments left once fs is parsed.
	flags func(fs *pflag.FlagSet) func(e *env, args []string) int
}

// commands in the order usage lists them; each is defined in its file.
var commands = []*command{buildCmd, checkCmd, vetCmd, planCmd, diffCmd, startCmd, stepCmd, promoteCmd, rollbackCmd, schemaCmd, versionCmd, fnCmd}

// noFlags is the flags of a command that has none.
func noFlags(run func(e *env, args []string) int) func(*pflag.FlagSet) func(*env, []string) int {
	return func(*pflag.FlagSet) func(*env, []string) int { return run }
}

func run(args []string, stdout, stderr io.Writer) int {
	// Messages quote file names, values from specs and what git says: no
	// control character of theirs reaches the terminal.
	errs := inert.NewWriter(stderr)
	defer errs.Flush()
	stderr = errs
	e := &env{stdout: stdout, stderr: stderr}
	e.cwd, _ = os.Getwd()
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
		return usageError(e, fmt.Sprintf("unknown command %q (allowed: %s)", args[0], names()))
	}
	fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	exec := cmd.flags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			cmdUsage(stdout, cmd, fs)
			return exitOK
		}
		fmt.Fprintf(stderr, "rollspec %s: %v\n", cmd.name, err)
		cmdUsage(stderr, cmd, fs)
		return exitUsage
	}
	return exec(e, fs.Args())
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

func usageError(e *env, msg string) int {
	fmt.Fprintf(e.stderr, "rollspec: %s\nRun 'rollspec --help' for usage.\n", msg)
	return exitUsage
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `rollspec compiles release specs (CUE, YAML or JSON) into Kubernetes and Istio
manifests for the recreate, ramped, blue-green, canary, A/B test and shadow
strategies on Deployments, and partitioned, ramped and onDelete updates of
StatefulSets and DaemonSets.

Usage:
  rollspec <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
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

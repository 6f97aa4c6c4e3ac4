package main

import (
	"slices"

	"github.com/spf13/pflag"
)

var vetCmd = &command{
	name: "vet", summary: "validate specs, writing nothing", usage: "PATH...",
	help: `Validate every release in PATH against the schema and rollspec's rules,
and compile them as build does without writing anything: print every problem
as file:line:col: field: message and exit 1 if any, or build's warnings.
A spec vet accepts, build accepts.

Example:
  rollspec vet specs/`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		var r reading
		readFlags(fs, &r)
		return func(e *env, args []string) int { return runVet(e, args, r) }
	},
}

// runVet validates and compiles the specs under args, writing nothing.
func runVet(e *env, args []string, r reading) int {
	if len(args) == 0 {
		return usageError(e, "vet needs at least one PATH")
	}
	if slices.Contains(args, stdinPath) && len(args) > 1 {
		return usageError(e, "- (standard input) must be the only PATH")
	}
	if _, ok := compileArgs(e, args, r, nil); !ok {
		return exitInvalid
	}
	return exitOK
}

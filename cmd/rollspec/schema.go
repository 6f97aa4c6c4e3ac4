package main

import (
	"fmt"
	"runtime/debug"

	"github.com/rollspec/rollspec/schema"
)

var schemaCmd = &command{
	name: "schema", summary: "print the embedded CUE schema", usage: "",
	help: `Print the CUE schema every spec is validated against (#Release), with
the documentation of every field.

Example:
  rollspec schema > release.cue`,
	flags: noFlags(func(e *env, args []string) int {
		if len(args) > 0 {
			return usageError(e, "schema takes no arguments")
		}
		e.stdout.Write(schema.Source())
		return exitOK
	}),
}

var versionCmd = &command{
	name: "version", summary: "print the version", usage: "",
	help: "Print rollspec's version and the Go version it was built with.",
	flags: noFlags(func(e *env, args []string) int {
		if len(args) > 0 {
			return usageError(e, "version takes no arguments")
		}
		fmt.Fprintf(e.stdout, "rollspec %s\n", version())
		return exitOK
	}),
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

package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/internal/fn"
	"github.com/rollspec/rollspec/internal/load"
)

var fnCmd = &command{
	name: "fn", summary: "run as a KRM function (kustomize exec generator)", usage: "",
	help: `Read a ResourceList on stdin whose functionConfig is a rollspec Release
(spec inline) or ReleaseSet (spec.paths), append the compiled objects to
items and write the ResourceList to stdout. Invalid specs are reported as
results with severity error, on stderr, and exit 1. Warnings are results
with severity warning, and lines "warning: …" on stderr (kustomize shows
stderr but drops warning results).

Example kustomization.yaml:
  generators:
    - rollspec.yaml

Example rollspec.yaml:
  apiVersion: rollspec.dev/v1alpha1
  kind: ReleaseSet
  metadata:
    name: app
    annotations:
      config.kubernetes.io/function: |
        exec:
          path: rollspec
          args: [fn]
  spec:
    paths: [release.yaml]

Run with: kustomize build --enable-alpha-plugins --enable-exec DIR

What fn accepts fits in --max-memory: a ResourceList of at most ` + load.BytesText(fn.InputBytes(load.DefaultMemoryBytes)) + `
by default. Items written as kustomize writes them pass through as text;
the list's other fields (functionConfig, results), an item written
otherwise and a list not written so (JSON, items indented) are parsed,
which costs some 200 bytes per byte: each at most ` + load.BytesText(fn.ParseBytes(load.DefaultMemoryBytes)) + ` by default.
Both scale with --max-memory (flags go after fn in the config's args).`,
	flags: func(fs *pflag.FlagSet) func(*env, []string) int {
		var limits load.Limits
		limitFlags(fs, &limits)
		return func(e *env, args []string) int {
			if len(args) > 0 {
				return usageError(e, "fn reads stdin and takes no arguments")
			}
			// The ResourceList is held while the function runs: the heap
			// may grow to the memory limit before the collector works
			// harder (GOMEMLIMIT in the environment still wins).
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(limits.Memory())
			}
			if err := fn.Run(&fn.Processor{Loader: &load.Loader{Limits: limits}, Warnings: e.stderr, Unrestricted: os.Getenv(fn.RestrictorEnv) == "none"}, os.Stdin, e.stdout); err != nil {
				fmt.Fprintln(e.stderr, err)
				return exitInvalid
			}
			return exitOK
		}
	},
}

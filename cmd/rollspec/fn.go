package main

import (
	"fmt"
	"os"

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

Run with: kustomize build --enable-alpha-plugins --enable-exec DIR`,
	flags: noFlags(func(e *env, args []string) int {
		if len(args) > 0 {
			return usageError(e, "fn reads stdin and takes no arguments")
		}
		if err := fn.Run(&fn.Processor{Loader: &load.Loader{}, Warnings: e.stderr, Unrestricted: os.Getenv(fn.RestrictorEnv) == "none"}, os.Stdin, e.stdout); err != nil {
			fmt.Fprintln(e.stderr, err)
			return exitInvalid
		}
		return exitOK
	}),
}

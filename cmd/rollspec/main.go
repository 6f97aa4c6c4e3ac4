// Command rollspec compiles release specs into Kubernetes and Istio
// manifests. See `rollspec --help`.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	// A short-lived compiler: trade a little peak memory for much less
	// time in the garbage collector (GOGC in the environment still wins).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

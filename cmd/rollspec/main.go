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
	// But not without bound: above softMemory (only a run of thousands of
	// releases gets there) the collector runs more often instead of the
	// heap growing on (GOMEMLIMIT in the environment still wins).
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(softMemory)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// softMemory is the heap size from which the collector trades time for
// memory: 10,000 releases in one stream peak under 300 MB with it, and
// 1,000 release files never reach it.
const softMemory = 256 << 20

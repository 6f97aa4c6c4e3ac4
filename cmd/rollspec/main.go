// Command rollspec compiles release specs into Kubernetes and Istio
// manifests. See `rollspec --help`.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Command cluster starts a throw-away Kubernetes control plane (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok fake nodes,
// all on 127.0.0.1) for manual exploration, prints how to point kubectl at it,
// and stops everything on Ctrl-C or SIGTERM.
//
//	go run ./test/e2e/cmd/cluster [--nodes=3] [--istio-crds] [--keep]
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Command etcd is etcd's server, built from go.etcd.io/etcd/server/v3 so the
// e2e harness can run it without a prebuilt release binary.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}

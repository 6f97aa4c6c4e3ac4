package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/rollspec/rollspec/test/e2e/cluster"
)

// run is the whole command; it returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("cluster", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	nodes := fs.Int("nodes", 3, "number of fake kwok nodes")
	istio := fs.Bool("istio-crds", false, "apply Istio's CRDs")
	keep := fs.Bool("keep", false, "keep the cluster directory (logs, etcd data) after stopping")
	quiet := fs.BoolP("quiet", "q", false, "do not print boot progress")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: cluster [flags]\n\nStarts a local Kubernetes control plane on 127.0.0.1 until Ctrl-C.\n\n%s", fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cluster: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	opts := cluster.Options{Nodes: *nodes, IstioCRDs: *istio, KeepDir: *keep}
	if !*quiet {
		opts.Progress = stderr
	}
	t0 := time.Now()
	c, err := cluster.Start(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "cluster: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "Cluster up in %v: %s (logs in %s/logs)\n\n", time.Since(t0).Round(time.Millisecond), c.Server(), c.Dir())
	fmt.Fprintln(stdout, "To use it from another shell:")
	fmt.Fprintln(stdout)
	for _, kv := range c.Env() {
		k, v, _ := strings.Cut(kv, "=")
		if k == "PATH" {
			// Env puts the tool bin directory in front of our PATH.
			fmt.Fprintf(stdout, "  export PATH=%s:\"$PATH\"\n", shellQuote(c.Toolset().BinDir))
			continue
		}
		fmt.Fprintf(stdout, "  export %s=%s\n", k, shellQuote(v))
	}
	fmt.Fprintln(stdout, "  kubectl get nodes")
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Press Ctrl-C to stop it.")

	select {
	case <-ctx.Done():
	case <-c.Done():
	}
	stop() // a second Ctrl-C now kills us the default way; Pdeathsig reaps the children
	fmt.Fprintln(stderr, "cluster: stopping…")
	if err := c.Stop(); err != nil {
		fmt.Fprintf(stderr, "cluster: %v\n", err)
		return 1
	}
	if *keep {
		fmt.Fprintf(stderr, "cluster: files kept in %s\n", c.Dir())
	}
	return 0
}

// shellQuote quotes s for a POSIX shell when needed.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-:,=@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package cluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures Start. The zero value is a usable default.
type Options struct {
	// Tools are the binaries to run. When zero, Start calls Tools (which may
	// build them).
	Tools Toolset
	// Nodes is the number of fake kwok nodes to register; 0 means 3. Node i is
	// named kwok-node-<i>, labelled type=kwok, and offers 32 CPUs, 256Gi of
	// memory and 110 pods.
	Nodes int
	// IstioCRDs applies Istio's CRDs (Toolset.IstioCRDs) and waits until they
	// are Established, so Istio objects can be applied and validated.
	IstioCRDs bool
	// KeepDir leaves the temporary directory (logs, kubeconfig, etcd data) in
	// place after Stop, for debugging.
	KeepDir bool
	// Progress, when not nil, receives a line per boot step with its timing.
	Progress io.Writer
}

// NodeLabel is the label (key=value) every fake node carries.
const NodeLabel = "type=kwok"

// KwokNodeAnnotation is the annotation (key=value) by which kwok recognises
// the nodes it manages.
const KwokNodeAnnotation = "kwok.x-k8s.io/node=fake"

// stopGrace is how long Stop waits after SIGTERM before sending SIGKILL.
const stopGrace = 10 * time.Second

// defaultBootTimeout bounds Start when its context has no deadline.
const defaultBootTimeout = 3 * time.Minute

// Cluster is a running control plane started by Start. Its methods are safe
// for concurrent use.
type Cluster struct {
	tools      Toolset
	dir        string
	kubeconfig string
	cacheDir   string
	server     string
	token      string
	keepDir    bool
	progress   io.Writer
	client     *http.Client

	mu    sync.Mutex
	procs []*process

	stopOnce   sync.Once
	stopErr    error
	done       chan struct{}
	unregister func() bool
}

// Start boots a cluster: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok, all on 127.0.0.1 and on free ports, each with its
// own directory under one temporary directory. It registers opts.Nodes fake
// nodes, optionally applies the Istio CRDs, and returns once the nodes are
// Ready and schedulable and the default ServiceAccount exists, so pods can be
// created right away.
//
// ctx bounds both the boot and the life of the cluster: when it is cancelled
// the cluster stops, as with exec.CommandContext. Pass a context from
// signal.NotifyContext to stop the cluster on Ctrl-C. If ctx has no deadline,
// the boot is limited to a few minutes. On failure every process started is
// stopped and the error includes the end of the relevant component's log.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	t0 := time.Now()
	ts := opts.Tools
	if ts.BinDir == "" {
		if ts, err = Tools(ctx); err != nil {
			return nil, err
		}
	}
	nodes := opts.Nodes
	if nodes <= 0 {
		nodes = 3
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}

	dir, err := os.MkdirTemp("", "rollspec-cluster-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		tools:      ts,
		dir:        dir,
		kubeconfig: filepath.Join(dir, "kubeconfig"),
		cacheDir:   filepath.Join(dir, "kubectl-cache"),
		keepDir:    opts.KeepDir,
		progress:   progress,
		done:       make(chan struct{}),
	}
	defer func() {
		if err != nil {
			_ = c.Stop()
			if opts.KeepDir {
				err = fmt.Errorf("%w\n(cluster files kept in %s)", err, dir)
			}
		}
	}()

	bootCtx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		bootCtx, cancel = context.WithTimeout(ctx, defaultBootTimeout)
		defer cancel()
	}

	if err := c.boot(bootCtx, nodes, opts.IstioCRDs); err != nil {
		return nil, err
	}
	c.unregister = context.AfterFunc(ctx, func() { _ = c.Stop() })
	c.logf("cluster ready in %v (%s)", time.Since(t0).Round(time.Millisecond), c.dir)
	return c, nil
}

func (c *Cluster) logf(format string, args ...any) {
	fmt.Fprintf(c.progress, "cluster: "+format+"\n", args...)
}

func (c *Cluster) boot(ctx context.Context, nodes int, istio bool) error {
	t := time.Now()
	step := func(what string) {
		c.logf("%s (%v)", what, time.Since(t).Round(time.Millisecond))
		t = time.Now()
	}
	for _, d := range []string{"logs", "etcd", "apiserver/certs", "controller-manager", "scheduler", "kwok"} {
		if err := os.MkdirAll(filepath.Join(c.dir, d), 0o700); err != nil {
			return err
		}
	}
	ports, err := freePorts(5)
	if err != nil {
		return err
	}
	etcdPort, peerPort, apiPort, kcmPort, schedPort := ports[0], ports[1], ports[2], ports[3], ports[4]
	c.server = "https://127.0.0.1:" + strconv.Itoa(apiPort)
	c.client = &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			Proxy: nil, // loopback only, never through a proxy
			// The apiserver's serving certificate is self-signed (--cert-dir).
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		},
	}
	if err := c.writeCredentials(); err != nil {
		return err
	}
	step("credentials written")

	// etcd
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	if _, err := c.spawn("etcd", c.tools.Etcd, "etcd",
		"--name=e2e",
		"--data-dir="+filepath.Join(c.dir, "etcd", "data"),
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=e2e="+peerURL,
		"--initial-cluster-state=new",
		"--unsafe-no-fsync", // throw-away data: durability buys nothing
		"--log-level=warn",
	); err != nil {
		return err
	}

	// kube-apiserver, started while etcd boots: it retries the connection.
	api := filepath.Join(c.dir, "apiserver")
	if _, err := c.spawn("kube-apiserver", c.tools.KubeAPIServer, "apiserver",
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(apiPort),
		// The default reconciler refuses to advertise a loopback address.
		"--endpoint-reconciler-type=none",
		"--cert-dir="+filepath.Join(api, "certs"),
		"--token-auth-file="+filepath.Join(api, "tokens.csv"),
		"--authorization-mode=RBAC",
		// As kubeadm does: privileged pods are left to Pod Security admission.
		"--allow-privileged=true",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+filepath.Join(api, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(api, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		// Anything the apiserver might dial on a node (logs, exec) is
		// 127.0.0.1: kwok is told --node-ip=127.0.0.1.
		"--kubelet-preferred-address-types=InternalIP",
		"--profiling=false",
	); err != nil {
		return err
	}
	if err := c.waitFor(ctx, "etcd health", "etcd", 50*time.Millisecond, func(ctx context.Context) (bool, error) {
		var h struct {
			Health string `json:"health"`
		}
		code, err := c.getJSON(ctx, etcdURL+"/health", false, &h)
		return code == http.StatusOK && h.Health == "true", err
	}); err != nil {
		return err
	}
	step("etcd healthy (kube-apiserver starting meanwhile)")
	if err := c.waitFor(ctx, "kube-apiserver /readyz", "kube-apiserver", 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		code, err := c.getJSON(ctx, c.server+"/readyz", true, nil)
		return code == http.StatusOK, err
	}); err != nil {
		return err
	}
	step("kube-apiserver ready")

	// Controllers, scheduler and the fake kubelets.
	if _, err := c.spawn("kube-controller-manager", c.tools.KubeControllerManager, "controller-manager",
		"--kubeconfig="+c.kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(kcmPort),
		// Every on-by-default controller, which includes those
		// StatefulSets, DaemonSets and their storage need:
		// statefulset-controller, daemonset-controller and
		// persistentvolume-binder-controller (which binds claims to
		// PersistentVolumes created beforehand; there is no provisioner).
		"--controllers=*",
		"--use-service-account-credentials=false",
		"--service-account-private-key-file="+filepath.Join(api, "sa.key"),
		"--leader-elect=false",
		"--profiling=false",
	); err != nil {
		return err
	}
	if _, err := c.spawn("kube-scheduler", c.tools.KubeScheduler, "scheduler",
		"--kubeconfig="+c.kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(schedPort),
		"--leader-elect=false",
	); err != nil {
		return err
	}
	kwokArgs := []string{
		"--kubeconfig=" + c.kubeconfig,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + KwokNodeAnnotation,
		"--node-ip=127.0.0.1",
		// Pod IPs are never dialled; /16 leaves room for many pods.
		"--cidr=10.0.0.0/16",
		// Renew node Leases like a kubelet, so the nodelifecycle
		// controller keeps the nodes Ready between status heartbeats.
		"--node-lease-duration-seconds=40",
	}
	for _, s := range c.tools.KwokStages {
		kwokArgs = append(kwokArgs, "--config="+s)
	}
	if _, err := c.spawn("kwok", c.tools.Kwok, "kwok", kwokArgs...); err != nil {
		return err
	}

	if err := c.registerNodes(ctx, nodes); err != nil {
		return err
	}
	step("components started, nodes registered")

	if istio {
		if _, _, err := c.Kubectl(ctx, nil, "apply", "--server-side", "--force-conflicts", "-f", c.tools.IstioCRDs); err != nil {
			return c.withLog(fmt.Errorf("applying Istio CRDs: %w", err), "kube-apiserver")
		}
		if _, _, err := c.Kubectl(ctx, nil, "wait", "--for=condition=Established", "--timeout=60s", "-f", c.tools.IstioCRDs); err != nil {
			return c.withLog(fmt.Errorf("waiting for Istio CRDs: %w", err), "kube-apiserver")
		}
		step("Istio CRDs established")
	}

	if err := c.waitFor(ctx, "nodes Ready without the not-ready taint", "kwok", 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		return c.nodesReady(ctx, nodes)
	}); err != nil {
		return c.withLog(err, "kube-controller-manager")
	}
	step("nodes ready")

	if err := c.waitFor(ctx, "the default ServiceAccount", "kube-controller-manager", 100*time.Millisecond, func(ctx context.Context) (bool, error) {
		code, err := c.getJSON(ctx, c.server+"/api/v1/namespaces/default/serviceaccounts/default", true, nil)
		return code == http.StatusOK, err
	}); err != nil {
		return err
	}
	step("default ServiceAccount exists")
	return nil
}

// Kubectl runs kubectl against the cluster with stdin (when not nil) as its
// standard input and returns its standard output and error. A non-zero exit
// yields an error that includes the command line and stderr.
func (c *Cluster) Kubectl(ctx context.Context, stdin []byte, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, c.tools.Kubectl, args...)
	cmd.Env = append(os.Environ(), c.Env()...)
	setProcAttr(cmd)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.Bytes(), errb.Bytes(), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(errb.Bytes()))
	}
	return out.Bytes(), errb.Bytes(), nil
}

// Kubeconfig returns the path of the cluster's kubeconfig (token auth as a
// system:masters user; TLS verification is skipped, the server is loopback).
func (c *Cluster) Kubeconfig() string { return c.kubeconfig }

// Server returns the API server URL, https://127.0.0.1:<port>.
func (c *Cluster) Server() string { return c.server }

// Dir returns the cluster's temporary directory: kubeconfig, logs/ with one
// log per component, and each component's data directory. Stop removes it
// unless Options.KeepDir was set.
func (c *Cluster) Dir() string { return c.dir }

// Toolset returns the tools the cluster runs.
func (c *Cluster) Toolset() Toolset { return c.tools }

// Env returns the environment variables that point kubectl (and any client
// honouring KUBECONFIG) at the cluster: KUBECONFIG, KUBECACHEDIR (a discovery
// cache private to this cluster), PATH with the tool bin directory first, and
// NO_PROXY for loopback, so a proxy in the environment is never used.
// Append them to os.Environ() for a child process; later entries win.
func (c *Cluster) Env() []string {
	path := c.tools.BinDir
	if p := os.Getenv("PATH"); p != "" {
		path += string(os.PathListSeparator) + p
	}
	return []string{
		"KUBECONFIG=" + c.kubeconfig,
		"KUBECACHEDIR=" + c.cacheDir,
		"PATH=" + path,
		"NO_PROXY=127.0.0.1,localhost",
		"no_proxy=127.0.0.1,localhost",
	}
}

// Done returns a channel that is closed once the cluster has stopped.
func (c *Cluster) Done() <-chan struct{} { return c.done }

// Stop stops every process the cluster started (SIGTERM to each process
// group, SIGKILL to whatever is left after a grace period), waits for them,
// and removes the temporary directory unless Options.KeepDir was set. It is
// safe to call more than once and concurrently; every call returns the first
// call's result. The error reports components that had exited on their own.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		if c.unregister != nil {
			c.unregister()
		}
		c.stopErr = c.stop()
		close(c.done)
	})
	<-c.done
	return c.stopErr
}

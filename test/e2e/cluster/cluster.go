package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
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

// process is one component of the cluster.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once cmd.Wait returned
	waitErr error         // valid after exited is closed

	mu       sync.Mutex
	stopping bool
}

func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
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

// writeCredentials writes the service-account key pair, the token file and
// the kubeconfig.
func (c *Cluster) writeCredentials() error {
	api := filepath.Join(c.dir, "apiserver")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(api, "sa.key"), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)); err != nil {
		return err
	}
	if err := writePEM(filepath.Join(api, "sa.pub"), "PUBLIC KEY", pub); err != nil {
		return err
	}

	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	c.token = hex.EncodeToString(tok)
	// token,user,uid,"group,..."
	tokens := c.token + `,e2e-admin,e2e-admin,"system:masters"` + "\n"
	if err := os.WriteFile(filepath.Join(api, "tokens.csv"), []byte(tokens), 0o600); err != nil {
		return err
	}

	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: rollspec-e2e
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: e2e-admin
  user:
    token: %s
contexts:
- name: rollspec-e2e
  context:
    cluster: rollspec-e2e
    user: e2e-admin
    namespace: default
current-context: rollspec-e2e
`, c.server, c.token)
	return os.WriteFile(c.kubeconfig, []byte(kubeconfig), 0o600)
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// freePorts asks the kernel for n distinct free TCP ports on 127.0.0.1. All
// listeners are held open until every port is known, so the ports differ.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// spawn starts one component with its output in logs/<name>.log and its
// working directory (and HOME) in workDir under the cluster directory.
func (c *Cluster) spawn(name, bin, workDir string, args ...string) (*process, error) {
	logPath := filepath.Join(c.dir, "logs", name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the child has its own copy
	wd := filepath.Join(c.dir, workDir)
	cmd := exec.Command(bin, args...)
	cmd.Dir = wd
	cmd.Stdout = f
	cmd.Stderr = f
	// HOME keeps kwok away from ~/.kwok/kwok.yaml and kubectl away from the
	// user's caches.
	cmd.Env = append(os.Environ(), "HOME="+wd, "KUBECONFIG="+c.kubeconfig,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	setProcAttr(cmd)
	fmt.Fprintf(f, "# %s\n", strings.Join(cmd.Args, " "))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isDone() {
		return nil, errors.New("cluster stopped")
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	c.procs = append(c.procs, p)
	return p, nil
}

func (c *Cluster) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitFor polls cond until it holds. It fails early when a component exits,
// and on timeout; either error carries the end of the relevant log.
func (c *Cluster) waitFor(ctx context.Context, what, component string, every time.Duration, cond func(context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := cond(ctx)
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if p := c.exitedProcess(); p != nil {
			return c.withLog(fmt.Errorf("waiting for %s: %s exited: %v", what, p.name, p.waitErr), p.name)
		}
		select {
		case <-ctx.Done():
			err := fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
			if last != nil {
				err = fmt.Errorf("%w (last error: %v)", err, last)
			}
			return c.withLog(err, component)
		case <-time.After(every):
		}
	}
}

// exitedProcess returns a component that has exited although Stop was not
// called, if any.
func (c *Cluster) exitedProcess() *process {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		p.mu.Lock()
		stopping := p.stopping
		p.mu.Unlock()
		if !stopping && p.hasExited() {
			return p
		}
	}
	return nil
}

// withLog appends the last lines of component's log to err.
func (c *Cluster) withLog(err error, component string) error {
	path := filepath.Join(c.dir, "logs", component+".log")
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return err
	}
	return fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, path, tail(data, 30))
}

// tail returns the last n lines of data.
func tail(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// getJSON GETs url (with the admin token when auth is set) and decodes a
// 200 response into out, when out is not nil.
func (c *Cluster) getJSON(ctx context.Context, url string, auth bool, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(body, out)
	}
	return resp.StatusCode, nil
}

// registerNodes creates the fake nodes kwok will manage.
func (c *Cluster) registerNodes(ctx context.Context, n int) error {
	annKey, annVal, _ := strings.Cut(KwokNodeAnnotation, "=")
	labelKey, labelVal, _ := strings.Cut(NodeLabel, "=")
	resources := map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"}
	for i := range n {
		name := fmt.Sprintf("kwok-node-%d", i)
		node := map[string]any{
			"apiVersion": "v1",
			"kind":       "Node",
			"metadata": map[string]any{
				"name":        name,
				"annotations": map[string]string{annKey: annVal, "node.alpha.kubernetes.io/ttl": "0"},
				"labels": map[string]string{
					labelKey:                 labelVal,
					"kubernetes.io/hostname": name,
					"kubernetes.io/os":       "linux",
					"kubernetes.io/arch":     "amd64",
				},
			},
			// Status is kept on create; kwok's node-initialize stage
			// preserves allocatable and capacity.
			"status": map[string]any{"allocatable": resources, "capacity": resources},
		}
		if err := c.post(ctx, "/api/v1/nodes", node); err != nil {
			return c.withLog(fmt.Errorf("registering node %s: %w", name, err), "kube-apiserver")
		}
	}
	return nil
}

// post creates obj at the API path.
func (c *Cluster) post(ctx context.Context, path string, obj any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// nodesReady reports whether n nodes labelled NodeLabel are Ready and carry
// no not-ready/unreachable taint. A node registered before kwok marks it
// Ready gets node.kubernetes.io/not-ready:NoSchedule from admission; the
// nodelifecycle controller removes it once the node is Ready.
func (c *Cluster) nodesReady(ctx context.Context, n int) (bool, error) {
	var list struct {
		Items []struct {
			Spec struct {
				Taints []struct {
					Key string `json:"key"`
				} `json:"taints"`
			} `json:"spec"`
			Status struct {
				Conditions []struct {
					Type   string `json:"type"`
					Status string `json:"status"`
				} `json:"conditions"`
			} `json:"status"`
		} `json:"items"`
	}
	if _, err := c.getJSON(ctx, c.server+"/api/v1/nodes?labelSelector="+strings.ReplaceAll(NodeLabel, "=", "%3D"), true, &list); err != nil {
		return false, err
	}
	ready := 0
	for _, node := range list.Items {
		ok := false
		for _, cond := range node.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				ok = true
			}
		}
		for _, t := range node.Spec.Taints {
			if t.Key == "node.kubernetes.io/not-ready" || t.Key == "node.kubernetes.io/unreachable" {
				ok = false
			}
		}
		if ok {
			ready++
		}
	}
	return ready >= n, nil
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

func (c *Cluster) stop() error {
	c.mu.Lock()
	procs := append([]*process(nil), c.procs...)
	c.mu.Unlock()

	var errs []error
	for _, p := range procs {
		p.mu.Lock()
		if p.hasExited() && !p.stopping {
			errs = append(errs, fmt.Errorf("%s had exited: %v (log: %s)", p.name, p.waitErr, p.logPath))
		}
		p.stopping = true
		p.mu.Unlock()
	}
	// Clients first, then the apiserver, then etcd.
	byName := map[string]*process{}
	for _, p := range procs {
		byName[p.name] = p
	}
	var waves [][]*process
	var clients []*process
	for _, p := range procs {
		if p.name != "kube-apiserver" && p.name != "etcd" {
			clients = append(clients, p)
		}
	}
	waves = append(waves, clients)
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if p := byName[name]; p != nil {
			waves = append(waves, []*process{p})
		}
	}
	var emu sync.Mutex
	for _, wave := range waves {
		var wg sync.WaitGroup
		for _, p := range wave {
			wg.Go(func() {
				if err := stopProcess(p); err != nil {
					emu.Lock()
					errs = append(errs, err)
					emu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	if !c.keepDir {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stopProcess terminates p's process group and waits for p.
func stopProcess(p *process) error {
	if !p.hasExited() {
		_ = terminate(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
		}
	}
	// Whatever is left in the group (the leader, if it ignored SIGTERM, or
	// anything it spawned) gets SIGKILL.
	if err := kill(p.cmd); err != nil {
		return fmt.Errorf("killing %s: %w", p.name, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopGrace):
		return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, p.cmd.Process.Pid)
	}
}

package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const testManifest = `apiVersion: v1
kind: Namespace
metadata:
  name: e2e
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: e2e
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 65535
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: web
        image: registry.k8s.io/pause:3.10
        ports:
        - containerPort: 8080
        securityContext:
          allowPrivilegeEscalation: false
          capabilities: {drop: [ALL]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: e2e
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 8080
`

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real control plane")
	}
	// Ctrl-C cancels ctx, which stops the cluster.
	ctx, cancel := signal.NotifyContext(t.Context(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	t0 := time.Now()
	ts, err := Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Tools: %v", time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	c, err := Start(ctx, Options{Tools: ts, Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Start: %v", time.Since(t0).Round(time.Millisecond))
	t.Cleanup(func() { _ = c.Stop() })

	kubectl := func(stdin []byte, args ...string) []byte {
		t.Helper()
		out, _, err := c.Kubectl(ctx, stdin, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}

	t0 = time.Now()
	kubectl([]byte(testManifest), "apply", "-f", "-")
	kubectl(nil, "rollout", "status", "-n", "e2e", "deployment/web", "--timeout=60s")
	t.Logf("rollout: %v", time.Since(t0).Round(time.Millisecond))

	// Pod Security admission is live: a privileged pod is rejected.
	_, stderr, err := c.Kubectl(ctx, nil, "run", "bad", "-n", "e2e", "--image=registry.k8s.io/pause:3.10",
		"--dry-run=server", `--overrides={"spec":{"containers":[{"name":"bad","image":"registry.k8s.io/pause:3.10","securityContext":{"privileged":true}}]}}`)
	if err == nil || !bytes.Contains(stderr, []byte("PodSecurity")) {
		t.Errorf("privileged pod in a restricted namespace: err=%v, stderr=%s", err, stderr)
	}

	var pods struct {
		Items []struct {
			Metadata struct{ Name string }
			Spec     struct{ NodeName string }
			Status   struct {
				Phase      string
				PodIP      string
				Conditions []struct{ Type, Status string }
			}
		}
	}
	if err := json.Unmarshal(kubectl(nil, "get", "pods", "-n", "e2e", "-l", "app=web", "-o", "json"), &pods); err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 3 {
		t.Fatalf("got %d pods, want 3", len(pods.Items))
	}
	var podIPs []string
	for _, p := range pods.Items {
		ready := false
		for _, cond := range p.Status.Conditions {
			ready = ready || cond.Type == "Ready" && cond.Status == "True"
		}
		if p.Status.Phase != "Running" || !ready || p.Status.PodIP == "" || !strings.HasPrefix(p.Spec.NodeName, "kwok-node-") {
			t.Errorf("pod %s: phase %s, ready %v, IP %q, node %q", p.Metadata.Name, p.Status.Phase, ready, p.Status.PodIP, p.Spec.NodeName)
		}
		podIPs = append(podIPs, p.Status.PodIP)
	}
	slices.Sort(podIPs)

	// The EndpointSlice controller lists exactly the ready pod IPs.
	var got []string
	deadline := time.Now().Add(30 * time.Second)
	for {
		var eps struct {
			Items []struct {
				Endpoints []struct {
					Addresses  []string
					Conditions struct{ Ready *bool }
				}
			}
		}
		out := kubectl(nil, "get", "endpointslices", "-n", "e2e", "-l", "kubernetes.io/service-name=web", "-o", "json")
		if err := json.Unmarshal(out, &eps); err != nil {
			t.Fatal(err)
		}
		got = got[:0]
		for _, s := range eps.Items {
			for _, ep := range s.Endpoints {
				if ep.Conditions.Ready != nil && *ep.Conditions.Ready {
					got = append(got, ep.Addresses...)
				}
			}
		}
		slices.Sort(got)
		if slices.Equal(got, podIPs) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Equal(got, podIPs) {
		t.Errorf("EndpointSlice addresses %v, want pod IPs %v", got, podIPs)
	}

	// Stop leaves nothing behind, and is idempotent.
	c.mu.Lock()
	var pgids []int
	for _, p := range c.procs {
		pgids = append(pgids, p.cmd.Process.Pid)
	}
	c.mu.Unlock()
	if len(pgids) != 5 {
		t.Errorf("started %d processes, want 5", len(pgids))
	}
	t0 = time.Now()
	if err := c.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	t.Logf("Stop: %v", time.Since(t0).Round(time.Millisecond))
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	for _, pgid := range pgids {
		if groupAlive(pgid) {
			t.Errorf("process group %d still has processes after Stop", pgid)
		}
	}
	if kids := childProcesses(t); len(kids) > 0 {
		t.Errorf("child processes left after Stop: %v", kids)
	}
	if _, err := os.Stat(c.Dir()); !os.IsNotExist(err) {
		t.Errorf("cluster directory %s not removed: %v", c.Dir(), err)
	}
}

// TestStopOnCancel checks that cancelling Start's context stops the cluster.
func TestStopOnCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real control plane")
	}
	ts, err := Tools(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c, err := Start(ctx, Options{Tools: ts, Nodes: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	cancel()
	select {
	case <-c.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("cluster still running 30s after its context was cancelled")
	}
	if kids := childProcesses(t); len(kids) > 0 {
		t.Errorf("child processes left after cancel: %v", kids)
	}
}

// childProcesses lists the live children of this process (Linux only).
func childProcesses(t *testing.T) []string {
	if runtime.GOOS != "linux" {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	me := strconv.Itoa(os.Getpid())
	var kids []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) > 1 && fields[1] == me {
			kids = append(kids, e.Name()+" "+s[strings.IndexByte(s, '(')+1:i])
		}
	}
	return kids
}

// TestStartFailure checks that a component dying during boot fails Start
// quickly, with the end of its log in the error, and leaves nothing behind.
func TestStartFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	ts, err := Tools(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "kube-apiserver")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho boom-from-fake-apiserver >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ts.KubeAPIServer = fake
	t0 := time.Now()
	c, err := Start(t.Context(), Options{Tools: ts})
	if err == nil {
		c.Stop()
		t.Fatal("Start succeeded with a broken kube-apiserver")
	}
	t.Logf("Start failed after %v: %v", time.Since(t0).Round(time.Millisecond), err)
	for _, want := range []string{"kube-apiserver exited", "exit status 3", "boom-from-fake-apiserver"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q", want)
		}
	}
	if kids := childProcesses(t); len(kids) > 0 {
		t.Errorf("child processes left after a failed Start: %v", kids)
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/test/e2e/cluster"
)

// kube is the cluster every test of the package shares; nil with -short.
var kube *cluster.Cluster

// loader validates specs; one for the package, as the CLI has one.
var loader = &load.Loader{}

var keep = flag.Bool("keep", false, "keep the cluster's directory (logs, etcd data) after the tests")

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // every test skips itself
	}
	// Ctrl-C and SIGTERM cancel ctx, which stops the cluster; Pdeathsig
	// covers a test binary killed by -timeout.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	t0 := time.Now()
	c, err := cluster.Start(ctx, cluster.Options{IstioCRDs: true, KeepDir: *keep, Progress: os.Stderr})
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: starting the cluster: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: cluster up in %v\n", time.Since(t0).Round(time.Millisecond))
	kube = c

	// A rollspec binary on PATH, for kustomize's exec generator.
	bin, err := os.MkdirTemp("", "rollspec-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		c.Stop()
		return 1
	}
	defer os.RemoveAll(bin)
	if out, err := exec.Command("go", "build", "-o", filepath.Join(bin, "rollspec"), "../../cmd/rollspec").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building rollspec: %v\n%s", err, out)
		c.Stop()
		return 1
	}
	os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	code := m.Run()
	if err := c.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: stopping the cluster: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	if *keep {
		fmt.Fprintf(os.Stderr, "e2e: cluster files kept in %s\n", c.Dir())
	}
	return code
}

// needCluster skips t in -short mode.
func needCluster(t *testing.T) {
	t.Helper()
	if testing.Short() || kube == nil {
		t.Skip("needs the real control plane (not in -short mode)")
	}
}

// kubectl runs kubectl against the cluster and fails t on a non-zero exit.
// It returns stdout and stderr.
func kubectl(t *testing.T, stdin []byte, args ...string) (stdout, stderr []byte) {
	t.Helper()
	out, errb, err := kube.Kubectl(t.Context(), stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out, errb
}

// getJSON runs `kubectl get ARGS -o json` and decodes the result into out.
func getJSON(t *testing.T, out any, args ...string) {
	t.Helper()
	stdout, _ := kubectl(t, nil, append([]string{"get", "-o", "json"}, args...)...)
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("kubectl get %s: %v", strings.Join(args, " "), err)
	}
}

// namespace creates a namespace that enforces, warns about and audits the
// Pod Security Standard level, and deletes it when t ends.
func namespace(t *testing.T, name, level string) {
	t.Helper()
	ns := fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: %s
  labels:
    pod-security.kubernetes.io/enforce: %s
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: %[2]s
    pod-security.kubernetes.io/warn-version: latest
    pod-security.kubernetes.io/audit: %[2]s
    pod-security.kubernetes.io/audit-version: latest
`, name, level)
	kubectl(t, []byte(ns), "apply", "-f", "-")
	t.Cleanup(func() {
		if t.Failed() && *keep {
			return
		}
		// A fresh context: t.Context() is already cancelled in Cleanup.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _, _ = kube.Kubectl(ctx, nil, "delete", "namespace", name, "--wait=false")
	})
}

// apply applies a YAML stream with `kubectl apply` (client-side, as GitOps
// tools and users do) plus args, after a server-side dry-run of the same,
// and fails t on any error and on any warning: both runs must print
// nothing on stderr.
func apply(t *testing.T, stream []byte, args ...string) {
	t.Helper()
	for _, dry := range []bool{true, false} {
		a := []string{"apply", "-f", "-"}
		if dry {
			a = append(a, "--dry-run=server")
		}
		a = append(a, args...)
		_, stderr := kubectl(t, stream, a...)
		if s := strings.TrimSpace(string(stderr)); s != "" {
			t.Fatalf("kubectl %s printed warnings:\n%s", strings.Join(a, " "), s)
		}
	}
}

// compileSpec compiles one YAML spec, which must yield one release.
func compileSpec(t *testing.T, src string) *compile.Release {
	t.Helper()
	rs, err := compile.Bytes(loader, "spec.yaml", []byte(src))
	if err != nil {
		t.Fatalf("compiling spec: %v\n%s", err, src)
	}
	if len(rs) != 1 {
		t.Fatalf("got %d releases, want 1", len(rs))
	}
	return rs[0]
}

// objectsOf returns the objects of type T a release compiled to, in
// output order.
func objectsOf[T gen.Object](r *compile.Release) []T {
	var ts []T
	for _, o := range r.Result.Objects {
		if x, ok := o.(T); ok {
			ts = append(ts, x)
		}
	}
	return ts
}

// deploymentsOf returns the Deployments a release compiled to.
func deploymentsOf(r *compile.Release) []*appsv1.Deployment {
	return objectsOf[*appsv1.Deployment](r)
}

// workload is what the tests read of any compiled workload: a
// Deployment, a StatefulSet or a DaemonSet.
type workload struct {
	kind, namespace, name string
	selector              map[string]string
	template              *corev1.PodTemplateSpec
	// pods it settles at; for a DaemonSet, one on each node.
	pods int32
}

// workloadsOf returns r's workloads, of whatever kind.
func workloadsOf(t *testing.T, r *compile.Release) []workload {
	t.Helper()
	var ws []workload
	for _, o := range r.Result.Objects {
		w := workload{namespace: o.GetNamespace(), name: o.GetName(), template: gen.PodTemplate(o)}
		switch x := o.(type) {
		case *appsv1.Deployment:
			w.kind, w.selector, w.pods = "deployment", x.Spec.Selector.MatchLabels, wantPods(t, r, x)
		case *appsv1.StatefulSet:
			w.kind, w.selector, w.pods = "statefulset", x.Spec.Selector.MatchLabels, *x.Spec.Replicas
		case *appsv1.DaemonSet:
			w.kind, w.selector, w.pods = "daemonset", x.Spec.Selector.MatchLabels, int32(len(nodeNames(t)))
		default:
			continue
		}
		ws = append(ws, w)
	}
	return ws
}

// waitRollout waits until every workload of r has rolled out: all
// replicas updated, available and no old pods. An autoscaled Deployment
// (compiled without replicas, so the API server starts it at 1) must
// first be scaled by the HPA controller to the count it settles at.
func waitRollout(t *testing.T, r *compile.Release) {
	t.Helper()
	for _, d := range deploymentsOf(r) {
		if d.Spec.Replicas == nil {
			waitReplicas(t, d.Namespace, d.Name, wantPods(t, r, d))
		}
	}
	for _, w := range workloadsOf(t, r) {
		kubectl(t, nil, "rollout", "status", "-n", w.namespace, w.kind+"/"+w.name, "--timeout=120s")
	}
}

// autoscalerOf returns the HorizontalPodAutoscaler of r that targets
// Deployment d, or nil.
func autoscalerOf(r *compile.Release, d *appsv1.Deployment) *autoscalingv2.HorizontalPodAutoscaler {
	for _, h := range objectsOf[*autoscalingv2.HorizontalPodAutoscaler](r) {
		if ref := h.Spec.ScaleTargetRef; ref.APIVersion == "apps/v1" && ref.Kind == "Deployment" && ref.Name == d.Name {
			return h
		}
	}
	return nil
}

// wantPods is the number of pods Deployment d of r settles at: its
// replicas or, when an autoscaler owns the count (the compiled Deployment
// has none), the minReplicas of the HorizontalPodAutoscaler targeting it,
// to which the HPA controller scales a smaller Deployment up even without
// metrics. Either way it is the count the compiler's plan gives.
func wantPods(t *testing.T, r *compile.Release, d *appsv1.Deployment) int32 {
	t.Helper()
	var n int32
	switch h := autoscalerOf(r, d); {
	case d.Spec.Replicas != nil:
		n = *d.Spec.Replicas
	case h != nil && h.Spec.MinReplicas != nil:
		n = *h.Spec.MinReplicas
	default:
		t.Fatalf("deployment %s/%s: compiled without replicas and without an autoscaler with minReplicas", d.Namespace, d.Name)
	}
	for _, w := range r.Result.Plan.Workloads {
		if w.Name == d.Name && w.Replicas != n {
			t.Errorf("deployment %s/%s: settles at %d pods, the plan says %d", d.Namespace, d.Name, n, w.Replicas)
		}
	}
	return n
}

// waitReplicas waits until the live Deployment ns/name asks for n
// replicas.
func waitReplicas(t *testing.T, ns, name string, n int32) {
	t.Helper()
	eventually(t, timeoutRollout, func() string {
		var d appsv1.Deployment
		getJSON(t, &d, "deployment", "-n", ns, name)
		if d.Spec.Replicas != nil && *d.Spec.Replicas == n {
			return ""
		}
		return fmt.Sprintf("deployment %s/%s: spec.replicas %v, want %d", ns, name, ptrString(d.Spec.Replicas), n)
	})
}

// ptrString formats *p, or "unset".
func ptrString[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

// provide creates what the compiled pods of rs reference but rollspec by
// design does not write, as the platform team would: every ServiceAccount
// a pod runs as (the ServiceAccount admission plugin refuses pods naming
// a missing one) and every Secret a container reads, with the keys it
// reads (a kubelet would not start the container without them; kwok does
// not look).
func provide(t *testing.T, rs []*compile.Release) {
	t.Helper()
	accounts := map[string]bool{}             // by namespace/name
	secrets := map[string]map[string]string{} // keys by namespace/name
	for _, r := range rs {
		for _, d := range workloadsOf(t, r) {
			ns, spec := d.namespace, &d.template.Spec
			if sa := spec.ServiceAccountName; sa != "" && sa != "default" {
				accounts[ns+"/"+sa] = true
			}
			secret := func(name, key string) {
				id := ns + "/" + name
				if secrets[id] == nil {
					secrets[id] = map[string]string{}
				}
				if key != "" {
					secrets[id][key] = "e2e"
				}
			}
			for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
				for _, e := range c.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						secret(e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
					}
				}
				for _, e := range c.EnvFrom {
					if e.SecretRef != nil {
						secret(e.SecretRef.Name, "")
					}
				}
			}
			for _, v := range spec.Volumes {
				if v.Secret != nil {
					secret(v.Secret.SecretName, "")
					for _, it := range v.Secret.Items {
						secret(v.Secret.SecretName, it.Key)
					}
				}
			}
		}
	}
	var items []any
	for _, id := range sortedKeys(accounts) {
		ns, name, _ := strings.Cut(id, "/")
		items = append(items, corev1.ServiceAccount{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		})
	}
	for _, id := range sortedKeys(secrets) {
		ns, name, _ := strings.Cut(id, "/")
		items = append(items, corev1.Secret{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			StringData: secrets[id],
		})
	}
	if len(items) == 0 {
		return
	}
	list, err := json.Marshal(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, list)
}

// pod is the part of a Pod the tests read.
type pod struct {
	Metadata struct {
		Name              string            `json:"name"`
		UID               string            `json:"uid"`
		ResourceVersion   string            `json:"resourceVersion"`
		Labels            map[string]string `json:"labels"`
		DeletionTimestamp *string           `json:"deletionTimestamp"`
		OwnerReferences   []struct {
			Kind       string `json:"kind"`
			Name       string `json:"name"`
			Controller *bool  `json:"controller"`
		} `json:"ownerReferences"`
	} `json:"metadata"`
	Spec struct {
		NodeName string `json:"nodeName"`
		// Affinity pins a DaemonSet's pod to its node before the
		// scheduler binds it (see node).
		Affinity   *corev1.Affinity `json:"affinity"`
		Containers []struct {
			Image   string `json:"image"`
			EnvFrom []struct {
				ConfigMapRef *struct {
					Name string `json:"name"`
				} `json:"configMapRef"`
			} `json:"envFrom"`
		} `json:"containers"`
		Volumes []struct {
			ConfigMap *struct {
				Name string `json:"name"`
			} `json:"configMap"`
		} `json:"volumes"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		PodIP      string `json:"podIP"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
	} `json:"status"`
}

// ready reports whether the pod's Ready condition is True.
func (p *pod) ready() bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// terminating reports whether the pod is being deleted.
func (p *pod) terminating() bool { return p.Metadata.DeletionTimestamp != nil }

// version is the pod's Istio version label, which rollspec sets.
func (p *pod) version() string { return p.Metadata.Labels[release.LabelVersion] }

// configMaps lists the ConfigMaps the pod references, sorted.
func (p *pod) configMaps() []string {
	var names []string
	for _, v := range p.Spec.Volumes {
		if v.ConfigMap != nil {
			names = append(names, v.ConfigMap.Name)
		}
	}
	for _, c := range p.Spec.Containers {
		for _, e := range c.EnvFrom {
			if e.ConfigMapRef != nil {
				names = append(names, e.ConfigMapRef.Name)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// pods lists the pods in ns matching the label selector.
func pods(t *testing.T, ns, selector string) []pod {
	t.Helper()
	var list struct {
		Items []pod `json:"items"`
	}
	getJSON(t, &list, "pods", "-n", ns, "-l", selector)
	return list.Items
}

// endpoints returns the ready addresses of the Service's EndpointSlices,
// sorted.
func endpoints(t *testing.T, ns, svc string) []string {
	t.Helper()
	var list struct {
		Items []struct {
			Endpoints []struct {
				Addresses  []string `json:"addresses"`
				Conditions struct {
					Ready *bool `json:"ready"`
				} `json:"conditions"`
			} `json:"endpoints"`
		} `json:"items"`
	}
	getJSON(t, &list, "endpointslices", "-n", ns, "-l", "kubernetes.io/service-name="+svc)
	var addrs []string
	for _, s := range list.Items {
		for _, ep := range s.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				addrs = append(addrs, ep.Addresses...)
			}
		}
	}
	slices.Sort(addrs)
	return addrs
}

// eventually polls cond every 200ms until it returns "" or timeout passes,
// then fails t with cond's last complaint.
func eventually(t *testing.T, timeout time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, msg)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("cancelled: %s", msg)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

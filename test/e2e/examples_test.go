package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/istio"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/release"
)

// examplesDir is the repository's examples directory.
const examplesDir = "../../examples"

// exampleDirs lists the spec examples: those with a golden file, so the
// golden test (compile/golden_test.go) decides once which example
// directories are specs and which show integrations.
func exampleDirs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../golden/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, f := range files {
		dir := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if _, err := os.Stat(filepath.Join(examplesDir, dir)); err != nil {
			t.Fatalf("golden file %s has no example: %v", f, err)
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) == 0 {
		t.Fatal("no examples")
	}
	return dirs
}

// compileExample compiles an example directory. With nsPrefix set, every
// release's namespace is prefixed by it, so examples sharing object names
// cannot collide in one cluster.
func compileExample(t *testing.T, dir, nsPrefix string) []*compile.Release {
	t.Helper()
	specs, err := loader.Load(specpath.Collect([]string{filepath.Join(examplesDir, dir)}, specpath.Listed, specpath.Contained)).Releases(nil)
	if err != nil {
		t.Fatalf("loading example %s: %v", dir, err)
	}
	if nsPrefix != "" {
		for _, s := range specs {
			s.Release.Namespace = nsPrefix + s.Release.Namespace
		}
	}
	rs, err := compile.Specs(specs)
	if err != nil {
		t.Fatalf("compiling example %s: %v", dir, err)
	}
	return rs
}

// TestExamples applies every example's compiled output to the cluster: a
// server-side dry-run, then a real apply, both without errors or warnings,
// into namespaces that enforce (and warn about) the Pod Security level the
// spec asks for. Then every Deployment must roll out with all its pods
// Running and Ready on the fake nodes, and every Service's ready endpoints
// must be exactly the pods of the versions the compiler meant it to select.
func TestExamples(t *testing.T) {
	needCluster(t)
	for _, dir := range exampleDirs(t) {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			rs := compileExample(t, dir, "ex-"+dir+"-")

			// One namespace per release namespace, at the lowest level
			// any release in it asked for.
			levels := map[string]string{}
			for _, r := range rs {
				ns, level := r.Spec.Release.Namespace, r.Spec.Release.PodSecurity
				if levels[ns] != release.PodSecurityBaseline {
					levels[ns] = level
				}
			}
			for _, ns := range sortedKeys(levels) {
				namespace(t, ns, levels[ns])
			}

			provide(t, rs)
			for _, r := range rs {
				exampleStorage(t, r)
			}
			apply(t, compile.Stream(rs))
			for _, r := range rs {
				waitRollout(t, r)
				checkPods(t, r)
				checkServices(t, r)
			}
		})
	}
}

// checkPods checks that each Deployment of r runs exactly the pods it
// settles at (wantPods), Running and Ready on kwok nodes, with the version
// rollspec compiled.
func checkPods(t *testing.T, r *compile.Release) {
	t.Helper()
	for _, d := range workloadsOf(t, r) {
		sel := labels.SelectorFromSet(d.selector).String()
		ps := pods(t, d.namespace, sel)
		if got, want := len(ps), int(d.pods); got != want {
			t.Errorf("%s %s/%s: %d pods, want %d", d.kind, d.namespace, d.name, got, want)
		}
		want := d.template.Labels[release.LabelVersion]
		for _, p := range ps {
			if p.Status.Phase != "Running" || !p.ready() || !strings.HasPrefix(p.Spec.NodeName, "kwok-node-") {
				t.Errorf("pod %s: phase %s, ready %v, node %q; want Running and Ready on a kwok node",
					p.Metadata.Name, p.Status.Phase, p.ready(), p.Spec.NodeName)
			}
			if p.version() != want {
				t.Errorf("pod %s: version %q, want %q", p.Metadata.Name, p.version(), want)
			}
		}
	}
}

// checkServices checks that every Service's ready endpoints are exactly the
// pod IPs of the Deployments the compiler's plan says it selects.
func checkServices(t *testing.T, r *compile.Release) {
	t.Helper()
	ns := r.Spec.Release.Namespace
	podIPs := map[string][]string{} // by Deployment name
	for _, d := range workloadsOf(t, r) {
		for _, p := range pods(t, ns, labels.SelectorFromSet(d.selector).String()) {
			podIPs[d.name] = append(podIPs[d.name], p.Status.PodIP)
		}
	}
	plan := r.Result.Plan
	for _, sp := range plan.Services {
		var want, names []string
		for _, w := range plan.Workloads {
			if sp.Role == "" || w.Role == sp.Role {
				names = append(names, w.Name)
				want = append(want, podIPs[w.Name]...)
			}
		}
		slices.Sort(want)
		if len(want) == 0 {
			t.Errorf("service %s/%s: the plan gives it no pods", ns, sp.Name)
			continue
		}
		eventually(t, timeoutEndpoints, func() string {
			got := endpoints(t, ns, sp.Name)
			if slices.Equal(got, want) {
				return ""
			}
			return "service " + ns + "/" + sp.Name + ": ready endpoints " + strings.Join(got, ",") +
				", want the pods of " + strings.Join(names, ", ") + ": " + strings.Join(want, ",")
		})
	}
}

// isIstio reports whether a release compiled to any Istio object.
func isIstio(r *compile.Release) bool {
	for _, o := range r.Result.Objects {
		switch o.(type) {
		case *istio.DestinationRule, *istio.VirtualService, *istio.Gateway:
			return true
		}
	}
	return false
}

// TestIstioAnalyze runs Istio's own analyzers offline over every example
// that compiles to Istio objects — the whole output, so Deployments and
// Services are in view — and requires that they report nothing at all.
// A control run over an output with a broken subset reference proves the
// analyzers are awake.
func TestIstioAnalyze(t *testing.T) {
	needCluster(t)
	var analyzed int
	for _, dir := range exampleDirs(t) {
		rs := compileExample(t, dir, "")
		if !slices.ContainsFunc(rs, isIstio) {
			continue
		}
		analyzed++
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			out, err := istioAnalyze(t, append(compile.Stream(rs), sharedGateways(rs)...))
			if err != nil || !strings.Contains(out, "No validation issues found") {
				t.Errorf("istioctl analyze %s: %v\n%s", dir, err, out)
			}
		})
	}
	if analyzed == 0 {
		t.Fatal("no example compiles to Istio objects")
	}

	t.Run("control-shared-gateway", func(t *testing.T) {
		t.Parallel()
		out, err := istioAnalyze(t, compile.Stream(compileExample(t, "catalog-shared-gateway", "")))
		if err == nil || !strings.Contains(out, "IST0101") {
			t.Errorf("istioctl analyze missed a VirtualService bound to a Gateway not in view: %v\n%s", err, out)
		}
	})

	t.Run("control", func(t *testing.T) {
		t.Parallel()
		stream := compile.Stream(compileExample(t, "canary-gateway", ""))
		broken := bytes.ReplaceAll(stream, []byte("subset: candidate\n"), []byte("subset: canary\n"))
		if bytes.Equal(broken, stream) {
			t.Fatal("canary-gateway routes to no candidate subset")
		}
		out, err := istioAnalyze(t, broken)
		if err == nil || !strings.Contains(out, "IST0101") {
			t.Errorf("istioctl analyze missed a route to an undefined subset: %v\n%s", err, out)
		}
	})
}

// sharedGateways returns, as a YAML stream, the Gateways that releases
// bind with `gateway:` rather than compile — objects a platform team runs,
// which must be in view for the analyzers to resolve the binding. Each
// accepts the hosts of the releases that bind it.
func sharedGateways(rs []*compile.Release) []byte {
	hosts := map[string][]string{}
	for _, r := range rs {
		if g := r.Spec.Release.Gateway; g != "" {
			if !strings.Contains(g, "/") {
				g = r.Spec.Release.Namespace + "/" + g
			}
			hosts[g] = append(hosts[g], r.Spec.Release.Host)
		}
	}
	var b bytes.Buffer
	for _, g := range sortedKeys(hosts) {
		ns, name, _ := strings.Cut(g, "/")
		fmt.Fprintf(&b, "---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: %s, namespace: %s}\n"+
			"spec:\n  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [%s]\n",
			name, ns, strings.Join(hosts[g], ", "))
	}
	return b.Bytes()
}

// istioAnalyze runs `istioctl analyze --use-kube=false` over a YAML
// stream and returns its output; err is non-nil when it found errors.
func istioAnalyze(t *testing.T, stream []byte) (string, error) {
	t.Helper()
	tmp := t.TempDir()
	file := filepath.Join(tmp, "output.yaml")
	if err := os.WriteFile(file, stream, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), kube.Toolset().Istioctl, "analyze", "--use-kube=false", "--all-namespaces", file)
	cmd.Env = append(os.Environ(), "HOME="+tmp)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestKustomizeOverlays builds each overlay of examples/kustomize with the
// kustomize CLI — rollspec running as its exec generator — and applies the
// result, which Istio's analyzers must find clean and the cluster must
// accept without warnings into a restricted namespace and roll out with the
// overlay's replicas and labels (the production overlay patches replicas
// to 6 and prefixes names).
func TestKustomizeOverlays(t *testing.T) {
	needCluster(t)
	overlays := filepath.Join(examplesDir, "kustomize", "overlays")
	entries, err := os.ReadDir(overlays)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), kube.Toolset().Kustomize, "build",
				"--enable-alpha-plugins", "--enable-exec", filepath.Join(overlays, e.Name()))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stream, err := cmd.Output()
			if err != nil {
				t.Fatalf("kustomize build %s: %v\n%s", e.Name(), err, stderr.Bytes())
			}
			if out, err := istioAnalyze(t, stream); err != nil || !strings.Contains(out, "No validation issues found") {
				t.Errorf("istioctl analyze of overlay %s: %v\n%s", e.Name(), err, out)
			}
			// Every overlay sets its namespace to its own name.
			ns := e.Name()
			namespace(t, ns, release.PodSecurityRestricted)
			apply(t, stream)
			kubectl(t, nil, "wait", "--for=condition=Available", "deployment", "--all", "-n", ns, "--timeout=120s")
			var ds struct {
				Items []appsv1.Deployment `json:"items"`
			}
			getJSON(t, &ds, "deployments", "-n", ns)
			if len(ds.Items) == 0 {
				t.Fatalf("overlay %s: no Deployment in namespace %s", e.Name(), ns)
			}
			for _, d := range ds.Items {
				sel := labels.SelectorFromSet(d.Spec.Selector.MatchLabels).String()
				ps := pods(t, ns, sel)
				ready := 0
				for _, p := range ps {
					if p.ready() {
						ready++
					}
				}
				if want := int(*d.Spec.Replicas); ready != want || len(ps) != want {
					t.Errorf("deployment %s/%s: %d pods, %d ready; want %d", ns, d.Name, len(ps), ready, want)
				}
				if got := d.Labels["env"]; got != e.Name() {
					t.Errorf("deployment %s/%s: label env=%q, want the overlay's %q", ns, d.Name, got, e.Name())
				}
			}
		})
	}
}

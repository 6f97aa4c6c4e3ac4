package fn_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/yaml"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/test/e2e/cluster"
)

// binDir holds a rollspec binary built for these tests; it is on PATH so
// the examples' `exec: {path: rollspec}` finds it, as it would for a user.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rollspec-fn-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "rollspec"), "../../cmd/rollspec").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build rollspec: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// objects parses a YAML stream into objects keyed by kind/namespace/name.
func objects(t *testing.T, stream []byte) map[string]map[string]any {
	t.Helper()
	nodes, err := kio.FromBytes(stream)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, stream)
	}
	m := map[string]map[string]any{}
	for _, n := range nodes {
		var o map[string]any
		if err := yaml.Unmarshal([]byte(n.MustString()), &o); err != nil {
			t.Fatal(err)
		}
		m[n.GetKind()+"/"+n.GetNamespace()+"/"+n.GetName()] = o
	}
	return m
}

// want is what `rollspec build` compiles for the base's specs.
func want(t *testing.T) map[string]map[string]any {
	t.Helper()
	rs, err := compile.Paths(&load.Loader{}, specpath.Contained, []string{"../../examples/kustomize/base/release.yaml", "../../examples/kustomize/base/checkout.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return objects(t, compile.Stream(rs))
}

// krustyBuild runs kustomize in-process with exec functions enabled.
func krustyBuild(t *testing.T, dir string) ([]byte, error) {
	t.Helper()
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	k := krusty.MakeKustomizer(opts)
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := k.Run(filesys.MakeFsOnDisk(), abs)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// TestKrustyBase: the base kustomization yields exactly rollspec build's
// objects.
func TestKrustyBase(t *testing.T) {
	got, err := krustyBuild(t, "../../examples/kustomize/base")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := objects(t, got), want(t); !reflect.DeepEqual(g, w) {
		t.Errorf("kustomize build differs from rollspec build:\n%s", got)
	}
	checkReferences(t, objects(t, got))
}

// TestKrustyOverlays: each overlay builds, and its own labels, namespace,
// name prefix and patches apply on top of the compiled objects, with every
// Istio reference still naming an object of the build.
func TestKrustyOverlays(t *testing.T) {
	for _, tc := range []struct {
		overlay      string
		prefix       string
		wantReplicas float64
	}{
		{overlay: "staging", wantReplicas: 2},
		{overlay: "production", prefix: "prod-", wantReplicas: 6},
	} {
		t.Run(tc.overlay, func(t *testing.T) {
			got, err := krustyBuild(t, "../../examples/kustomize/overlays/"+tc.overlay)
			if err != nil {
				t.Fatal(err)
			}
			objs := objects(t, got)
			if len(objs) != len(want(t)) {
				t.Errorf("got %d objects, want %d", len(objs), len(want(t)))
			}
			checkReferences(t, objs)
			d, ok := objs["Deployment/"+tc.overlay+"/"+tc.prefix+"storefront"]
			if !ok {
				t.Fatalf("no Deployment storefront in namespace %s: %v", tc.overlay, keys(objs))
			}
			labels := d["metadata"].(map[string]any)["labels"].(map[string]any)
			if labels["env"] != tc.overlay || labels[release.LabelManagedBy] != release.ManagedBy {
				t.Errorf("labels = %v, want env=%s and rollspec's own", labels, tc.overlay)
			}
			if r := d["spec"].(map[string]any)["replicas"]; r != tc.wantReplicas {
				t.Errorf("replicas = %v, want %v", r, tc.wantReplicas)
			}
		})
	}
}

// TestKrustyInvalidSpec: an invalid spec fails the build with rollspec's
// positioned message.
func TestKrustyInvalidSpec(t *testing.T) {
	dir := invalidBase(t)
	if _, err := krustyBuild(t, dir); err == nil {
		t.Fatal("in-process kustomize build of an invalid spec succeeded")
	}
	if testing.Short() {
		return
	}
	// The real CLI shows the function's stderr: rollspec's message.
	cmd := exec.Command(installKustomize(t), "build", "--enable-alpha-plugins", "--enable-exec", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err == nil {
		t.Fatal("kustomize build of an invalid spec succeeded")
	}
	if stdout.Len() != 0 {
		t.Errorf("kustomize printed objects for an invalid spec:\n%s", stdout.String())
	}
	if want := `[error] release.yaml:20:5: strategy.ramped.maxSurg: unknown field (did you mean "maxSurge"?)`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not carry rollspec's message %q:\n%s", want, stderr.String())
	}
}

// TestKustomizeBinary runs the real kustomize v5.8.1 CLI on every
// kustomization and compares with the in-process build.
func TestKustomizeBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("installs kustomize")
	}
	kustomize := installKustomize(t)
	for _, dir := range []string{"base", "overlays/staging", "overlays/production"} {
		t.Run(dir, func(t *testing.T) {
			path := "../../examples/kustomize/" + dir
			cmd := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", path)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("kustomize build: %v\n%s", err, stderr.String())
			}
			in, err := krustyBuild(t, path)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := objects(t, got), objects(t, in); !reflect.DeepEqual(g, w) {
				t.Errorf("kustomize CLI and krusty differ:\n%s\n---\n%s", got, in)
			}
		})
	}
}

// installKustomize builds the kustomize CLI from the Go module proxy into
// the tool cache outside the repository (hack/tools/install.sh, which
// pins its version), once, and returns its path.
func installKustomize(t *testing.T) string {
	t.Helper()
	bin, err := cluster.Install(t.Context(), os.Stderr, "kustomize")
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(bin, "kustomize")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keys(m map[string]map[string]any) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// checkReferences checks that every object the Istio objects name is in
// objs, in their namespace: DestinationRule and route hosts name Services
// (a VirtualService's other hosts are external DNS names), and gateways
// name Gateways or the mesh.
func checkReferences(t *testing.T, objs map[string]map[string]any) {
	t.Helper()
	at := func(o any, path ...string) any {
		for _, p := range path {
			m, _ := o.(map[string]any)
			o = m[p]
		}
		return o
	}
	n := 0
	for key, o := range objs {
		ns, _ := at(o, "metadata", "namespace").(string)
		refer := func(kind string, name any) {
			n++
			if _, ok := objs[kind+"/"+ns+"/"+fmt.Sprint(name)]; !ok {
				t.Errorf("%s names %s %q, which is not in namespace %s of the build: %v", key, kind, name, ns, keys(objs))
			}
		}
		switch at(o, "kind") {
		case "DestinationRule":
			refer("Service", at(o, "spec", "host"))
		case "VirtualService":
			for _, h := range at(o, "spec", "hosts").([]any) {
				if !strings.Contains(h.(string), ".") {
					refer("Service", h)
				}
			}
			gateways, _ := at(o, "spec", "gateways").([]any)
			for _, g := range gateways {
				if g != "mesh" {
					refer("Gateway", g)
				}
			}
			http, _ := at(o, "spec", "http").([]any)
			for _, h := range http {
				for _, r := range at(h, "route").([]any) {
					refer("Service", at(r, "destination", "host"))
				}
				if m := at(h, "mirror"); m != nil {
					refer("Service", at(m, "host"))
				}
			}
			tcp, _ := at(o, "spec", "tcp").([]any)
			for _, h := range tcp {
				for _, r := range at(h, "route").([]any) {
					refer("Service", at(r, "destination", "host"))
				}
			}
		}
	}
	if n == 0 {
		t.Error("the build has no Istio references to check")
	}
}

// invalidBase copies examples/kustomize/base into a temporary directory
// with a misspelt field (maxSurg, line 20 of release.yaml) and returns it.
func invalidBase(t *testing.T) string {
	t.Helper()
	base := "../../examples/kustomize/base"
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, e := range entries {
		content := mustRead(t, filepath.Join(base, e.Name()))
		if e.Name() == "release.yaml" {
			content = strings.Replace(content, "maxUnavailable: 0", "maxUnavailable: 0\n    maxSurg: 1", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

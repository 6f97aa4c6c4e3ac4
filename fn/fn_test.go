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

	"github.com/rollspec/rollspec/compile"
	"github.com/rollspec/rollspec/load"
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
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "rollspec"), "../cmd/rollspec").CombinedOutput()
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

// want is what `rollspec build` compiles for the base's spec.
func want(t *testing.T) map[string]map[string]any {
	t.Helper()
	rs, err := compile.Paths(&load.Loader{}, []string{"../examples/kustomize/base/release.yaml"})
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
	got, err := krustyBuild(t, "../examples/kustomize/base")
	if err != nil {
		t.Fatal(err)
	}
	if g, w := objects(t, got), want(t); !reflect.DeepEqual(g, w) {
		t.Errorf("kustomize build differs from rollspec build:\n%s", got)
	}
}

// TestKrustyOverlays: each overlay builds, and its own labels, namespace
// and patches apply on top of the compiled objects.
func TestKrustyOverlays(t *testing.T) {
	for _, tc := range []struct {
		overlay      string
		wantReplicas float64
	}{
		{overlay: "staging", wantReplicas: 2},
		{overlay: "production", wantReplicas: 6},
	} {
		t.Run(tc.overlay, func(t *testing.T) {
			got, err := krustyBuild(t, "../examples/kustomize/overlays/"+tc.overlay)
			if err != nil {
				t.Fatal(err)
			}
			objs := objects(t, got)
			if len(objs) != len(want(t)) {
				t.Errorf("got %d objects, want %d", len(objs), len(want(t)))
			}
			d, ok := objs["Deployment/"+tc.overlay+"/storefront"]
			if !ok {
				t.Fatalf("no Deployment storefront in namespace %s: %v", tc.overlay, keys(objs))
			}
			labels := d["metadata"].(map[string]any)["labels"].(map[string]any)
			if labels["env"] != tc.overlay || labels["app.kubernetes.io/managed-by"] != "rollspec" {
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
	dir := t.TempDir()
	for name, content := range map[string]string{
		"kustomization.yaml": "generators:\n  - rollspec.yaml\n",
		"rollspec.yaml":      mustRead(t, "../examples/kustomize/base/rollspec.yaml"),
		"release.yaml":       strings.Replace(mustRead(t, "../examples/kustomize/base/release.yaml"), "maxUnavailable: 0", "maxUnavailable: 0\n    maxSurg: 1", 1),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
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
	if want := `[error] strategy.ramped.maxSurg: release.yaml:20:5: unknown field (did you mean "maxSurge"?)`; !strings.Contains(stderr.String(), want) {
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
			path := "../examples/kustomize/" + dir
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

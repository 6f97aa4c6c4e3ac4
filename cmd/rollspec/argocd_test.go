package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/yaml"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specpath"
)

// TestArgoCDPlugin runs examples/argocd/plugin.yaml's generate command the
// way Argo CD's cmp-server does: in the application's directory, with the
// ARGOCD_APP_* variables set; stdout must be only a YAML stream of the
// compiled objects, and errors go to stderr.
func TestArgoCDPlugin(t *testing.T) {
	var plugin struct {
		Spec struct {
			Generate struct {
				Command []string `json:"command"`
				Args    []string `json:"args"`
			} `json:"generate"`
		} `json:"spec"`
	}
	b, err := os.ReadFile("../../examples/argocd/plugin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &plugin); err != nil {
		t.Fatal(err)
	}
	// cmp-server runs command[0] with command[1:] and then args.
	argv := append(plugin.Spec.Generate.Command, plugin.Spec.Generate.Args...)
	if len(argv) == 0 || argv[0] != "rollspec" {
		t.Fatalf("generate command %v does not run rollspec", argv)
	}
	bin := filepath.Join(t.TempDir(), "rollspec")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	appDir, err := filepath.Abs("../../examples/argocd/app")
	if err != nil {
		t.Fatal(err)
	}
	generate := func(dir string) (stdout, stderr string, err error) {
		cmd := exec.Command(bin, argv[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ARGOCD_APP_NAME=act", "ARGOCD_APP_NAMESPACE=default", "ARGOCD_ENV_TEAM=web")
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err = cmd.Run()
		return o.String(), e.String(), err
	}

	t.Run("good", func(t *testing.T) {
		stdout, stderr, err := generate(appDir)
		if err != nil {
			t.Fatalf("generate: %v\n%s", err, stderr)
		}
		nodes, err := kio.FromBytes([]byte(stdout))
		if err != nil {
			t.Fatalf("stdout is not a YAML stream: %v", err)
		}
		var got []string
		for _, n := range nodes {
			got = append(got, n.GetKind()+"/"+n.GetName())
		}
		want := []string{"Deployment/act-1-0", "Deployment/act-2-0", "Service/act", "Service/act-preview"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("objects = %v, want %v", got, want)
		}
		// Object for object what the library compiles from the app's specs.
		rs, err := compile.Paths(&load.Loader{}, specpath.Contained, []string{appDir})
		if err != nil {
			t.Fatal(err)
		}
		if g, w := parseStream(t, []byte(stdout)), parseStream(t, compile.Stream(rs)); !reflect.DeepEqual(g, w) {
			t.Errorf("plugin output differs from the compiled objects:\n%s", stdout)
		}
	})

	t.Run("bad", func(t *testing.T) {
		dir := t.TempDir()
		spec, _ := os.ReadFile(filepath.Join(appDir, "release.yaml"))
		bad := strings.Replace(string(spec), "active: stable", "active: green", 1)
		if err := os.WriteFile(filepath.Join(dir, "release.yaml"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, err := generate(dir)
		if err == nil {
			t.Fatal("generate succeeded on an invalid spec")
		}
		if stdout != "" {
			t.Errorf("stdout must stay empty on error, got:\n%s", stdout)
		}
		if want := `release.yaml:23:5: strategy.blueGreen.active: invalid value "green" (allowed: "stable" or "candidate")`; !strings.Contains(stderr, want) {
			t.Errorf("stderr = %q, want it to contain %q", stderr, want)
		}
	})
}

// parseStream decodes every document of a YAML stream.
func parseStream(t *testing.T, stream []byte) []map[string]any {
	t.Helper()
	nodes, err := kio.FromBytes(stream)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, n := range nodes {
		var o map[string]any
		if err := yaml.Unmarshal([]byte(n.MustString()), &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// TestReadmeSnippets: the snippets the README tells users to copy are the
// files the integration tests run.
func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{
		"examples/pre-commit/.pre-commit-config.yaml",
		"examples/kustomize/base/kustomization.yaml",
		"examples/kustomize/base/rollspec.yaml",
		"examples/argocd/plugin.yaml",
	} {
		b, err := os.ReadFile("../../" + f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(readme, b) {
			t.Errorf("README does not show %s as it is", f)
		}
	}
}

package fn_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/fn"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/schema"
)

// spec is a valid ramped release.
const spec = `name: web
namespace: shop
image: example/web
ports: [{name: http, containerPort: 8080}]
stable: {version: "v1", tag: "1"}
readinessProbe: {http: {path: /}}
strategy: {ramped: {maxSurge: 1, maxUnavailable: 0}}
`

// indent puts s under `spec:` of a config.
func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ") + "\n"
}

// resourceList is the part of a ResourceList the tests read back.
type resourceList struct {
	Items   []map[string]any `json:"items"`
	Results []struct {
		Message  string `json:"message"`
		Severity string `json:"severity"`
		Field    *struct {
			Path string `json:"path"`
		} `json:"field"`
		File *struct {
			Path string `json:"path"`
		} `json:"file"`
		ResourceRef *struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Namespace  string `json:"namespace"`
			Name       string `json:"name"`
		} `json:"resourceRef"`
	} `json:"results"`
}

// TestProcess runs the function on ResourceLists as a KRM function
// runner passes them on stdin, and reads the ResourceList it writes.
func TestProcess(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(spec, "ramped", "rampd", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	// Files that are no spec, which a hook may name but a ReleaseSet may
	// not: a ReleaseSet, and a directory of rollspec's schema only.
	if err := os.WriteFile(filepath.Join(dir, "set.yaml"), []byte("apiVersion: rollspec.dev/v1alpha1\nkind: ReleaseSet\nmetadata: {name: s}\nspec: {paths: [web.yaml]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "more"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "more", "schema.cue"), schema.Source(), 0o644); err != nil {
		t.Fatal(err)
	}
	latest := strings.Replace(spec, `tag: "1"`, `tag: "latest"`, 1)
	const existing = "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: keep-me}\n"
	head := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + existing + "functionConfig:\n  apiVersion: rollspec.dev/v1alpha1\n"

	compiled, err := compile.Bytes(&load.Loader{}, "web.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	wantItems := objects(t, compile.Stream(compiled))

	for _, tc := range []struct {
		name     string
		in       string
		fail     bool
		items    string   // appended: "build" = rollspec build's objects, "other" = as many, "" = none
		severity string   // of every result; "" = no results
		contains []string // in the results, each as "message field=F file=P ref=R"
		lacks    []string // in none of the results
		stderr   string   // in the Warnings writer's output; "" = nothing written
	}{
		{
			name:  "inline Release",
			in:    head + "  kind: Release\n  metadata: {name: web}\n  spec:\n" + indent(spec),
			items: "build",
		},
		{
			name:  "ReleaseSet by path",
			in:    head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml]\n",
			items: "build",
		},
		{
			name:     "ReleaseSet path holding no release",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml, set.yaml, more]\n",
			fail:     true,
			severity: "error",
			contains: []string{"set.yaml:1:1: holds no release (allowed: a release, or a list or stream of releases)", "no release found in " + filepath.Join(dir, "more")},
		},
		{
			name:     "warnings are results, not failures",
			in:       head + "  kind: Release\n  metadata: {name: web}\n  spec:\n" + indent(latest),
			items:    "other",
			severity: "warning",
			contains: []string{`"latest" is a mutable tag`, "field=spec.stable.tag ref=rollspec.dev/v1alpha1/Release/web"},
			stderr:   `warning: rollspec.dev/v1alpha1/Release/web spec.stable.tag: "latest" is a mutable tag`,
		},
		{
			name:     "invalid inline spec",
			in:       head + "  kind: Release\n  metadata: {name: web}\n  spec:\n" + indent(bad),
			fail:     true,
			severity: "error",
			// The spec rollspec reads is kustomize's copy (keys sorted,
			// comments dropped): its lines are not the user's, so the result
			// names the config and the field from the config's root.
			contains: []string{`unknown field (did you mean "ramped"?) (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete) field=spec.strategy.rampd ref=rollspec.dev/v1alpha1/Release/web`},
			lacks:    []string{":7:12", "file="},
		},
		{
			name:     "invalid inline spec, config path known",
			in:       head + "  kind: Release\n  metadata: {name: web, namespace: team, annotations: {config.kubernetes.io/path: base/rollspec.yaml}}\n  spec:\n" + indent(bad),
			fail:     true,
			severity: "error",
			contains: []string{`unknown field (did you mean "ramped"?) (allowed: recreate, ramped, blueGreen, canary, abTest, shadow, partitioned, onDelete) field=spec.strategy.rampd file=base/rollspec.yaml ref=rollspec.dev/v1alpha1/Release/team/web`},
		},
		{
			name:     "invalid spec file",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml, bad.yaml]\n",
			fail:     true,
			severity: "error",
			// rollspec's own line: runners print a result's field before
			// its message, so the field stays in the message.
			contains: []string{"bad.yaml:7:12: strategy.rampd: unknown field", "file=" + filepath.Join(dir, "bad.yaml")},
			lacks:    []string{"field="},
		},
		{
			name:     "missing spec file",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [nope.yaml]\n",
			fail:     true,
			severity: "error",
			contains: []string{"nope.yaml: no such file"},
		},
		{
			name:     "ReleaseSet without paths",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec: {}\n",
			fail:     true,
			severity: "error",
			contains: []string{"missing required field (allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]) field=spec.paths ref=rollspec.dev/v1alpha1/ReleaseSet/web"},
		},
		{
			name:     "ReleaseSet with a misspelt field",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    path: [web.yaml]\n    namespace: prod\n",
			fail:     true,
			severity: "error",
			contains: []string{
				"unknown field (allowed: paths) field=spec.path ref=rollspec.dev/v1alpha1/ReleaseSet/web",
				"unknown field (allowed: paths) field=spec.namespace ref=rollspec.dev/v1alpha1/ReleaseSet/web",
				"missing required field (allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]) field=spec.paths",
			},
		},
		{
			name:     "ReleaseSet paths not a list",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: web.yaml\n",
			fail:     true,
			severity: "error",
			contains: []string{"is not a list (allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]) field=spec.paths"},
		},
		{
			name:     "ReleaseSet paths empty, or holding no path",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: []\n",
			fail:     true,
			severity: "error",
			contains: []string{"is empty (allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]) field=spec.paths"},
		},
		{
			name:     "ReleaseSet path not a string",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml, {dir: x}, null]\n",
			fail:     true,
			severity: "error",
			contains: []string{"is not a path (allowed: a list of spec files or directories, relative to the kustomization, such as [specs/]) field=spec.paths[1]", "field=spec.paths[2]"},
		},
		{
			name:     "unknown apiVersion",
			in:       strings.Replace(head, "rollspec.dev/v1alpha1", "rollspec.dev/v1", 1) + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml]\n",
			fail:     true,
			severity: "error",
			contains: []string{`unknown apiVersion "rollspec.dev/v1" (allowed: rollspec.dev/v1alpha1) field=apiVersion`},
		},
		{
			name:     "Release without spec",
			in:       head + "  kind: Release\n  metadata: {name: web}\n",
			fail:     true,
			severity: "error",
			contains: []string{"Release has no spec"},
		},
		{
			name:     "unknown kind",
			in:       head + "  kind: Rollout\n  metadata: {name: web}\n",
			fail:     true,
			severity: "error",
			contains: []string{`unknown functionConfig kind "Rollout" (allowed: Release, ReleaseSet)`},
		},
		{
			name:     "ReleaseSet paths out of the kustomization",
			in:       head + "  kind: ReleaseSet\n  metadata: {name: web}\n  spec:\n    paths: [web.yaml, ../other/secret.yaml]\n",
			fail:     true,
			severity: "error",
			contains: []string{"../other/secret.yaml leads out of the kustomization's directory, which is not read (allowed: paths inside it, as kustomize's load restrictor requires; ROLLSPEC_LOAD_RESTRICTOR=none lifts it) field=spec.paths[1]"},
		},
		{
			name:     "no functionConfig",
			in:       "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + existing,
			fail:     true,
			severity: "error",
			contains: []string{"no functionConfig"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, stderr bytes.Buffer
			err := fn.Run(&fn.Processor{Loader: &load.Loader{}, Dir: dir, Warnings: &stderr}, strings.NewReader(tc.in), &out)
			if tc.stderr == "" && stderr.Len() > 0 || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("warnings written:\n%s\nwant %q", stderr.Bytes(), tc.stderr)
			}
			if (err != nil) != tc.fail {
				t.Fatalf("Run error = %v, want failure %v", err, tc.fail)
			}
			var rl resourceList
			if err := yaml.Unmarshal(out.Bytes(), &rl); err != nil {
				t.Fatalf("output is not a ResourceList: %v\n%s", err, out.Bytes())
			}
			if len(rl.Items) == 0 || rl.Items[0]["kind"] != "ConfigMap" {
				t.Errorf("the input items are not kept first: %v", rl.Items)
			}
			got := map[string]map[string]any{}
			for _, o := range rl.Items[1:] {
				md := o["metadata"].(map[string]any)
				ns, _ := md["namespace"].(string)
				got[o["kind"].(string)+"/"+ns+"/"+md["name"].(string)] = o
			}
			switch tc.items {
			case "build":
				if !reflect.DeepEqual(got, wantItems) {
					t.Errorf("items differ from rollspec build:\n%s", out.Bytes())
				}
			case "other":
				if len(got) != len(wantItems) {
					t.Errorf("got %d compiled objects, want %d", len(got), len(wantItems))
				}
			default:
				if len(got) != 0 {
					t.Errorf("appended %d objects, want none", len(got))
				}
			}
			var text []string
			for _, r := range rl.Results {
				if r.Severity != tc.severity {
					t.Errorf("result %q has severity %q, want %q", r.Message, r.Severity, tc.severity)
				}
				line := r.Message
				if r.Field != nil {
					line += " field=" + r.Field.Path
				}
				if r.File != nil {
					line += " file=" + r.File.Path
				}
				if ref := r.ResourceRef; ref != nil {
					line += " ref=" + strings.Join(slices.DeleteFunc([]string{ref.APIVersion, ref.Kind, ref.Namespace, ref.Name}, func(s string) bool { return s == "" }), "/")
				}
				text = append(text, line)
			}
			if tc.severity == "" && len(rl.Results) > 0 {
				t.Errorf("unexpected results: %v", text)
			}
			if tc.severity != "" && len(rl.Results) == 0 {
				t.Errorf("no results, want %s", tc.severity)
			}
			all := strings.Join(text, "\n")
			for _, w := range tc.contains {
				if !strings.Contains(all, w) {
					t.Errorf("results lack %q:\n%s", w, all)
				}
			}
			for _, w := range tc.lacks {
				if strings.Contains(all, w) {
					t.Errorf("results hold %q:\n%s", w, all)
				}
			}
		})
	}
}

// TestKrustyInlineRelease: a kind: Release config compiles its inline
// spec to the objects rollspec build writes for the same spec, and the
// kustomization's namePrefix, labels and patches apply on top.
func TestKrustyInlineRelease(t *testing.T) {
	dir := t.TempDir()
	config := `apiVersion: rollspec.dev/v1alpha1
kind: Release
metadata:
  name: web
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: rollspec
        args: [fn]
spec:
` + indent(spec)
	for name, content := range map[string]string{
		"base/rollspec.yaml":      config,
		"base/kustomization.yaml": "generators:\n  - rollspec.yaml\n",
		"overlay/kustomization.yaml": `resources: [../base]
namePrefix: team-
labels:
  - pairs: {owner: payments}
patches:
  - target: {kind: Deployment}
    patch: |
      - op: replace
        path: /spec/replicas
        value: 5
`,
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compiled, err := compile.Bytes(&load.Loader{}, "web.yaml", []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	want := objects(t, compile.Stream(compiled))
	got, err := krustyBuild(t, filepath.Join(dir, "base"))
	if err != nil {
		t.Fatal(err)
	}
	if g := objects(t, got); !reflect.DeepEqual(g, want) {
		t.Errorf("kustomize build of an inline Release differs from rollspec build:\n%s", got)
	}

	got, err = krustyBuild(t, filepath.Join(dir, "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	objs := objects(t, got)
	if len(objs) != len(want) {
		t.Errorf("overlay has %d objects, want %d: %v", len(objs), len(want), keys(objs))
	}
	d, ok := objs["Deployment/shop/team-web"]
	if !ok {
		t.Fatalf("no Deployment team-web: %v", keys(objs))
	}
	if r := d["spec"].(map[string]any)["replicas"]; r != float64(5) {
		t.Errorf("replicas = %v, want the patched 5", r)
	}
	for k, o := range objs {
		md := o["metadata"].(map[string]any)
		if !strings.HasPrefix(md["name"].(string), "team-") {
			t.Errorf("%s: namePrefix not applied", k)
		}
		if l := md["labels"].(map[string]any); l["owner"] != "payments" || l[release.LabelManagedBy] != release.ManagedBy {
			t.Errorf("%s: labels = %v, want owner=payments and rollspec's own", k, l)
		}
	}
}

// TestKustomizeBinaryInvalidSpec: the real kustomize CLI fails on an
// invalid spec and shows rollspec's positioned message.
func TestKustomizeBinaryInvalidSpec(t *testing.T) {
	if testing.Short() {
		t.Skip("installs kustomize")
	}
	kustomize := installKustomize(t)
	cmd := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", invalidBase(t))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); !ok {
		t.Fatalf("kustomize build of an invalid spec: err = %v, want a non-zero exit\nstdout:\n%s", err, stdout.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout not empty on failure:\n%s", stdout.String())
	}
	if want := `release.yaml:20:5: strategy.ramped.maxSurg: unknown field (did you mean "maxSurge"?)`; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
}

package immutable

import (
	"fmt"
	"testing"
)

// TestTemplateChange: a version's new pod templates compared with those
// it ran before, described the image first, named list items by name, at
// most three differences and a count of the rest; "" when one before is
// the same, or when nothing ran the version before.
func TestTemplateChange(t *testing.T) {
	const workload = "---\napiVersion: apps/v1\nkind: %s\nmetadata: {name: %s, namespace: default}\nspec:\n  template:\n    metadata: {labels: {app: web, version: %s}}\n    spec:\n      containers:\n%s"
	const web = "      - name: web\n        image: %s\n        env: [{name: A, value: \"1\"}, {name: B, value: \"2\"}]\n        envFrom: [{configMapRef: {name: web-config-%s}}]\n"
	const sidecar = "      - name: proxy\n        image: proxy:1\n"
	deploy := func(name, version, containers string) string {
		return fmt.Sprintf(workload, "Deployment", name, version, containers)
	}
	before := deploy("web-v1", "v1", fmt.Sprintf(web, "web:1", "abc")) + deploy("web-v2", "v2", fmt.Sprintf(web, "web:2", "abc")+sidecar)
	for _, tc := range []struct {
		name, next, version, want string
	}{
		{"the same", deploy("web-v2", "v2", fmt.Sprintf(web, "web:2", "abc")+sidecar), "v2", ""},
		{"the image", deploy("web-v2", "v2", fmt.Sprintf(web, "web:2.1", "abc")+sidecar), "v2", "image web:2 → web:2.1"},
		{"the image first, then the config", deploy("web-v2", "v2", fmt.Sprintf(web, "web:2.1", "def")+sidecar), "v2", "image web:2 → web:2.1, ConfigMap web-config-abc → web-config-def"},
		{"a sidecar's image is no main image", deploy("web-v2", "v2", fmt.Sprintf(web, "web:2", "abc")+"      - name: proxy\n        image: proxy:2\n"), "v2", "spec.containers[proxy].image: proxy:1 → proxy:2"},
		{"a sidecar removed", deploy("web-v2", "v2", fmt.Sprintf(web, "web:2", "abc")), "v2", "spec.containers[proxy] removed"},
		{"containers reordered", deploy("web-v2", "v2", sidecar+fmt.Sprintf(web, "web:2", "abc")), "v2", "spec.containers"},
		{"an env var by name", deploy("web-v2", "v2", "      - name: web\n        image: web:2\n        env: [{name: A, value: \"1\"}, {name: B, value: \"3\"}, {name: C, value: \"4\"}]\n        envFrom: [{configMapRef: {name: web-config-abc}}]\n"+sidecar), "v2", "spec.containers[web].env[B].value: 2 → 3, spec.containers[web].env[C] added"},
		{"more than three", deploy("web-v2", "v2", "      - name: web\n        image: web:3\n        env: [{name: A, value: \"0\"}, {name: B, value: \"0\"}]\n        envFrom: [{configMapRef: {name: web-config-def}}]\n"), "v2", "image web:2 → web:3, spec.containers[web].env[A].value: 1 → 0, spec.containers[web].env[B].value: 2 → 0, 2 more"},
		{"a version that ran as stable", deploy("web-v1", "v1", fmt.Sprintf(web, "web:1", "abc")), "v1", ""},
		{"another workload running the same template", deploy("web", "v1", fmt.Sprintf(web, "web:1", "abc")), "v1", ""},
		{"a StatefulSet", fmt.Sprintf(workload, "StatefulSet", "web-v2", "v2", fmt.Sprintf(web, "web:2.1", "abc")+sidecar), "v2", "image web:2 → web:2.1"},
		{"a version new in this change", deploy("web-v3", "v3", fmt.Sprintf(web, "web:3", "abc")), "v3", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := TemplateChange(Decode([]byte(before)).Templates(tc.version), Decode([]byte(tc.next)).Templates(tc.version))
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionDifference: two versions' pod templates compared beyond what
// tells them apart (the main container's image and pull policy, the
// version labels): "" when in nothing else, else what differs.
func TestVersionDifference(t *testing.T) {
	tmpl := func(version, image, policy, extra string) any {
		return map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": "web", "version": version, "app.kubernetes.io/version": version}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "web", "image": image, "imagePullPolicy": policy, "args": extra}}},
		}
	}
	stable := tmpl("v1", "web:1", "IfNotPresent", "--x")
	for _, tc := range []struct {
		name, want string
		is         any
	}{
		{"the image, pull policy and labels alone", "", tmpl("v2", "web:latest", "Always", "--x")},
		{"an argument", "spec.containers[web].args: --x → --y", tmpl("v2", "web:2", "IfNotPresent", "--y")},
		{"not a template", "metadata removed, spec removed", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := VersionDifference(stable, tc.is); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

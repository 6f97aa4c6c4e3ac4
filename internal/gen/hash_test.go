package gen

import (
	"testing"

	"sigs.k8s.io/kustomize/api/hasher"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestConfigHashMatchesKustomize checks that ConfigMap names carry the
// same suffix kustomize's configMapGenerator would give them, so teams
// moving between the two get the same names for the same content.
func TestConfigHashMatchesKustomize(t *testing.T) {
	tests := []struct {
		name string
		cm   string
		data map[string]string
	}{
		{name: "one key", cm: "web-config", data: map[string]string{"MODE": "fast"}},
		{name: "sorted keys", cm: "api-config", data: map[string]string{"b": "2", "a": "1", "C": "3"}},
		{name: "html and unicode", cm: "x-config", data: map[string]string{"page": "<b>&amp;</b> ünï ✓", "q": `"quoted" \ back`}},
		{name: "multi-line and empty", cm: "y-config", data: map[string]string{"file.conf": "a=1\nb=2\n", "empty": ""}},
		{name: "numbers stay strings", cm: "z-config", data: map[string]string{"port": "8080", "on": "true", "n": "null"}},
		{name: "no data", cm: "empty-config", data: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := map[string]any{}
			for k, v := range tt.data {
				data[k] = v
			}
			node, err := kyaml.FromMap(map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": tt.cm},
				"data":     data,
			})
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&hasher.Hasher{}).Hash(node)
			if err != nil {
				t.Fatal(err)
			}
			got, err := configHash(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("configHash = %q, kustomize's hasher = %q", got, want)
			}
		})
	}
}

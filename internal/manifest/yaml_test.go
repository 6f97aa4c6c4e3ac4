package manifest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestYAMLRoundTrip: whatever encodeYAML writes, a real YAML parser reads
// back as the same data — including strings YAML would otherwise read as
// numbers, booleans, null, or comments.
func TestYAMLRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
	}{
		{name: "scalars", in: map[string]any{"a": "plain", "b": 3.0, "c": 1.5, "d": true, "e": "1.0", "f": "true", "g": "yes", "h": "null", "i": "", "j": "~"}},
		{name: "yaml syntax in strings", in: map[string]any{"a": "x: y", "b": "# c", "c": "a #b", "d": "- d", "e": "{e}", "f": "[f]", "g": "*g", "h": "&h", "i": "!i", "j": "|", "k": ">", "l": "'q'", "m": `"q"`, "n": "%n", "o": "@o", "p": "`p`", "q": "ends:", "r": "a\nb", "s": " lead", "t": "trail ", "u": "ü", "v": "0x10", "w": "1e3", "x": "0o7", "y": "12:30", "z": "2026-01-01"}},
		{name: "image refs", in: map[string]any{"image": "registry.example.com:5000/team/app:1.2@sha256:abc", "regex": `^(.*?;\s*)?(beta=true)(;.*)?$`}},
		{name: "nesting", in: map[string]any{"list": []any{map[string]any{"a": 1.0, "b": []any{"x", map[string]any{"c": "d"}}}, []any{"n", "m"}, "s"}, "empty": map[string]any{}, "none": []any{}}},
		{name: "control characters", in: map[string]any{"del": "a\x7fb", "c1": "\u0080\u0085\u009f", "tab": "a\tb", "nonchar": "\ufffe", "bell": "\a"}},
		{name: "odd keys", in: map[string]any{"app.kubernetes.io/name": "x", "kubernetes.io/change-cause": "why: because", "true": "k", "1": "one", "a b": "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			encodeYAML(&b, tc.in)
			var got any
			if err := yaml.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("parse:\n%s\nerror: %v", b.String(), err)
			}
			want := roundJSON(t, tc.in)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip differs:\n%s\ngot  %#v\nwant %#v", b.String(), got, want)
			}
		})
	}
}

func roundJSON(t *testing.T, v any) any {
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(j, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

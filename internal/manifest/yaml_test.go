package manifest_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rollspec/rollspec/internal/manifest"
)

// TestYAMLRoundTrip: whatever encodeYAML writes, real YAML parsers read
// back as the same data — including strings YAML would otherwise read as
// numbers, booleans, null, or comments.
func TestYAMLRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   any
	}{
		{name: "scalars", in: map[string]any{"a": "plain", "b": 3.0, "c": 1.5, "d": true, "e": "1.0", "f": "true", "g": "yes", "h": "null", "i": "", "j": "~", "k": nil, "l": 1e21, "m": -0.5}},
		{name: "yaml syntax in strings", in: map[string]any{"a": "x: y", "b": "# c", "c": "a #b", "d": "- d", "e": "{e}", "f": "[f]", "g": "*g", "h": "&h", "i": "!i", "j": "|", "k": ">", "l": "'q'", "m": `"q"`, "n": "%n", "o": "@o", "p": "`p`", "q": "ends:", "r": "a\nb", "s": " lead", "t": "trail ", "u": "ü", "v": "0x10", "w": "1e3", "x": "0o7", "y": "12:30", "z": "2026-01-01"}},
		{name: "image refs", in: map[string]any{"image": "registry.example.com:5000/team/app:1.2@sha256:abc", "regex": `^(.*?;\s*)?(beta=true)(;.*)?$`}},
		{name: "nesting", in: map[string]any{"list": []any{map[string]any{"a": 1.0, "b": []any{"x", map[string]any{"c": "d"}}}, []any{"n", "m"}, "s"}, "empty": map[string]any{}, "none": []any{}}},
		{name: "control characters", in: map[string]any{"del": "a\x7fb", "c1": "\u0080\u0085\u009f", "tab": "a\tb", "nonchar": "\ufffe", "bell": "\a"}},
		{name: "odd keys", in: map[string]any{"app.kubernetes.io/name": "x", "kubernetes.io/change-cause": "why: because", "true": "k", "1": "one", "a b": "c", "two\nlines": "k"}},
		{name: "top-level list", in: []any{"a\nb", map[string]any{"k": "c\n"}, []any{" d\n"}}},
		{name: "top-level string", in: "a\nb\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := manifest.EncodeYAML(tc.in)
			want := roundJSON(t, tc.in)
			for _, p := range parsers {
				got, err := parseOne(p, b)
				if err != nil {
					t.Fatalf("%s: parse:\n%s\nerror: %v", p.name, b, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: round trip differs:\n%s\ngot  %#v\nwant %#v", p.name, b, got, want)
				}
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

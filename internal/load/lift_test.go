package load

import (
	"encoding/json"
	"reflect"
	"testing"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// TestLiftedJSON: a section lifted out of a YAML or JSON release holds
// the value CUE itself would have built from it, for the scalars, escapes
// and nesting YAML and JSON can write.
func TestLiftedJSON(t *testing.T) {
	ctx := cuecontext.New()
	for _, tc := range []struct{ name, src string }{
		{"yaml", `pod:
  a: "quote \" backslash \\ tab \t nl \n bell \a nul \0 del \x7f é ☃ 😀"
  'key "q"': plain
  ints: [0, 7, -3, 0x1F, 0o17, 1_000, 9223372036854775807]
  floats: [1.5, -0.25, 1e3, .5, 6.02e+23, -1E-3]
  bools: [true, false, yes]
  nothing: null
  tilde: ~
  empty: {}
  none: []
  nested: [{a: [1, {b: c}]}, [x, [y]]]
  block: |
    two
    lines
`},
		{"json", `{"pod": {"a": "\u0001\u001f\"\\/", "n": [1, -2, 3.5, 1e-7], "m": {"": {"k": null}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := cueyaml.Extract("f.yaml", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			var pod ast.Expr
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.Field); ok {
					pod = fd.Value
				}
			}
			got, ok := appendJSON(nil, pod)
			if !ok {
				t.Fatalf("section not lifted")
			}
			want, err := ctx.BuildExpr(pod).MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("lifted JSON does not decode: %v\n%s", err, got)
			}
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, w) {
				t.Errorf("lifted %s\n   CUE %s", got, want)
			}
		})
	}
}

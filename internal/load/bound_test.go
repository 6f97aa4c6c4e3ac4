package load

import (
	"fmt"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
)

// TestGuardedSameValue: guarding the sized operations of a file within
// their bounds changes nothing CUE makes of it: each value, default and
// disjunction the same, and each error the same message at the same
// place.
func TestGuardedSameValue(t *testing.T) {
	guarded := map[string]bool{} // the operations guarded
	for _, tc := range []struct{ name, src string }{
		{"strings.Repeat", `import "strings"
a: strings.Repeat("ab", 3)
b: strings.Repeat(strings.Repeat("x", 2), 2)
n: 2
c: strings.Repeat("\(n)", n)`},
		{"an aliased import", `import s "strings"
a: s.Repeat("ab", 3)
b: s.Join(["a", "b"], s.Repeat("-", 2))`},
		{"strings.Join and Replace", `import "strings"
a: strings.Join(["a", "b", "c"], ", ")
b: strings.Join([for k, v in {x: 1, y: 2} {"\(k)=\(v)"}], "&")
c: strings.Join([], "-")
d: strings.Replace("banana", "a", "o", -1)
e: strings.Replace("banana", "a", "o", 1)
f: strings.Replace("abc", "", "-", -1)
g: strings.Join(strings.Split("a,b,c", ","), "+")`},
		{"list builtins", `import ("list", "strings")
a: list.Repeat([1, "x"], 3)
b: list.Concat([[1], [2, 3], []])
c: list.Range(0, 5, 1)
d: list.Range(0, 1, 0.25)
e: list.Range(5, 0, -2)
l: [1, 2]
f: list.Concat([l, l])
g: len(list.Repeat(list.Repeat([0], 3), 4))
ll: [[1], [2, 3]]
h: list.Concat(ll)
i: strings.Join(list.Repeat(["a"], 3), "-")`},
		{"regexp and bits", `import ("regexp", "math/bits")
a: regexp.ReplaceAll("a(x*)b", "-ab-axxb-", "${1}W")
b: regexp.ReplaceAllLiteral("a(x*)b", "-ab-axxb-", "${1}")
c: regexp.ReplaceAll("q", "abc", "z")
d: bits.Lsh(1, 70)
e: bits.Set(0, 65, 1)`},
		{"operators", `s: "ab"
n: 3
a: s * n
b: n * s
c: 2 * 3
d: n * 2.5
e: s + s
f: n + n
g: 'x' * 2
h: "\(s)-\(n)-\(s)"
i: "\(n)\(n)"
j: 'b\(s)\(s)'
k: s + "literal"
l: """
	a\(s)
	\(s)b
	"""
m: #"\#(s)\(s)\#(s)"#
o: "\(s)\(n)\(s)\(n)"
p: s + s + "\(n)"`},
		{"defaults and disjunctions", `import "strings"
x: *"a" | "b"
a: x + x
b: strings.Repeat(x, 2)
c: *strings.Repeat("z", 2) | "y"`},
		{"values not known yet", `import "strings"
#T: {s: string, n: int, r: strings.Repeat(s, n), t: s + s, u: "\(s)\(s)"}
a: #T & {s: "q", n: 2}
b: {p: string, q: p + p}`},
		{"labels and comprehensions", `import "strings"
s: "k"
m: {"\(s)\(s)": 1, (s + s + "x"): 2}
l: [for i, x in ["a", "b"] if strings.Repeat(x, 2) != "" {strings.Repeat(x, i) + x}]
lets: {let r = strings.Repeat(s, 3), a: r + r}`},
		{"errors", `import ("strings", "list")
a: strings.Repeat("ab", -1)
b: strings.Repeat(1, 2)
c: list.Repeat([1], -1)
d: "a" + 1
e: [1] * 2
f: strings.Join([1, 2], ",")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := evalCUE(t, tc.src, false, nil)
			if got := evalCUE(t, tc.src, true, guarded); got != want {
				t.Errorf("guarded:\n%s\nwant, unguarded:\n%s", got, want)
			}
		})
	}
	for pkg, fns := range sizedBuiltins {
		for name := range fns {
			if !guarded[pkg+"."+name] {
				t.Errorf("%s.%s is guarded in no case", pkg, name)
			}
		}
	}
}

// evalCUE evaluates src, guarded or not (recording the operations guarded
// in guarded), as text: each field's value, or
// its errors with where they are.
func evalCUE(t *testing.T, src string, guard bool, guarded map[string]bool) string {
	t.Helper()
	f, err := parser.ParseFile("t.cue", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	if guard {
		b := Limits{}.newBounds()
		if refused := b.guard(f); len(refused) > 0 {
			t.Fatalf("refused: %v", refused)
		}
		if len(b.sites) == 0 {
			t.Fatal("nothing guarded")
		}
		for _, s := range b.sites {
			guarded[s.what] = true
		}
	}
	v := cuecontext.New().BuildFile(f)
	var out strings.Builder
	it, err := v.Fields(cue.Definitions(true))
	if err != nil {
		fmt.Fprintf(&out, "root: %v\n", err)
	} else {
		for it.Next() {
			if err := it.Value().Validate(cue.Concrete(true)); err != nil {
				for _, e := range errors.Errors(err) {
					format, args := e.Msg()
					fmt.Fprintf(&out, "%s: error at %s: %s\n", it.Selector(), e.Position(), fmt.Sprintf(format, args...))
				}
				continue
			}
			fmt.Fprintf(&out, "%s: %v\n", it.Selector(), it.Value())
		}
	}
	return out.String()
}

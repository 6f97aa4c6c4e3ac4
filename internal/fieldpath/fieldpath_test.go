package fieldpath

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"cuelang.org/go/cue"

	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/schema"
)

// TestPathsInSchema looks up every path the package builds — recorded
// while it initialised: the fixed paths and the sample elements of lists
// (index 0), maps (sample keys) and both versions — in #Release. A path
// that is not a field of the schema, or is written other than cue.Path
// writes it, fails.
func TestPathsInSchema(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	if len(made) < 50 {
		t.Fatalf("recorded %d paths; the package builds more than that", len(made))
	}
	for _, p := range made {
		if err := inSchema(s.Release, p.String()); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

// inSchema reports why path is no field of the schema value def, or nil.
func inSchema(def cue.Value, path string) error {
	cp := cue.ParsePath(path)
	if err := cp.Err(); err != nil {
		return err
	}
	if got := cp.String(); got != path {
		return fmt.Errorf("cue.Path writes it %s", got)
	}
	v := def
	for _, sel := range cp.Selectors() {
		var err error
		if v, err = lookup(v, sel); err != nil {
			return err
		}
	}
	return nil
}

// lookup is the schema of the field sel of v: a list's element type for
// an index, a struct's field (required, optional or with a default), or
// the value a map's pattern constraint gives the key.
func lookup(v cue.Value, sel cue.Selector) (cue.Value, error) {
	if sel.Type() == cue.IndexLabel {
		if e := v.LookupPath(cue.MakePath(cue.AnyIndex)); e.Exists() {
			return e, nil
		}
		return v, fmt.Errorf("%s is not a list", v.Path())
	}
	if sel.Type() != cue.StringLabel {
		return v, fmt.Errorf("%s: %v is not a regular field", v.Path(), sel)
	}
	for _, s := range []cue.Selector{sel, sel.Optional()} {
		if f := v.LookupPath(cue.MakePath(s)); f.Exists() {
			return f, nil
		}
	}
	if v.Allows(sel) {
		// A map: the key's value is what the pattern constraint makes of
		// any value.
		f := v.FillPath(cue.MakePath(sel), v.Context().CompileString("_")).LookupPath(cue.MakePath(sel))
		if f.Exists() && f.Err() == nil {
			return f, nil
		}
	}
	return v, fmt.Errorf("%s has no field %v", v.Path(), sel)
}

// TestLookupCatchesMisspellings proves TestPathsInSchema's lookup refuses
// what a typo makes: unknown fields at each depth, a wrong case, a key the
// map's pattern refuses, an index into a scalar, a field of a list.
func TestLookupCatchesMisspellings(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"nmae",
		"strategy.canary.stpe",
		"strategy.Canary.step",
		"strategy.canary.steps.x",
		"ports[0].contanerPort",
		"ports.name",
		"replicas[0]",
		"stable.replica",
		"candidate.env.GREETING.x",
		`strategy.abTest.match[0].headers.Cookie`,
		`strategy.abTest.match[0].headers.cookie.regx`,
		`resources.requests.cpus`,
		`labels."bad key!"`,
		`labels.app.kubernetes.io/name`,
		`labels.x.y`,
		"tls.credentialname",
	} {
		if err := inSchema(s.Release, path); err == nil {
			t.Errorf("%s: found in the schema", path)
		}
	}
	for _, path := range []string{"name", "strategy.canary.steps[3]", `labels."app.kubernetes.io/name"`, `resources.limits."ephemeral-storage"`, "candidate.env.X"} {
		if err := inSchema(s.Release, path); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestEveryNameRecorded makes sure no path is built only after
// initialisation, where TestPathsInSchema would not see it: every field
// name the package's source spells (dot's arguments) and every sample key
// it spells (mapOf's) is an element of a recorded path.
func TestEveryNameRecorded(t *testing.T) {
	elems := map[string]bool{}
	for _, p := range made {
		for _, sel := range cue.ParsePath(p.String()).Selectors() {
			if sel.Type() == cue.StringLabel {
				elems[sel.Unquoted()] = true
			}
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			var names []ast.Expr
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "dot" {
				names = call.Args
			} else if funcName(call.Fun) == "mapOf" && len(call.Args) > 2 {
				names = call.Args[2:]
			}
			for _, a := range names {
				lit, ok := a.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue // a sample key from another package
				}
				name, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if !elems[name] {
					t.Errorf("%s: %q is in no recorded path", fset.Position(lit.Pos()), name)
				}
			}
			return true
		})
	}
	if n < 30 {
		t.Fatalf("found %d field names in the source; the parse missed them", n)
	}
}

// funcName is the name of a called function, generic or not.
func funcName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return funcName(x.X)
	case *ast.IndexListExpr:
		return funcName(x.X)
	}
	return ""
}

// TestRole keeps a version's fields named after its role.
func TestRole(t *testing.T) {
	for _, role := range []string{release.RoleStable, release.RoleCandidate} {
		if got := Role(role).String(); got != role {
			t.Errorf("Role(%q) is %s", role, got)
		}
	}
	if Stable.Replicas.String() != "stable.replicas" || Candidate.Env.Key("A B").String() != `candidate.env."A B"` {
		t.Errorf("version paths: %s, %s", Stable.Replicas, Candidate.Env.Key("A B"))
	}
}

// TestDynamic pins how indexes and keys are written: as diagnostics have
// always named them.
func TestDynamic(t *testing.T) {
	for _, tc := range []struct {
		got  Path
		want string
	}{
		{Root, ""},
		{Ports.At(12).NodePort, "ports[12].nodePort"},
		{Strategy.Canary.Steps.At(3), "strategy.canary.steps[3]"},
		{Strategy.ABTest.Match.At(1).Headers.Key("x-user").Regex, `strategy.abTest.match[1].headers."x-user".regex`},
		{Strategy.ABTest.Match.At(0).QueryParams.Key("beta").Path, "strategy.abTest.match[0].queryParams.beta"},
		{Labels.Key(release.LabelManagedBy), `labels."app.kubernetes.io/managed-by"`},
		{Resources.Requests.Key("cpu"), "resources.requests.cpu"},
		{ReadinessProbe.HTTP.Port, "readinessProbe.http.port"},
		{Role(release.RoleCandidate).Tag, "candidate.tag"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

// TestQuote keeps quote what load's check wrote before it: the regular
// expression below, and %q.
func TestQuote(t *testing.T) {
	ident := regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)
	for _, k := range []string{"", "a", "A1", "_x", "$x", "x$_9", "1a", "a-b", "a.b", "a b", "é", "aé", "x\n", `a"b`, "app.kubernetes.io/name", "GREETING", "ephemeral-storage", "\xff"} {
		want := fmt.Sprintf("%q", k)
		if ident.MatchString(k) {
			want = k
		}
		if got := quote(k); got != want {
			t.Errorf("quote(%q) = %s, want %s", k, got, want)
		}
	}
}

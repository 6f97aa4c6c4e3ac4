package schema_test

import (
	"os"
	"strings"
	"testing"

	"cuelang.org/go/cue"

	"github.com/rollspec/rollspec/schema"
)

// TestCompile: the embedded schema compiles and #Release is a closed
// definition with the fields the Go model decodes.
func TestCompile(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"name", "namespace", "ports", "stable", "candidate", "traffic", "strategy"} {
		if !s.Release.Allows(cue.Str(f)) {
			t.Errorf("#Release does not allow %s", f)
		}
	}
	if s.Release.Allows(cue.Str("nonsense")) {
		t.Error("#Release is not closed: it allows unknown fields")
	}
}

// TestReadmeDocumentsEveryField keeps the README's spec reference in step
// with the schema: every field of #Release, and every strategy, is named.
func TestReadmeDocumentsEveryField(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	check := func(v cue.Value, prefix string) {
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			t.Fatal(err)
		}
		for it.Next() {
			name := prefix + strings.TrimRight(it.Selector().String(), "?!")
			if !strings.Contains(string(readme), "`"+name+"`") && !strings.Contains(string(readme), "`"+name+".") && !strings.Contains(string(readme), "`"+name+"[") {
				t.Errorf("README spec reference does not mention `%s`", name)
			}
		}
	}
	check(s.Release, "")
	check(s.Release.LookupPath(cue.ParsePath("strategy")), "strategy.")
}

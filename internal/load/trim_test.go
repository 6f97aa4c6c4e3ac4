package load_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	cueyaml "cuelang.org/go/encoding/yaml"
	"golang.org/x/tools/txtar"

	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/schema"
)

// TestTrimmedSchemaAgrees: a release is valid against the schema trimmed
// to the fields it writes exactly when it is valid against #Release, for
// every example, every spec of the CLI's scripts and
// every one-field mutation of a valid release — so validating with the
// trimmed schema first never lets an invalid release through — and a
// valid release's value is the same against both (defaults included).
func TestTrimmedSchemaAgrees(t *testing.T) {
	s, err := schema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	srcs := map[string][]byte{}
	for _, pattern := range []string{"../../examples/*/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			srcs[f] = b
		}
	}
	scripts, _ := filepath.Glob("../../cmd/rollspec/testdata/script/*.txtar")
	for _, f := range scripts {
		a, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range a.Files {
			if strings.HasSuffix(m.Name, ".yaml") {
				srcs[f+"/"+m.Name] = m.Data
			}
		}
	}
	mutations := []string{"x", "[]", "{}", "-1", "{a: 1}", "null", "true", "\"\""}
	extra := []string{
		"podAnnotations: {\"a b\": c}", "workload: Pod", "workload: StatefulSet", "statefulSet: {podManagementPolicy: Bad}",
		"autoscaler: {maxReplicas: 0}", "podDisruptionBudget: {minAvailable: \"200%\"}", "tls: 3", "gateway: \"a/b/c\"",
		"strategy: {canary: {steps: []}}", "strategy: {partitioned: {steps: [0]}}", "strategy: {onDelete: {x: 1}}",
		"strategy: {shadow: {percent: 0}}", "strategy: {blueGreen: {active: both}}", "strategy: {abTest: {match: []}}",
		"strategy: {recreate: {}, ramped: {}}", "strategy: canary", "candidate: {version: \"\"}", "configPath: relative",
		"service: {type: External}", "imagePullPolicy: Sometimes", "livenessProbe: {}", "resources: {requests: {cpu: lots}}",
	}
	lines := strings.Split(strings.TrimSuffix(valid, "\n"), "\n")
	for i, l := range lines {
		key, _, _ := strings.Cut(l, ":")
		for _, m := range mutations {
			srcs["valid/"+key+"="+m] = []byte(withIn(valid, key, key+": "+m))
		}
		srcs["valid/without "+key] = []byte(strings.Join(append(append([]string{}, lines[:i]...), lines[i+1:]...), "\n") + "\n")
	}
	for _, e := range extra {
		key, _, _ := strings.Cut(e, ":")
		srcs["valid/"+e] = []byte(withIn(valid, key, e))
	}
	compared, invalid := 0, 0
	for name, src := range srcs {
		f, err := cueyaml.Extract(name, src)
		if err != nil {
			continue // not YAML: nothing to unify
		}
		data := s.Context.BuildFile(f)
		if data.Kind() != cue.StructKind {
			continue // a stream or list: its releases are compared where they are files
		}
		full, trim, same, ok := load.TrimAgrees(s, data)
		if !ok {
			// A schema keeps a bounded number of trimmed definitions: a new
			// one for the next.
			if s, err = schema.Compile(); err != nil {
				t.Fatal(err)
			}
			data = s.Context.BuildFile(f)
			if full, trim, same, ok = load.TrimAgrees(s, data); !ok {
				t.Fatalf("%s: the schema did not trim", name)
			}
		}
		if full != trim {
			t.Errorf("%s: valid against #Release %t, against the trimmed schema %t", name, full, trim)
		}
		if full && trim && !same {
			t.Errorf("%s: the trimmed schema gives another value than #Release", name)
		}
		compared++
		if !full {
			invalid++
		}
	}
	if compared < 100 || invalid < 50 {
		t.Errorf("compared %d releases, %d of them invalid: want many of both", compared, invalid)
	}
	t.Logf("compared %d releases, %d invalid", compared, invalid)
}

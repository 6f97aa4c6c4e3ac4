package load

import (
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/diag"
)

// TestGuard: a panic while loading one file is that file's problem, with
// where it happened, and the worker is not reused.
func TestGuard(t *testing.T) {
	_, errs, crashed := guard("x.yaml", func() ([]*Spec, diag.List) {
		var m map[string]int
		m["a"]++
		return nil, nil
	})
	if !crashed || len(errs) != 1 {
		t.Fatalf("crashed = %v, errs = %v", crashed, errs)
	}
	got := errs.Error()
	for _, want := range []string{"x.yaml", "rollspec crashed reading this file: assignment to entry in nil map", "guard_test.go:"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want %q in it", got, want)
		}
	}
}

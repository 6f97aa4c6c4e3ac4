package fieldpath_test

import (
	"testing"

	"github.com/rollspec/rollspec/internal/fieldpath"
)

// TestStepsString writes fields, list entries by index and entries of a
// list keyed by name as package immutable writes them.
func TestStepsString(t *testing.T) {
	s := fieldpath.Steps{fieldpath.Field("spec"), fieldpath.Field("containers"), fieldpath.Keyed("web"),
		fieldpath.Field("env"), fieldpath.Keyed("MODE"), fieldpath.Field("value"), fieldpath.Field("a.b"), fieldpath.Entry(0)}
	if got, want := s.String(""), `spec.containers[web].env[MODE].value."a.b"[0]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

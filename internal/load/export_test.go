package load

import (
	"cuelang.org/go/cue"

	"github.com/rollspec/rollspec/schema"
)

// TrimAgrees reports, for the YAML or JSON release data, whether it is
// valid against s's #Release and against the schema trimmed to the
// fields it writes; ok is false when data is no release's syntax.
func TrimAgrees(s *schema.Schema, data cue.Value) (full, trimmed, ok bool) {
	lit := syntaxOf(data)
	if lit == nil {
		return false, false, false
	}
	s.Trimmed(writtenFields(lit)) // the first ask only records the fields
	t, ok := s.Trimmed(writtenFields(lit))
	if !ok {
		return false, false, false
	}
	return len(validateAll(data.Unify(s.Release))) == 0, len(validateAll(data.Unify(t))) == 0, true
}

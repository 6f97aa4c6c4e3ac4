package load

import (
	"reflect"

	"cuelang.org/go/cue"

	"github.com/rollspec/rollspec/internal/cuedecode"
	"github.com/rollspec/rollspec/release"
	"github.com/rollspec/rollspec/schema"
)

// TrimAgrees reports, for the YAML or JSON release data, whether it is
// valid against s's #Release and against the schema trimmed to the
// fields it writes, and when both, whether the two values are the same;
// ok is false when data is no release's syntax.
func TrimAgrees(s *schema.Schema, data cue.Value) (full, trimmed, same, ok bool) {
	lit := syntaxOf(data)
	if lit == nil {
		return false, false, false, false
	}
	s.Trimmed(s.Written(lit)) // the first ask only records the fields
	t, ok := s.Trimmed(s.Written(lit))
	if !ok {
		return false, false, false, false
	}
	uf, ut := data.Unify(s.Release), data.Unify(t)
	full, trimmed = len(validateAll(uf)) == 0, len(validateAll(ut)) == 0
	if full && trimmed {
		jf, errf := uf.MarshalJSON()
		jt, errt := ut.MarshalJSON()
		same = errf == nil && errt == nil && string(jf) == string(jt)
	}
	return full, trimmed, same, true
}

// DecodeSkipping decodes the valid YAML or JSON release data as validate
// does once the process trims the schema: the optional fields of nested
// structs its syntax writes nowhere are not looked up.
func DecodeSkipping(s *schema.Schema, data cue.Value, r *release.Release) error {
	lit := syntaxOf(data)
	written := map[string]bool{}
	for _, p := range s.Written(lit) {
		written[p] = true
	}
	u := data.Unify(s.Release)
	return cuedecode.Release(u, r, func(t reflect.Type, name string) bool { return absentAt(written, t, name) })
}

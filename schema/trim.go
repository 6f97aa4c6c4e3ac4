package schema

import (
	"slices"
	"strings"
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// Trimmed returns #Release trimmed to what a release writes: written
// lists the fields it writes as places (Written). Every struct of the
// schema loses the optional fields written does not name, and each field
// with a default that written does not name is its default alone. It is
// built once per set of places in s's context. A release that writes only
// those fields is valid against it exactly when it is valid against
// #Release, with the same value: a field it leaves out constrains
// nothing, or takes its default, and its required fields are all there.
// CUE pays for every field of a definition in each release unified with
// it, and for every disjunction, written or not; the trimmed one costs
// only what a release writes. Its messages are not #Release's (what is
// allowed lists fewer fields): validate with it only to find a release
// valid, and again with Release to explain a problem. ok is false when
// the schema cannot be trimmed, or is not yet worth it.
func (s *Schema) Trimmed(written []string) (v cue.Value, ok bool) {
	s.trimMu.Lock()
	defer s.trimMu.Unlock()
	// Building a trimmed definition costs about what validating a few
	// releases against the whole one does: it is built for the second
	// release that writes these fields, so that a process with one
	// release (a pre-commit hook, a single file) never pays for it.
	key := strings.Join(slices.Compact(slices.Sorted(slices.Values(written))), ",")
	if v, ok := s.trimmed[key]; ok {
		return v, true
	}
	if s.asked == nil {
		s.asked = map[string]bool{}
	}
	if !s.asked[key] {
		if len(s.asked) < 16*maxTrimmed {
			s.asked[key] = true
		}
		return cue.Value{}, false
	}
	if len(s.trimmed) >= maxTrimmed {
		return cue.Value{}, false // many kinds of release: the whole schema serves the rest
	}
	f, err := parseSchema()
	if err != nil {
		return cue.Value{}, false
	}
	kept := map[string]bool{}
	for _, w := range written {
		kept[w] = true
	}
	trim(f, kept)
	v = s.Context.BuildFile(f).LookupPath(cue.ParsePath(ReleasePath))
	if v.Err() != nil {
		return cue.Value{}, false
	}
	if s.trimmed == nil {
		s.trimmed = map[string]cue.Value{}
	}
	s.trimmed[key] = v
	return v, true
}

// parseSchema parses the schema's source, without its comments.
func parseSchema() (*ast.File, error) { return parser.ParseFile(File, Source()) }

// maxTrimmed bounds the trimmed definitions one schema keeps: a process
// that reads many teams' specs meets many sets of fields.
const maxTrimmed = 64

// trimState is Schema's cache of trimmed definitions.
type trimState struct {
	shapeOnce sync.Once
	// structs are the schema's structs by place, to walk a release's
	// syntax beside.
	structs map[string]*ast.StructLit
	trimMu  sync.Mutex
	trimmed map[string]cue.Value // by the places written, joined
	asked   map[string]bool      // keys asked for once
}

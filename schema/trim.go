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
// with a default that written does not name is its default alone. A
// release that writes only those fields is valid against it exactly when
// it is valid against #Release, with the same value: a field it leaves
// out constrains nothing, or takes its default, and its required fields
// are all there. CUE pays for every field of a definition in each release
// unified with it, and for every disjunction, written or not; the trimmed
// one costs only what a release writes. Its messages are not #Release's
// (what is allowed lists fewer fields): validate with it only to find a
// release valid, and again with Release to explain a problem.
//
// A trimmed schema is worked out once per process for each set of places,
// from the second release that writes them on (a process with one release
// never pays for it), and built once in each context (s) that asks for
// it. ok is false when the schema cannot be trimmed, or is not yet worth
// it.
func (s *Schema) Trimmed(written []string) (v cue.Value, ok bool) {
	key := strings.Join(slices.Compact(slices.Sorted(slices.Values(written))), ",")
	s.trimMu.Lock()
	defer s.trimMu.Unlock()
	if v, ok := s.trimmed[key]; ok {
		return v, true
	}
	if len(s.trimmed) >= maxTrimmed {
		return cue.Value{}, false // many kinds of release: the whole schema serves the rest
	}
	t := trimmedFile(key, written)
	if t == nil {
		return cue.Value{}, false
	}
	// One AST serves every context: build from it one at a time.
	t.mu.Lock()
	v = s.Context.BuildFile(t.f).LookupPath(cue.ParsePath(ReleasePath))
	t.mu.Unlock()
	if v.Err() != nil {
		return cue.Value{}, false
	}
	if s.trimmed == nil {
		s.trimmed = map[string]cue.Value{}
	}
	s.trimmed[key] = v
	return v, true
}

// TrimmedBefore reports whether this process has trimmed the schema for a
// release: a context's first release may then use it at once.
func TrimmedBefore() bool {
	trims.mu.Lock()
	defer trims.mu.Unlock()
	return len(trims.files) > 0
}

// trimmedFile is the schema trimmed to written (joined: key), parsed and
// trimmed once per process; nil the first time key is asked for, or when
// the schema cannot be trimmed.
func trimmedFile(key string, written []string) *trimmedAST {
	trims.mu.Lock()
	defer trims.mu.Unlock()
	if t, ok := trims.files[key]; ok {
		return t
	}
	if !trims.asked[key] {
		if len(trims.asked) < 16*maxTrimmed {
			trims.asked[key] = true
		}
		return nil
	}
	if len(trims.files) >= maxTrimmed {
		// Many kinds of release: the oldest trimmed schema makes room.
		delete(trims.files, trims.order[0])
		trims.order = trims.order[1:]
	}
	f, err := parseSchema()
	if err != nil {
		return nil
	}
	kept := map[string]bool{}
	for _, w := range written {
		kept[w] = true
	}
	trim(f, kept)
	t := &trimmedAST{f: f}
	trims.files[key] = t
	trims.order = append(trims.order, key)
	return t
}

// trimmedAST is a trimmed schema's syntax, shared by the contexts that
// build it.
type trimmedAST struct {
	mu sync.Mutex
	f  *ast.File
}

// trims are the process's trimmed schemas by the places written, and the
// sets of places asked for once.
var trims = struct {
	mu    sync.Mutex
	files map[string]*trimmedAST
	order []string // files' keys, oldest first
	asked map[string]bool
}{files: map[string]*trimmedAST{}, asked: map[string]bool{}}

// parseSchema parses the schema's source, without its comments.
func parseSchema() (*ast.File, error) { return parser.ParseFile(File, Source()) }

// maxTrimmed bounds the trimmed definitions a process keeps, and one
// context builds: a process that reads many teams' specs meets many sets
// of fields.
const maxTrimmed = 64

// trimState is a Schema's trimmed definitions, built in its context.
type trimState struct {
	trimMu  sync.Mutex
	trimmed map[string]cue.Value // by the places written, joined
}

package schema

import (
	"embed"
	"fmt"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// FS holds the schema source files, for `rollspec schema` and for tools that
// want to vendor the schema.
//
//go:embed *.cue
var FS embed.FS

// File is the name of the schema file inside FS; errors whose only position
// is in this file point at the schema rather than the user's spec.
const File = "release.cue"

// Definition paths inside the schema, named once so Go never spells them twice.
const (
	// ReleasePath is the definition every spec is unified with.
	ReleasePath = "#Release"
)

// Source returns the schema text.
func Source() []byte {
	b, err := FS.ReadFile(File)
	if err != nil {
		// The file is embedded at build time; its absence is a build bug.
		panic(fmt.Sprintf("schema: embedded %s missing: %v", File, err))
	}
	return b
}

// Schema is the compiled schema: the context it lives in and #Release.
type Schema struct {
	// Context is the CUE context the schema was built in; specs must be
	// built in the same context to be unified with Release.
	Context *cue.Context
	// Release is the #Release definition.
	Release cue.Value

	trimState
}

// Compile builds the embedded schema in a fresh context.
func Compile() (*Schema, error) {
	return CompileIn(cuecontext.New())
}

// CompileIn builds the embedded schema in ctx.
//
// The source is parsed without its comments: nothing reads them from the
// compiled schema (`rollspec schema` prints the source itself), and
// keeping them was a third of what compiling costs every worker.
func CompileIn(ctx *cue.Context) (*Schema, error) {
	f, err := parseSchema()
	if err != nil {
		return nil, fmt.Errorf("schema: parse: %w", err)
	}
	v := ctx.BuildFile(f)
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("schema: compile: %w", err)
	}
	rel := v.LookupPath(cue.ParsePath(ReleasePath))
	if err := rel.Err(); err != nil {
		return nil, fmt.Errorf("schema: %s: %w", ReleasePath, err)
	}
	return &Schema{Context: ctx, Release: rel}, nil
}

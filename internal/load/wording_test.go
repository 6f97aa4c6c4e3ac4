package load

import (
	"fmt"
	"strconv"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/errors"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// TestCUEWording triggers every phrase rollspec reads in CUE's messages
// with the real evaluator: a CUE upgrade that rewords one fails here.
func TestCUEWording(t *testing.T) {
	tests := []struct {
		says         cueSays
		schema, data string
	}{
		{cueNotAllowed, `close({a?: int})`, `{b: 1}`},
		{cueIncomplete, `{a!: int}`, `{}`},
		{cueIncomplete, `{a: int}`, `{}`},
		{cueEmptyList, `[int, ...int]`, `[]`},
		{cueListLengths, `[int, int]`, `[1, 2, 3]`},
		{cueDisjunction, `{a: 1 | 2}`, `{a: 3}`},
		{cueConflict, `{a: 1}`, `{a: 2}`},
		{cueInvalidValue, `{a: int & <5}`, `{a: 7}`},
	}
	ctx := cuecontext.New()
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d/%s", tc.says, tc.data), func(t *testing.T) {
			sch := ctx.CompileString(tc.schema)
			data := ctx.CompileString(tc.data)
			err := data.Unify(sch).Validate(cue.Concrete(true), cue.Final())
			if err == nil {
				t.Fatal("no error")
			}
			var got []string
			for _, e := range errors.Errors(err) {
				format, args := e.Msg()
				m := fmt.Sprintf(format, args...)
				if classifyCUE(m) == tc.says {
					return
				}
				got = append(got, strconv.Quote(m))
			}
			t.Errorf("no message classified as %d; CUE said %v", tc.says, got)
		})
	}
}

// TestYAMLWording triggers every go-yaml phrase rollspec reads, through
// CUE's YAML decoder, and checks the line it gives: the parser's problems
// are counted from 0, so rollspec adds one.
func TestYAMLWording(t *testing.T) {
	tests := []struct {
		phrase string
		src    string
		line   int // where the user's construct is
	}{
		{"did not find expected <document start>", "---\na: 1\n...\nfoo\n", 4},
		{"did not find expected node content", "a: [\n", 2},
		{"did not find expected '-' indicator", "- a\nb: c\n", 2},
		{"did not find expected key", "a: 1\n- b\n", 2},
		{"did not find expected ',' or ']'", "a: [1, 2\n", 2},
		{"did not find expected ',' or '}'", "a: {x: 1\n", 2},
		{"found undefined tag handle", "a:\n  !foo!bar x\n", 2},
		{"found duplicate %TAG directive", "%TAG ! tag:a,2000:\n%TAG ! tag:b,2000:\n---\na: 1\n", 2},
		{"found incompatible YAML document", "# c\n%YAML 2.0\n---\na: 1\n", 2},
		{"found duplicate %YAML directive", "\n\n%YAML 1.1\n%YAML 1.1\n---\na: 1\n", 4},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.phrase] = true
		t.Run(tc.phrase, func(t *testing.T) {
			if !yamlParserProblems[tc.phrase] {
				t.Fatalf("%q is not in yamlParserProblems", tc.phrase)
			}
			_, err := cueyaml.Extract("x.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			errs := syntaxErrors(err)
			if len(errs) != 1 || errs[0].Text != tc.phrase {
				t.Fatalf("go-yaml said %q, rollspec made %v; want the text %q", err, errs, tc.phrase)
			}
			if got := errs[0].Pos.Line(); got != tc.line {
				t.Errorf("line = %d, want %d", got, tc.line)
			}
		})
	}
	for p := range yamlParserProblems {
		if !seen[p] {
			t.Errorf("yamlParserProblems holds %q, which no case triggers", p)
		}
	}
}

package load

import (
	"fmt"
	"strconv"
	"strings"
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

// TestYAMLHints triggers each problem yamlHints explains through the real
// parser, and checks the message rollspec makes of it says what is
// allowed: a go-yaml upgrade that rewords one fails here.
func TestYAMLHints(t *testing.T) {
	tests := []struct{ src, phrase string }{
		{"a: b: c\n", "mapping values are not allowed in this context"},
		{"a: 1\n  b: 2\n", "mapping values are not allowed in this context"},
		{"a: \"\\q\"\n", "found unknown escape character"},
		{"a: [1, 2\n", "did not find expected ',' or ']'"},
		{"a: {b\n", "did not find expected ',' or '}'"},
		{"a: 1\n- b\n", "did not find expected key"},
		{"- a\nb: c\n", "did not find expected '-' indicator"},
		{"]", "did not find expected node content"},
		{"--- a\n--- b\n...\nc\n", "did not find expected <document start>"},
		{"a: !<x y\n", "did not find the expected '>'"},
		{"a: *x\n", yamlNoAnchor},
		{"a:\n\tb: 1\n", "found character that cannot start any token"},
		{"a: @x\n", "found character that cannot start any token"},
		{"a: b\n\t- c\n", "found a tab character that violates indentation"},
		{"%FOO\n---\na: 1\n", "found unknown directive name"},
		{"a: 'x", "found unexpected end of stream"},
		{"a: !x!y b\n", "found undefined tag handle"},
		{"%YAML 1.1\n%YAML 1.1\n---\na: 1\n", "found duplicate %YAML directive"},
		{"%TAG ! !x\n%TAG ! !y\n---\na: 1\n", "found duplicate %TAG directive"},
		{"%YAML 2.0\n---\na: 1\n", "found incompatible YAML document"},
		{"%YAML 1.2\n---\na: 1\n", "found incompatible YAML document"},
		{"a: \x01\n", yamlControlChars},
		{"a: !!binary x\n", "!!binary value contains invalid base64 data"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			_, err := cueyaml.Extract("x.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			errs := yamlErrors("x.yaml", []byte(tc.src), err)
			if len(errs) != 1 {
				t.Fatalf("%d problems, want 1: %v", len(errs), errs)
			}
			want := " (allowed: " + yamlAllowed(tc.phrase) + ")"
			if got := errs[0].Text; !strings.HasPrefix(got, tc.phrase) || !strings.HasSuffix(got, want) {
				t.Errorf("message %q, want %q…%q", got, tc.phrase, want)
			}
			if !errs[0].Pos.IsValid() {
				t.Errorf("message %q has no position", errs[0].Text)
			}
			seen[tc.phrase] = true
		})
	}
	for _, h := range yamlHints {
		if !seen[h.phrase] {
			t.Errorf("yamlHints explains %q, which no case triggers", h.phrase)
		}
	}
}

// TestYAMLVersions: the %YAML directives the parser takes are exactly
// those the message about a refused one names as allowed.
func TestYAMLVersions(t *testing.T) {
	for _, v := range []string{"1.0", "1.1", "1.2", "1.3", "2.0"} {
		t.Run(v, func(t *testing.T) {
			_, err := cueyaml.Extract("x.yaml", []byte("%YAML "+v+"\n---\na: 1\n"))
			if named := strings.Contains(yamlVersions, "%YAML "+v); named != (err == nil) {
				t.Errorf("the allowed text %q names %%YAML %s: %v; the parser said %v", yamlVersions, v, named, err)
			}
		})
	}
}

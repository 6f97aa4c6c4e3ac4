package load

import (
	stderrors "errors"
	"fmt"
	"regexp"
	"strings"

	"cuelang.org/go/cue/errors"
)

// This file holds every phrase of CUE's and go-yaml's error messages that
// rollspec reads to decide what to tell the user; nothing else in the
// package matches on their wording. wording_test.go triggers each phrase
// with real input through the real libraries, so an upgrade that changes
// one fails a test instead of silently changing rollspec's messages.

// cueSays is what one of CUE's error messages says, as far as rollspec
// tells them apart.
type cueSays int

const (
	cueOther        cueSays = iota
	cueNotAllowed           // a field a closed struct does not allow
	cueIncomplete           // a required field missing, or a value not concrete
	cueEmptyList            // an empty list where the schema wants elements
	cueListLengths          // two lists of different lengths for one field
	cueDisjunction          // the summary of a disjunction's failed alternatives
	cueConflict             // two values for one field
	cueInvalidValue         // a value a constraint refuses
)

// cuePhrases tell CUE's messages apart, first match wins: the empty list
// is a case of list lengths, told by its "(0 and".
var cuePhrases = []struct {
	says   cueSays
	phrase string
	prefix bool // the message starts with phrase; otherwise contains it
}{
	{cueNotAllowed, "field not allowed", false},
	{cueIncomplete, "incomplete value", false},
	{cueIncomplete, "field is required", false},
	{cueIncomplete, "non-concrete value", false},
	{cueEmptyList, "incompatible list lengths (0 and", false},
	{cueListLengths, "incompatible list lengths", true},
	{cueDisjunction, "errors in empty disjunction", false},
	{cueConflict, "conflicting values", true},
	{cueInvalidValue, "invalid value", true},
}

// classifyCUE tells what the CUE error message m says.
func classifyCUE(m string) cueSays {
	for _, p := range cuePhrases {
		if p.prefix && strings.HasPrefix(m, p.phrase) || !p.prefix && strings.Contains(m, p.phrase) {
			return p.says
		}
	}
	return cueOther
}

// yamlParserProblems are the problems go-yaml's parser (not its scanner)
// reports. It gives their line counted from 0, one less than the line
// where the construct that failed starts (or, if that is the first line,
// where the parser gave up).
var yamlParserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found undefined tag handle":             true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
}

// yamlHints say what YAML allows where go-yaml reports a syntax problem,
// which go-yaml's messages do not: each phrase (a prefix where it names
// the user's text) with what is allowed there. TestYAMLHints triggers
// each through the real parser.
var yamlHints = []struct {
	phrase, allowed string
}{
	{"mapping values are not allowed in this context", "one 'key: value' per line, a mapping's keys at one indentation; quote a value that holds ': '"},
	{"found unknown escape character", `in double quotes the escapes \\, \", \/, \n, \t, \r, \0, \xXX and \uXXXX; in single quotes a backslash is itself`},
	{"did not find expected ',' or ']'", "a flow list closed by ']', such as [a, b]"},
	{"did not find expected ',' or '}'", "a flow mapping closed by '}', such as {a: 1, b: 2}"},
	{"did not find expected key", "the keys of one mapping at one indentation; a list only as a key's value, on the lines below it"},
	{"did not find expected '-' indicator", "the items of one list at one indentation, each starting with '- '"},
	{"did not find expected node content", "a value: a scalar, a list or a mapping"},
	{"did not find expected <document start>", "one value per document, documents separated by '---'"},
	{"did not find the expected '>'", "a verbatim tag closed by '>', such as !<tag:yaml.org,2002:str>"},
	{yamlNoAnchor, "an alias *name after the anchor &name it refers to"},
	{"found character that cannot start any token", "spaces, not tabs, for indentation; quote a value that starts with '@' or '`'"},
	{"found a tab character that violates indentation", "spaces, not tabs, for indentation"},
	{"found unknown directive name", "the directives %YAML and %TAG"},
	{"found unexpected end of stream", "every quote and bracket closed before the end of the file"},
	{"found undefined tag handle", "the standard tags such as !!str, or a handle declared with %TAG"},
	{"found duplicate %YAML directive", "one %YAML directive per document"},
	{"found duplicate %TAG directive", "one %TAG directive per handle"},
	{"found incompatible YAML document", yamlVersions},
	{yamlControlChars, "printable characters, tabs and line breaks"},
	{"!!binary value contains invalid base64 data", "base64 text"},
}

// yamlVersions is what the YAML parser allows in a %YAML directive: go-yaml
// refuses every version but 1.1 ("found incompatible YAML document"), 1.2
// too, though without a directive it reads YAML much as 1.2 does.
// TestYAMLVersions checks each version this names, and no other, parses.
const yamlVersions = "%YAML 1.1, the only version the YAML parser takes; or no %YAML directive"

// yamlAllowed is what YAML allows where go-yaml reports the problem msg;
// well-formed YAML in general for a problem without a hint.
func yamlAllowed(msg string) string {
	for _, h := range yamlHints {
		if strings.HasPrefix(msg, h.phrase) {
			return h.allowed
		}
	}
	return "well-formed YAML 1.2"
}

// lineOnly matches the YAML decoder's "file:line: message" errors.
var lineOnly = regexp.MustCompile(`^(.*):(\d+): (.*)$`)

// YAML problems go-yaml reports without any line, which rollspec finds in
// the source itself (yamlProblemOffset).
const (
	yamlControlChars = "control characters are not allowed"
	yamlNoAnchor     = "unknown anchor '" // + name + "' referenced"
)

// yamlProblemOffset is the offset in src of the problem msg, a go-yaml
// message without a line, or -1 when it is not one rollspec can find.
func yamlProblemOffset(src []byte, msg string) int {
	switch {
	case msg == yamlControlChars:
		return controlChar(src)
	case strings.HasPrefix(msg, yamlNoAnchor):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, yamlNoAnchor), "' referenced")
		return aliasOffset(src, name)
	}
	return -1
}

// cueOutOfBound is how CUE words a value a bound refuses: the value, then
// the bound ("<=16777216").
const cueOutOfBound = "invalid value %v (out of bound %s)"

// outOfBound returns the value and the bound of e, or of an error e wraps
// ("invalid interpolation: …"), when it is a value a bound refuses.
func outOfBound(e errors.Error) (value, bound string, ok bool) {
	for err := error(e); err != nil; err = stderrors.Unwrap(err) {
		ce, isCUE := err.(errors.Error)
		if !isCUE {
			continue
		}
		if format, args := ce.Msg(); format == cueOutOfBound && len(args) == 2 {
			return fmt.Sprint(args[0]), fmt.Sprint(args[1]), true
		}
	}
	return "", "", false
}

// cueNotSatisfied is how CUE words a value a validator refuses: the value,
// then the validator ("strings.MaxRunes(5)").
const cueNotSatisfied = "invalid value %s (does not satisfy %s)"

// notSatisfied returns the validator e says refuses a value.
func notSatisfied(e errors.Error) (validator string, ok bool) {
	if format, args := e.Msg(); format == cueNotSatisfied && len(args) == 2 {
		return fmt.Sprint(args[1]), true
	}
	return "", false
}

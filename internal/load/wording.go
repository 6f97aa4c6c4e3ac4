package load

import (
	"regexp"
)

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

// lineOnly matches the YAML decoder's "file:line: message" errors.
var lineOnly = regexp.MustCompile(`^(.*):(\d+): (.*)$`)

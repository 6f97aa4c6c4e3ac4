package load

import (
	"fmt"

	"cuelang.org/go/cue/scanner"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// maxChain is the most operators (binary ones, and the selector's dot)
// one run of a CUE expression may chain without a bracket, a brace, a
// comma or a new line between them: CUE's parser and resolver recurse once
// per operator, and a file of `1+1+1…` millions long overflows the stack,
// a crash no limit can catch once it happens. CUE itself limits nesting
// by brackets to the same depth.
const maxChain = 10000

// chainTooLong is the problem of a CUE source src that chains more than
// maxChain operators in one expression, at the operator past the limit;
// nil when it does not. It only scans tokens, cheaply, before CUE parses.
func chainTooLong(filename string, src []byte) *diag.Diagnostic {
	var s scanner.Scanner
	s.Init(token.NewFile(filename, -1, len(src)), src, nil, 0)
	n := 0
	for {
		pos, tok, _ := s.Scan()
		switch {
		case tok == token.EOF:
			return nil
		case tok.Precedence() > 0 || tok == token.PERIOD:
			if n++; n > maxChain {
				return &diag.Diagnostic{Pos: offsetPos(filename, src, pos.Offset()),
					Text: fmt.Sprintf("an expression chains more than %d operators (allowed: at most %d in one expression, as CUE nests at most %d levels; split it into fields)", maxChain, maxChain, maxChain)}
			}
		case tok == token.COMMA || tok == token.LBRACE || tok == token.RBRACE || tok == token.LBRACK ||
			tok == token.RBRACK || tok == token.LPAREN || tok == token.RPAREN || tok == token.COLON:
			n = 0
		}
	}
}

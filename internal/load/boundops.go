package load

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
)

// sized is how to check one operation before it runs (bound.go).
type sized struct {
	gate   int         // the operand that waits for the checks: one cheap to hold
	checks []sizeCheck // what it would make, each within its limit
}

// sizeCheck is one size of what a guarded operation would make.
type sizeCheck struct {
	size  string // CUE over the operands A0, A1, …; packages by their last name
	elems bool   // a number of list elements, not of bytes
	makes string // what that is, for the message; %s is the size
}

// What a guarded operation makes, for its checks.
const (
	aString  = "a string of %s bytes"
	aNumber  = "a number of %s bytes"
	aList    = "a list of %s elements"
	itsTexts = "a list holding %s bytes of strings"
)

// builtin is a sized builtin: how many arguments it takes, and its checks.
type builtin struct {
	arity int
	sized
}

// sizedBuiltins are the builtins whose result their arguments size beyond
// a small multiple of the arguments' own, by import path and name. The
// others make at most a few times what they are given (strings.ToUpper,
// base64.Encode, …); and those that build their result piece by piece from
// a structure that may share its parts (list.FlattenN, json.Marshal,
// text/template.Execute) grow in many allocations, which the memory and
// time limits stop.
var sizedBuiltins = map[string]map[string]builtin{
	"strings": {
		"Repeat": {2, sized{gate: 1, checks: []sizeCheck{{size: "__len(A0) * A1", makes: aString}}}},
		// Each string's length, in a list CUE builds: time quadratic in
		// the number of strings (see joinList and joinSubstrings).
		"Join": {2, sized{gate: 1, checks: []sizeCheck{{
			size: "list.Sum([for e in A0 {__len(e)}]) + __len(A0)*__len(A1)", makes: aString}}}},
		"Replace": {4, sized{gate: 0, checks: []sizeCheck{{
			size: "__len(A0) + list.Min([strings.Count(A0, A1), if A3 >= 0 {A3}])*__len(A2)", makes: aString}}}},
	},
	"list": {
		"Repeat": {2, sized{gate: 1, checks: []sizeCheck{
			{size: "__len(A0) * A1", elems: true, makes: aList},
			// The strings of the list written out: the same one repeated is
			// one value in memory, but a Join or an encoder makes it many.
			{size: "list.Sum([for e in A0 {(*__len(e & (__string | __bytes)) | 0) + 0}]) * A1", makes: itsTexts}}}},
		"Concat": {1, sized{gate: 0, checks: []sizeCheck{{size: "list.Sum([for l in A0 {__len(l)}])", elems: true, makes: aList}}}},
		"Range":  {3, sized{gate: 2, checks: []sizeCheck{{size: "(A1 - A0) / A2", elems: true, makes: aList}}}},
	},
	"regexp": {
		// Each match becomes the replacement, whose $1 and ${name} each
		// stand for a part of the source, the matches together at most all
		// of it.
		"ReplaceAll": {3, sized{gate: 1, checks: []sizeCheck{{
			size: `__len(A1) + __len(regexp.FindAll(A0, A1, -1))*__len(A2) + strings.Count(A2, "$")*__len(A1)`, makes: aString}}}},
		"ReplaceAllLiteral": {3, sized{gate: 1, checks: []sizeCheck{{
			size: "__len(A1) + __len(regexp.FindAll(A0, A1, -1))*__len(A2)", makes: aString}}}},
	},
	"math/bits": {
		"Lsh": {2, sized{gate: 1, checks: []sizeCheck{{size: "(bits.Len(A0) + A1) / 8", makes: aNumber}}}},
		"Set": {3, sized{gate: 1, checks: []sizeCheck{{size: "A1 / 8", makes: aNumber}}}},
	},
}

// guardPackages are the packages the sizes call, by the name they use.
var guardPackages = map[string]string{"list": "list", "strings": "strings", "regexp": "regexp", "bits": "math/bits"}

// Operators that make a string or bytes from two others; with numbers (or
// anything but strings and bytes) a size does not work out, and the
// operation runs unchecked, as it may. The right operand waits: an
// operation's own problems are placed at its left one.
var (
	sizedMul = sized{gate: 1, checks: []sizeCheck{{size: "(__len(A0) * A1) | (A0 * __len(A1))", makes: aString}}}
	sizedAdd = sized{gate: 1, checks: []sizeCheck{{size: "__len(A0) + __len(A1)", makes: aString}}}
)

// guardOf is n rewritten to check what it makes first, nil when n makes
// nothing to check.
func (b *bounds) guardOf(n ast.Node, stack []ast.Node) ast.Expr {
	switch x := n.(type) {
	case *ast.CallExpr:
		return b.guardCall(x, stack)
	case *ast.BinaryExpr:
		s := sizedAdd
		switch {
		case x.Op == token.MUL && !(numberLit(x.X) && numberLit(x.Y)):
			s = sizedMul
		case x.Op == token.ADD && !isLit(x.X) && !isLit(x.Y):
			if isString(x.X) || isString(x.Y) {
				return b.postChecked(x.OpPos, "+", stack, x)
			}
		default:
			return nil // a join with a literal grows no faster than the file
		}
		return b.guarded(x.OpPos, x.Op.String(), s, stack, []ast.Expr{x.X, x.Y}, func(refs []ast.Expr) ast.Expr {
			return &ast.BinaryExpr{X: refs[0], OpPos: x.OpPos, Op: x.Op, Y: refs[1]}
		})
	case *ast.Interpolation:
		return b.guardInterpolation(x, stack)
	}
	return nil
}

// guardCall is a call of a sized builtin rewritten to check what it makes
// first, nil for another call.
func (b *bounds) guardCall(x *ast.CallExpr, stack []ast.Node) ast.Expr {
	sel, ok := unparen(x.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	pkg := guardedPackage(sel.X)
	name, _, _ := ast.LabelName(sel.Sel)
	fn, ok := sizedBuiltins[pkg][name]
	if !ok || len(x.Args) != fn.arity {
		return nil // a wrong number of arguments: the call fails unrun
	}
	what := pkg + "." + name
	call := func(args []ast.Expr) ast.Expr {
		return &ast.CallExpr{Fun: x.Fun, Lparen: x.Lparen, Args: args, Rparen: x.Rparen}
	}
	list, written := unparen(x.Args[0]).(*ast.ListLit)
	written = written && !slices.ContainsFunc(list.Elts, func(e ast.Expr) bool {
		_, comp := e.(*ast.Comprehension)
		_, ellipsis := e.(*ast.Ellipsis)
		return comp || ellipsis
	})
	switch {
	case what == "strings.Join" && written:
		if len(list.Elts) == 0 {
			return nil
		}
		n := len(list.Elts)
		operands := append(slices.Clone(list.Elts), x.Args[1])
		return b.guarded(x.Pos(), what, joinList(n), stack, operands, func(refs []ast.Expr) ast.Expr {
			return call([]ast.Expr{&ast.ListLit{Lbrack: list.Lbrack, Elts: refs[:n], Rbrack: list.Rbrack}, refs[n]})
		})
	case what == "list.Concat" && written:
		if len(list.Elts) == 0 {
			return nil
		}
		n := len(list.Elts)
		return b.guarded(x.Pos(), what, concatList(n), stack, list.Elts, func(refs []ast.Expr) ast.Expr {
			return call([]ast.Expr{&ast.ListLit{Lbrack: list.Lbrack, Elts: refs, Rbrack: list.Rbrack}})
		})
	case what == "strings.Join" && substringsOf(x.Args[0]) != nil:
		operands := append(slices.Clip(x.Args), substringsOf(x.Args[0]))
		return b.guarded(x.Pos(), what, joinSubstrings, stack, operands, func(refs []ast.Expr) ast.Expr {
			return call(refs[:2])
		})
	}
	return b.guarded(x.Pos(), what, fn.sized, stack, x.Args, call)
}

// joinList sizes strings.Join([A0, …, An-1], An) of a list written out:
// its strings and a separator after each, added up without the list CUE
// would build to add them.
func joinList(n int) sized {
	return sized{gate: n, checks: []sizeCheck{{size: sumOfLens(n, "__len(A%d)") + fmt.Sprintf(" + %d*__len(A%d)", n, n), makes: aString}}}
}

// concatList sizes list.Concat([A0, …, An-1]) of a list written out.
func concatList(n int) sized {
	return sized{gate: 0, checks: []sizeCheck{{size: sumOfLens(n, "__len(A%d)"), elems: true, makes: aList}}}
}

// sumOfLens adds term, a format of an operand's index, over n operands.
func sumOfLens(n int, term string) string {
	terms := make([]string, n)
	for i := range terms {
		terms[i] = fmt.Sprintf(term, i)
	}
	return strings.Join(terms, " + ")
}

// joinSubstrings sizes strings.Join(A0, A1) where the strings A0 are
// parts of one, A2 (strings.Split(A2, …), regexp.FindAll(…, A2, …)): at
// most A2 and a separator between each two, in time linear in the parts.
var joinSubstrings = sized{gate: 1, checks: []sizeCheck{{size: "__len(A2) + __len(A0)*__len(A1)", makes: aString}}}

// substrings are the builtins that return parts of one of their
// arguments, by import path and name: which argument.
var substrings = map[string]map[string]int{
	"strings": {"Split": 0, "SplitN": 0, "SplitAfter": 0, "SplitAfterN": 0, "Fields": 0},
	"regexp":  {"FindAll": 1},
}

// substringsOf is the string whose parts the list x holds when x is a
// call of one of substrings, nil otherwise.
func substringsOf(x ast.Expr) ast.Expr {
	call, ok := unparen(x).(*ast.CallExpr)
	if !ok {
		return nil
	}
	sel, ok := unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	name, _, _ := ast.LabelName(sel.Sel)
	i, ok := substrings[guardedPackage(sel.X)][name]
	if !ok || i >= len(call.Args) {
		return nil
	}
	return call.Args[i]
}

// postChecked is how many values a string interpolation may join to be
// checked once made rather than before: a check before costs CUE some
// five times one after, and an interpolation of two or three values, the
// common kind, makes at most three times the largest string there is
// (each checked, before or after). A + whose operand is a string is
// checked after too: it makes at most twice the largest.
const postChecked = 3

// guardInterpolation is an interpolation of two values or more rewritten
// to check what it makes.
func (b *bounds) guardInterpolation(x *ast.Interpolation, stack []ast.Node) ast.Expr {
	var parts []ast.Expr
	for i := 1; i < len(x.Elts); i += 2 {
		parts = append(parts, x.Elts[i])
	}
	if len(parts) < 2 {
		return nil // its text and one value: no larger than both
	}
	if len(parts) <= postChecked && isString(x) {
		return b.postChecked(x.Pos(), "the interpolation", stack, x)
	}
	terms := make([]string, 0, len(parts)+1)
	for i := range parts {
		terms = append(terms, fmt.Sprintf("(*__len(A%d) | 0)", i))
	}
	text := 0
	for i := 0; i < len(x.Elts); i += 2 {
		if lit, ok := x.Elts[i].(*ast.BasicLit); ok {
			text += len(interpolationText(lit.Value, i == 0, i == len(x.Elts)-1))
		}
	}
	terms = append(terms, strconv.Itoa(text))
	// Each part a string or bytes, or else nothing: a number's digits
	// are few.
	s := sized{checks: []sizeCheck{{size: strings.Join(terms, " + "), makes: aString}}}
	return b.guarded(x.Pos(), "the interpolation", s, stack, parts, func(refs []ast.Expr) ast.Expr {
		y := *x // the label it may be, and its text
		y.Elts = slices.Clone(x.Elts)
		for i, r := range refs {
			y.Elts[2*i+1] = r
		}
		return &y
	})
}

// interpolationText is the text of one piece of an interpolation as
// written, the first and last pieces with its quotes: "a\(, )b\(, )c".
// An escape (\n, \u00e9) stands for no more bytes than it is written with,
// so the text's length is at least that of what it stands for.
func interpolationText(piece string, first, last bool) string {
	if first {
		piece = strings.TrimLeft(piece, "#")
		piece = piece[quoteLen(piece, strings.HasPrefix):]
	} else {
		piece = strings.TrimPrefix(piece, ")")
	}
	if last {
		piece = strings.TrimRight(piece, "#")
		piece = piece[:len(piece)-quoteLen(piece, strings.HasSuffix)]
	} else if i := strings.LastIndexByte(piece, '\\'); i >= 0 {
		piece = piece[:i] // \( or \#(
	}
	return piece
}

// quoteLen is the length of the quote s has where has looks: a multi-line
// """ or ”', or one " or ', or none.
func quoteLen(s string, has func(s, quote string) bool) int {
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if has(s, q) {
			return len(q)
		}
	}
	return 0
}

// isString reports whether x is a string by how it is written: a string
// literal or interpolation ("…", #"…"#, """…"""), or a + of one, or one
// checked once made.
func isString(x ast.Expr) bool {
	switch x := unparen(x).(type) {
	case *ast.BasicLit:
		return x.Kind == token.STRING && strings.HasPrefix(strings.TrimLeft(x.Value, "#"), `"`)
	case *ast.Interpolation:
		return len(x.Elts) > 0 && isString(x.Elts[0])
	case *ast.BinaryExpr:
		return x.Op == token.ADD && (isString(x.X) || isString(x.Y)) ||
			x.Op == token.AND && isString(x.X) // a string checked (postChecked)
	}
	return false
}

// isLit reports whether x is written as a literal: the operand of a join
// that grows no faster than the file.
func isLit(x ast.Expr) bool {
	_, ok := x.(*ast.BasicLit)
	return ok
}

// numberLit reports whether x is a number written as one.
func numberLit(x ast.Expr) bool {
	lit, ok := x.(*ast.BasicLit)
	return ok && (lit.Kind == token.INT || lit.Kind == token.FLOAT)
}

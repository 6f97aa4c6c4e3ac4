package load

import (
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// A spec's CUE can make one value from others — strings.Repeat,
// list.Repeat, strings.Join, "x" * n, a + b, … — and some of these make it
// in one allocation their operands size: strings.Repeat(strings.Repeat("ab",
// 50000), 50000) asks for 5 GB at once, which the memory watch
// (Loader.bounded) cannot see coming, and the process dies of it. CUE
// offers no hook into its builtins (an injection fills @extern fields with
// values of CUE's internal types, and the builtins are registered inside
// CUE's internal packages), so before CUE builds a file, each such
// operation in its syntax is rewritten to check the size of what it would
// make first. strings.Repeat(s, n) becomes, positioned where the call is
// written,
//
//	strings.Repeat(s, [if ((*(__len(s) * n) | 0) + 0 & <=16777216) != null {n}][0])
//
// The operation runs only once the size is known to be within the bound;
// beyond it, the bound's conflict ("invalid value 10000000000 (out of
// bound <=16777216)", at the call) is the file's problem, which tooLarge
// words for the user. A size CUE cannot work out (an operand of another
// type, or not concrete) counts as 0: the operation then runs, and fails
// or waits as it would have. An operand is written again where the check
// needs it, or held in a let when it declares a name or holds a guard
// (clone). The commonest, an interpolation of a few values and a + of a
// string, are checked once made, which costs CUE less (postChecked).
// Identifiers starting with "__" are reserved by CUE: a user's cannot
// capture the guard's names (its lets, and __len, __string for the
// predeclared ones a field could shadow), nor be captured by them.

// bounds guards the operations of one unit's CUE files, and recognises
// their problems.
type bounds struct {
	bytes, elems int64 // what a guarded operation may make
	sites        map[siteKey]*site
}

// site is one guarded operation as the user wrote it.
type site struct {
	what   string      // the operation: "strings.Repeat", "+"
	checks []sizeCheck // checked before it runs
	after  bool        // checked once made instead (postChecked)
	field  []string    // the field it is written in, from the file's top (fieldOf)
}

// siteKey is where an operation is written.
type siteKey struct {
	file   string
	offset int
}

func keyOf(p token.Pos) siteKey { return siteKey{p.Filename(), p.Offset()} }

// newBounds guards with l's limits.
func (l Limits) newBounds() *bounds {
	return &bounds{bytes: l.valueBytes(), elems: l.valueElems(), sites: map[siteKey]*site{}}
}

// instance guards the files of inst and of the CUE packages it imports,
// those not seen before, and returns their refusals (see guard).
func (b *bounds) instance(inst *build.Instance, seen map[*build.Instance]bool) diag.List {
	if seen[inst] {
		return nil
	}
	seen[inst] = true
	var refused diag.List
	for _, f := range inst.Files {
		refused = append(refused, b.guard(f)...)
	}
	for _, imp := range inst.Imports {
		refused = append(refused, b.instance(imp, seen)...)
	}
	return refused
}

// guard rewrites each sized operation of f into its guarded form, and
// refuses each sized builtin, or package holding one, that f uses other
// than by calling it (f: strings.Repeat, p: strings): it would run
// unguarded. It returns the refusals.
func (b *bounds) guard(f *ast.File) diag.List {
	var refused diag.List
	var stack []ast.Node // from the file to the node visited
	called := map[ast.Expr]bool{}
	selected := map[*ast.Ident]bool{}
	astutil.Apply(f, func(c astutil.Cursor) bool {
		switch x := c.Node().(type) {
		case *ast.ImportDecl, *ast.Attribute, *ast.CommentGroup:
			return false
		case *ast.CallExpr:
			called[unparen(x.Fun)] = true
		case *ast.SelectorExpr:
			if pkg := guardedPackage(x.X); pkg != "" {
				selected[x.X.(*ast.Ident)] = true
				name, _, _ := ast.LabelName(x.Sel)
				if _, ok := sizedBuiltins[pkg][name]; ok && !called[x] {
					refused = append(refused, refusal(x, stack, fmt.Sprintf("%s.%s is used as a value, which rollspec cannot bound (allowed: a call, %s.%s(…))", pkg, name, pkg, name)))
				}
			}
		case *ast.Ident:
			if pkg := guardedPackage(x); pkg != "" && !selected[x] {
				refused = append(refused, refusal(x, stack, fmt.Sprintf("package %s is used as a value, which would let its functions run unbounded (allowed: its functions called, %s.Name(…))", pkg, x.Name)))
			}
		}
		stack = append(stack, c.Node())
		return true
	}, func(c astutil.Cursor) bool {
		if g := b.guardOf(c.Node(), stack); g != nil {
			c.Replace(g)
		}
		stack = stack[:len(stack)-1]
		return true
	})
	return refused
}

// refusal is the problem of n, in the field stack leads to, used in a way
// no guard can follow.
func refusal(n ast.Node, stack []ast.Node, text string) *diag.Diagnostic {
	return &diag.Diagnostic{Pos: n.Pos(), Field: strings.Join(fieldOf(stack), "."), Text: text}
}

// guardedPackage is the import path of the package x names when it holds
// sized builtins, "" otherwise.
func guardedPackage(x ast.Expr) string {
	id, ok := x.(*ast.Ident)
	if !ok {
		return ""
	}
	spec, ok := id.Node.(*ast.ImportSpec)
	if !ok || spec.Path == nil {
		return ""
	}
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil || sizedBuiltins[path] == nil {
		return ""
	}
	return path
}

func unparen(x ast.Expr) ast.Expr {
	for {
		p, ok := x.(*ast.ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}

// fieldOf is the path of the field stack leads to, one label to an
// element (labelText), with the index of each list element: annotations a;
// ports[0] name; releases […] image.
func fieldOf(stack []ast.Node) []string {
	var path []string
	for i, n := range stack {
		switch x := n.(type) {
		case *ast.Field:
			path = append(path, labelText(x.Label))
		case *ast.ListLit:
			for j, e := range x.Elts {
				if i+1 < len(stack) && e == stack[i+1] && len(path) > 0 {
					path[len(path)-1] += fmt.Sprintf("[%d]", j)
				}
			}
		}
	}
	return path
}

// labelText writes a field's label as a path names it: the name, quoted
// when it is not an identifier (files."a.txt"), […] for a pattern or a
// label computed.
func labelText(l ast.Label) string {
	name, _, err := ast.LabelName(l)
	switch {
	case err != nil:
		return "[…]"
	case !ast.IsValidIdent(name):
		return strconv.Quote(name)
	}
	return name
}

package load

import (
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// guarded returns the operation op(operands), written at at, rewritten to
// run only once what it would make is known to be within s's limits. The
// operand s.gate waits for the checks; an operand is held in a let when it
// cannot be written again (clone):
//
//	op(A0, [if CHECKS {A1}][0])
//
// or, with a let, ({let __a0 = X0, __r: op(__a0, [if CHECKS {A1}][0])}.__r).
// The operation itself stays in place when it can: a list a builtin
// returns costs CUE time quadratic in its length once held in a field, as
// a let or __r would hold it, and nothing when handed on.
func (b *bounds) guarded(at token.Pos, what string, s sized, stack []ast.Node, operands []ast.Expr, op func(refs []ast.Expr) ast.Expr) ast.Expr {
	hold := make([]func() ast.Expr, len(operands)) // each use of an operand
	var wrapper ast.Expr
	var letsIn *ast.StructLit
	var lets strings.Builder
	for i, x := range operands {
		if _, ok := clone(x); ok {
			hold[i] = func() ast.Expr { y, _ := clone(x); return y }
		} else {
			fmt.Fprintf(&lets, "let A%d = X%d\n", i, i)
		}
	}
	if lets.Len() > 0 {
		wrapper = template(at, "({\n"+lets.String()+"R: M\n}.R)", operands, hold)
		letsIn = wrapper.(*ast.ParenExpr).X.(*ast.SelectorExpr).X.(*ast.StructLit)
		for _, d := range letsIn.Elts {
			if l, ok := d.(*ast.LetClause); ok {
				i, _ := strconv.Atoi(strings.TrimPrefix(l.Ident.Name, "__a"))
				pos := operands[i].Pos()
				hold[i] = func() ast.Expr { return &ast.Ident{NamePos: pos, Name: l.Ident.Name, Node: l, Scope: letsIn} }
			}
		}
	}
	conds := make([]string, len(s.checks))
	for i, c := range s.checks {
		conds[i] = fmt.Sprintf("((*(%s) | 0) + 0 & <=%d) != null", c.size, b.limit(c))
	}
	refs := make([]ast.Expr, len(operands))
	for i := range operands {
		refs[i] = hold[i]()
	}
	refs[s.gate] = template(at, fmt.Sprintf("[if %s {A%d}][0]", strings.Join(conds, " && "), s.gate), operands, hold)
	b.sites[keyOf(at)] = &site{what: what, checks: s.checks, field: fieldOf(stack)}
	if wrapper == nil {
		return op(refs)
	}
	astutil.Apply(wrapper, func(c astutil.Cursor) bool {
		if id, ok := c.Node().(*ast.Ident); ok && id.Name == "M" {
			c.Replace(op(refs))
		}
		return true
	}, nil)
	return wrapper
}

// postChecked returns x, a string written at at, checked once made: no
// more characters than a spec file of the size limit can hold.
//
//	(x & strings.MaxRunes(16777216))
func (b *bounds) postChecked(at token.Pos, what string, stack []ast.Node, x ast.Expr) ast.Expr {
	check := template(at, fmt.Sprintf("strings.MaxRunes(%d)", b.bytes), nil, nil)
	b.sites[keyOf(at)] = &site{what: what, field: fieldOf(stack), after: true}
	return &ast.ParenExpr{Lparen: at, X: &ast.BinaryExpr{X: x, OpPos: at, Op: token.AND, Y: check}}
}

// template parses src, a guard's CUE, positions it at at and fills it in:
// X0, X1, … are the operands, A0, A1, … each a use of one (hold), R the
// wrapper's field; packages are those of guardPackages, and the names the
// template declares (its lets, a comprehension's variables) start with
// "__", as no user's may.
func template(at token.Pos, src string, operands []ast.Expr, hold []func() ast.Expr) ast.Expr {
	expr, err := parser.ParseExpr("guard", src)
	if err != nil {
		panic(fmt.Sprintf("guard %q does not parse: %v", src, err)) // the templates are rollspec's own
	}
	imports := map[string]*ast.ImportSpec{}
	return astutil.Apply(expr, func(c astutil.Cursor) bool {
		n := c.Node()
		ast.SetPos(n, at)
		switch x := n.(type) {
		case *ast.BinaryExpr:
			x.OpPos = at
		case *ast.LetClause:
			x.Ident.Name = "__a" + strings.TrimPrefix(x.Ident.Name, "A")
		case *ast.ForClause:
			x.Value.Name = "__" + x.Value.Name
		case *ast.Ident:
			if i, ok := operand(x.Name, "X"); ok {
				c.Replace(operands[i])
				return false
			}
			if i, ok := operand(x.Name, "A"); ok && x.Node == nil {
				c.Replace(hold[i]())
				return false
			}
			switch {
			case x.Name == "R":
				x.Name = "__r"
			case x.Node != nil: // declared in the template: a let or a variable
				x.Name = "__" + strings.TrimPrefix(x.Name, "__")
			case guardPackages[x.Name] != "":
				if imports[x.Name] == nil {
					imports[x.Name] = ast.NewImport(nil, guardPackages[x.Name])
				}
				x.Name, x.Node = "__"+x.Name, imports[x.Name]
			}
		}
		return true
	}, nil).(ast.Expr)
}

// clone copies x when x can be written again where the checks need it,
// evaluated anew each time: each use of an operand is its own syntax, as
// CUE's compiler expects, whose names keep what they refer to. Names,
// paths, literals, calls and operators on them can be; not what declares
// a name (whose uses a copy would have to follow), nor a guard (so copies
// never nest, and the file grows by a few times at most): ok is false.
// A builtin's list handed on so costs CUE time linear in its length, where
// a let holding it costs quadratic.
func clone(x ast.Expr) (_ ast.Expr, ok bool) {
	ok = true
	c := func(x ast.Expr) ast.Expr {
		y, yes := clone(x)
		ok = ok && yes
		return y
	}
	switch x := x.(type) {
	case nil:
		return nil, true
	case *ast.BasicLit:
		y := *x
		return &y, true
	case *ast.Ident:
		y := *x
		return &y, true
	case *ast.BottomLit:
		y := *x
		return &y, true
	case *ast.SelectorExpr:
		y := *x
		y.X = c(x.X)
		if sel, isIdent := x.Sel.(*ast.Ident); isIdent {
			s := *sel
			y.Sel = &s
		}
		return &y, ok
	case *ast.ParenExpr:
		y := *x
		y.X = c(x.X)
		return &y, ok
	case *ast.UnaryExpr:
		y := *x
		y.X = c(x.X)
		return &y, ok
	case *ast.BinaryExpr:
		y := *x
		y.X, y.Y = c(x.X), c(x.Y)
		return &y, ok
	case *ast.IndexExpr:
		y := *x
		y.X, y.Index = c(x.X), c(x.Index)
		return &y, ok
	case *ast.SliceExpr:
		y := *x
		y.X, y.Low, y.High = c(x.X), c(x.Low), c(x.High)
		return &y, ok
	case *ast.CallExpr:
		y := *x
		y.Fun, y.Args = c(x.Fun), cloneAll(x.Args, c)
		return &y, ok
	case *ast.ListLit:
		y := *x
		y.Elts = cloneAll(x.Elts, c)
		return &y, ok
	case *ast.Interpolation:
		y := *x
		y.Elts = cloneAll(x.Elts, c)
		return &y, ok
	}
	return nil, false
}

// cloneAll copies each of xs with c.
func cloneAll(xs []ast.Expr, c func(ast.Expr) ast.Expr) []ast.Expr {
	ys := make([]ast.Expr, len(xs))
	for i, x := range xs {
		ys[i] = c(x)
	}
	return ys
}

// operand reports whether name is prefix followed by an operand's index,
// and which.
func operand(name, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	return i, err == nil
}

package load

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/spell"
)

// Attributes in the schema that describe what a field allows.
const (
	attrAllowed = "allowed" // on a field: the values it accepts
	attrKeys    = "keys"    // on a map: the keys it accepts
	attrValues  = "values"  // on a map or a list: the values (elements) it accepts
)

// validator checks one release's data against the schema.
type validator struct {
	schema cue.Value // #Release
	// trimmed is #Release without the optional fields the release leaves
	// out (schema.Trimmed), tried first; zero when there is none.
	trimmed cue.Value
	data    cue.Value // the user's value, positions in their file
	root    token.Pos // where the release starts, for fields that are missing
	src     []byte    // the YAML/JSON source, nil for CUE
	skip    int       // the lines of the file before src
	yaml    bool      // src is YAML
	bounds  *bounds   // the CUE file's guarded operations (bound.go), nil for none
	errs    diag.List
}

// unify validates data against the schema and returns the unified value,
// or the problems found.
func (v *validator) unify() (cue.Value, diag.List) {
	data := v.data
	if v.src == nil {
		data = userDefaults(data)
	}
	var u cue.Value
	var errs []errors.Error
	if v.trimmed.Exists() {
		// Valid against the trimmed schema means valid; a problem is
		// explained against the whole one, whose messages list every
		// field.
		u = data.Unify(v.trimmed)
		errs = validateAll(u)
	}
	if !v.trimmed.Exists() || len(errs) > 0 {
		u = data.Unify(v.schema)
		errs = validateAll(u)
	}
	if len(errs) > 0 {
		// CUE reports unknown fields itself when nothing else is wrong;
		// only then can they hide, so only then walk for them.
		v.unknownFields(v.data, v.schema, cue.Path{})
		v.cueErrors(errs)
	}
	v.passThroughFields(u)
	return u, v.errs
}

// userDefaults settles the defaults a CUE spec gives its fields (a
// template's `replicas: *2 | int`) before the schema's are met: in CUE two
// different defaults cancel out, so the field would be left without a
// value, where a user means theirs to win.
func userDefaults(data cue.Value) cue.Value {
	out := data
	var walk func(x cue.Value, path []cue.Selector)
	walk = func(x cue.Value, path []cue.Selector) {
		if d, ok := x.Default(); ok && d.IsConcrete() {
			// Scalars, and whole structs or lists (tls: *{…} | {…}).
			out = out.FillPath(cue.MakePath(path...), d)
			return
		}
		for sel, c := range children(x) {
			walk(c, append(path[:len(path):len(path)], sel))
		}
	}
	walk(data, nil)
	return out
}

// validateAll validates u as concrete and final and returns every problem.
// CUE's Validate stops at a struct or list that holds an error anywhere
// below it, so one bad value hid the others beside it (a missing required
// field next to an invalid one); below such a node, validateAll validates
// each child on its own.
func validateAll(u cue.Value) []errors.Error {
	err := u.Validate(cue.Concrete(true), cue.Final())
	if err == nil {
		return nil
	}
	own := u.Err()
	if own == nil || !onlyBelow(own, u) {
		return errors.Errors(err)
	}
	var errs []errors.Error
	for _, c := range children(u) {
		errs = append(errs, validateAll(c)...)
	}
	if len(errs) == 0 {
		return errors.Errors(err)
	}
	return errs
}

// children yields the fields of a struct, or the elements of a list. It
// asks the value itself, not its kind: a value holding an error below has
// no kind.
func children(v cue.Value) iter.Seq2[cue.Selector, cue.Value] {
	return func(yield func(cue.Selector, cue.Value) bool) {
		if it, err := v.Fields(); err == nil {
			for it.Next() {
				if !yield(it.Selector(), it.Value()) {
					return
				}
			}
		} else if it, err := v.List(); err == nil {
			for i := 0; it.Next(); i++ {
				if !yield(cue.Index(i), it.Value()) {
					return
				}
			}
		}
	}
}

// onlyBelow reports whether every error of err is about a field below u,
// rather than about u itself.
func onlyBelow(err error, u cue.Value) bool {
	depth := len(u.Path().Selectors())
	for _, e := range errors.Errors(err) {
		if len(e.Path()) <= depth {
			return false
		}
	}
	return true
}

// add records a problem at path; the position is where the user wrote the
// field, or the closest enclosing field they did write.
func (v *validator) add(path cue.Path, format string, args ...any) {
	v.errs = append(v.errs, &diag.Diagnostic{Pos: v.pos(path), Field: path.String(), Text: fmt.Sprintf(format, args...)})
}

// pos returns the position of path in the user's data, walking up to the
// closest ancestor that exists and is written in the user's files (a
// value taken from a CUE package, list.Ascending, has its position there).
func (v *validator) pos(path cue.Path) token.Pos {
	sels := path.Selectors()
	for n := len(sels); n > 0; n-- {
		if d := v.data.LookupPath(cue.MakePath(sels[:n]...)); d.Exists() {
			if p := d.Pos(); p.IsValid() && !inCUE(p) {
				return p
			}
		}
	}
	return v.root
}

// unknownFields reports fields of data the schema does not allow, with the
// fields it does allow; CUE itself hides these behind other errors.
func (v *validator) unknownFields(data, sch cue.Value, path cue.Path) {
	kind := data.Kind()
	if kind == cue.BottomKind {
		// A struct or list with a conflict below is an error as a whole;
		// its other fields are still to be checked.
		if _, err := data.Fields(cue.Optional(true)); err == nil {
			kind = cue.StructKind
		} else if _, err := data.List(); err == nil {
			kind = cue.ListKind
		}
	}
	if kind&sch.IncompleteKind() == 0 {
		return // a mapping where a list belongs (or so): one type error says it
	}
	switch kind {
	case cue.StructKind:
		it, err := data.Fields(cue.Optional(true))
		if err != nil {
			return
		}
		for it.Next() {
			sel := it.Selector()
			p := appendPath(path, sel)
			if !sch.Allows(sel) {
				v.add(p, "%s", notAllowed(sch, sel))
				continue
			}
			v.unknownFields(it.Value(), schemaChild(sch, sel), p)
		}
	case cue.ListKind:
		it, err := data.List()
		if err != nil {
			return
		}
		for i := 0; it.Next(); i++ {
			v.unknownFields(it.Value(), schemaChild(sch, cue.Index(i)), appendPath(path, cue.Index(i)))
		}
	}
}

// notAllowed explains why sel may not appear in the struct sch.
func notAllowed(sch cue.Value, sel cue.Selector) string {
	names := fieldNames(sch)
	if len(names) == 0 {
		// A map: the key does not match the pattern.
		if keys := attr(sch, attrKeys); keys != "" {
			return fmt.Sprintf("invalid key %s (allowed: %s)", sel.String(), keys)
		}
		// A struct with no fields at all, such as recreate: {}.
		return "unknown field (allowed: none: it is written {})"
	}
	msg := "unknown field"
	if s := spell.Closest(sel.String(), names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Sprintf("%s (allowed: %s)", msg, strings.Join(names, ", "))
}

// fieldNames lists the fields the struct sch declares, in schema order.
func fieldNames(sch cue.Value) []string {
	var names []string
	it, err := sch.Fields(cue.Optional(true), cue.Definitions(false))
	if err == nil {
		for it.Next() {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(it.Selector().String(), "?"), "!"))
		}
	}
	return names
}

// schemaChild returns the schema for field sel of sch: the field itself,
// or the pattern or list element constraint that applies to it.
func schemaChild(sch cue.Value, sel cue.Selector) cue.Value {
	if c := sch.LookupPath(cue.MakePath(sel)); c.Exists() {
		return c
	}
	if sel.Type() == cue.StringLabel {
		if c := sch.LookupPath(cue.MakePath(sel.Optional())); c.Exists() {
			return c
		}
	}
	if sel.Type() == cue.IndexLabel {
		return sch.LookupPath(cue.MakePath(cue.AnyIndex))
	}
	return sch.LookupPath(cue.MakePath(cue.AnyString))
}

// schemaAt follows path through the schema.
func schemaAt(sch cue.Value, path cue.Path) cue.Value {
	for _, sel := range path.Selectors() {
		sch = schemaChild(sch.Eval(), sel)
	}
	return sch
}

func appendPath(p cue.Path, sel cue.Selector) cue.Path {
	return cue.MakePath(append(p.Selectors(), sel)...)
}

// attr returns the text of the schema attribute name on v, or "".
func attr(v cue.Value, name string) string {
	a := v.Attribute(name)
	if a.Err() != nil {
		return ""
	}
	s, err := a.String(0)
	if err != nil {
		return ""
	}
	return s
}

// cueErrors turns CUE's errors into one clear problem per field.
func (v *validator) cueErrors(errs []errors.Error) {
	type group struct {
		path cue.Path
		errs []errors.Error
	}
	groups := map[string]*group{}
	var order []string
	// Errors name fields from the root of the file; a release that is an
	// element of a list or of `releases` sits below it.
	depth := len(v.data.Path().Selectors())
	for _, e := range errs {
		elems := e.Path()
		if len(elems) >= depth {
			elems = elems[depth:]
		}
		p := v.cuePath(elems)
		key := p.String()
		g, ok := groups[key]
		if !ok {
			g = &group{path: p}
			groups[key] = g
			order = append(order, key)
		}
		g.errs = append(g.errs, e)
	}
	reported := map[string]bool{}
	for _, e := range v.errs {
		reported[e.Field] = true
	}
	for _, key := range order {
		g := groups[key]
		if reported[key] || coveredByUnknown(key, reported) {
			continue
		}
		if slices.ContainsFunc(order, func(k string) bool { return strings.HasPrefix(k, key+".") || strings.HasPrefix(k, key+"[") }) && key != "" {
			continue // a struct that fails because of a field in it: the field says why
		}
		v.explain(g.path, g.errs)
	}
}

// coveredByUnknown reports whether a problem under key is a consequence of
// an unknown field already reported at or above it.
func coveredByUnknown(key string, reported map[string]bool) bool {
	for r := range reported {
		if strings.HasPrefix(key, r+".") || strings.HasPrefix(key, r+"[") {
			return true
		}
	}
	return false
}

// cuePath rebuilds a typed path from CUE's error path elements: numeric
// elements under a list are indexes.
func (v *validator) cuePath(elems []string) cue.Path {
	var sels []cue.Selector
	cur := v.schema
	for _, el := range elems {
		var sel cue.Selector
		if n, err := strconv.Atoi(el); err == nil && cur.IncompleteKind()&cue.ListKind != 0 {
			sel = cue.Index(n)
		} else if strings.HasPrefix(el, "#") {
			sel = cue.Def(el)
		} else {
			sel = cue.Str(unquote(el))
		}
		sels = append(sels, sel)
		cur = schemaChild(cur.Eval(), sel)
	}
	return cue.MakePath(sels...)
}

func unquote(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// explain reports the problem at path described by CUE's errs.
func (v *validator) explain(path cue.Path, errs []errors.Error) {
	if v.tooLarge(path, errs) {
		return
	}
	n := len(v.errs)
	defer func() {
		// Where the data has no position for path (e.g. a YAML key given
		// twice), use the user-file position CUE reports.
		for _, e := range v.errs[n:] {
			if !e.Pos.IsValid() {
				if p := userPos(errs); p.IsValid() {
					e.Pos = p
				}
			}
		}
	}()
	sch := schemaAt(v.schema, path)
	allowed := allowedText(sch)
	if sels := path.Selectors(); allowed == "" && len(sels) > 0 {
		allowed = attr(schemaAt(v.schema, cue.MakePath(sels[:len(sels)-1]...)), attrValues)
	}
	d := v.data.LookupPath(path)
	if allowed == "" && d.Exists() && d.IncompleteKind()&sch.IncompleteKind() == 0 {
		allowed = kindName(sch.IncompleteKind())
	}
	if text, at := userConflict(errs); text != "" {
		v.add(path, "%s", text)
		if e := v.errs[len(v.errs)-1]; len(at) > 0 {
			e.Pos, e.Refs = at[0], at // lead with a place that holds a value
		}
		return
	}
	var msgs []string
	incomplete := false
	for _, e := range errs {
		format, args := e.Msg()
		m := fmt.Sprintf(format, args...)
		switch classifyCUE(m) {
		case cueNotAllowed:
			if !d.Exists() && sch.Exists() {
				// Not the user's unknown field but the schema's, refused
				// by a closed struct: the user's value is a definition.
				sels := path.Selectors()
				at := cue.MakePath(sels[:len(sels)-1]...)
				if slices.ContainsFunc(v.errs, func(e *diag.Diagnostic) bool {
					return e.Field == at.String() && strings.HasPrefix(e.Text, closedPrefix)
				}) {
					return // one closed struct, one problem
				}
				v.add(at, "%s", closed("field "+sels[len(sels)-1].String()))
				return
			}
			// Reported by unknownFields with the allowed names.
			return
		case cueIncomplete:
			incomplete = true
		case cueEmptyList:
			// An empty list where the schema wants at least one element.
			v.add(path, "is empty%s", paren("allowed: ", allowed))
			return
		case cueDisjunction:
		default:
			msgs = append(msgs, m)
		}
	}
	switch {
	case !d.Exists() && incomplete:
		// Report the outermost field the user left out.
		sels := path.Selectors()
		for len(sels) > 1 && !v.data.LookupPath(cue.MakePath(sels[:len(sels)-1]...)).Exists() {
			sels = sels[:len(sels)-1]
		}
		if len(sels) < len(path.Selectors()) {
			outer := cue.MakePath(sels...)
			v.add(outer, "missing required field%s", paren("allowed: ", allowedText(schemaAt(v.schema, outer))))
			return
		}
		v.add(path, "missing required field%s", paren("allowed: ", allowed))
	case len(msgs) == 0 && incomplete:
		v.add(path, "must be a concrete value%s", paren("allowed: ", allowed))
	case d.Exists() && isNumber(d) && wantsString(sch):
		lit := v.raw(d)
		why := "" // CUE and JSON users know a number from a string
		if v.yaml {
			why = "; unquoted, YAML drops leading and trailing zeros"
		}
		v.add(path, "%s is a number, not a string (allowed: a string: quote it as %q%s)", lit, lit, why)
	case d.Exists() && d.Kind() == cue.BoolKind && wantsString(sch):
		lit := v.raw(d)
		v.add(path, "%s is a boolean, not a string (allowed: a string: quote it as %q)", lit, lit)
	case allowed != "" && d.Exists():
		v.add(path, "invalid value %s (allowed: %s)", show(d), allowed)
	default:
		v.add(path, "%s", bestMessage(msgs))
	}
}

// closedPrefix starts the problem of a value built on a definition.
const closedPrefix = "is closed"

// closed explains that a value built on a definition (closed in CUE)
// cannot take what the schema adds: what, such as "field protocol".
func closed(what string) string {
	return closedPrefix + " (built on a definition such as #Base), so the schema's " + what + " cannot be added (allowed: shared values in a hidden field, which stays open: _base: {…}, then releases: web: _base & {…})"
}

// userConflict describes a conflict between values the user wrote in two
// places (two files of a CUE package, a template and a release), and
// returns those places as the message's Refs; "" when errs hold none.
func userConflict(errs []errors.Error) (string, []token.Pos) {
	for _, e := range errs {
		format, args := e.Msg()
		m := fmt.Sprintf(format, args...)
		says := classifyCUE(m)
		if says != cueConflict && says != cueListLengths && says != cueEmptyList {
			continue
		}
		var at []token.Pos
		for _, p := range errors.Positions(e) {
			if p.IsValid() && !inCUE(p) && !slices.ContainsFunc(at, func(q token.Pos) bool { return diag.SamePlace(p, q) }) {
				at = append(at, p)
			}
		}
		if len(at) >= 2 {
			return m + ", written at {0} and {1} (allowed: one value, or a default marked *value that the other overrides)", at[:2]
		}
		if says == cueListLengths { // not an empty list, which explain reports
			// CUE names one place only: the lists unify element by element.
			return m + ": two lists for one field (allowed: one list, or lists of the same length that agree)", nil
		}
	}
	return "", nil
}

// userPos returns the first position in errs outside CUE's own sources.
func userPos(errs []errors.Error) token.Pos {
	for _, e := range errs {
		for _, p := range errors.Positions(e) {
			if p.IsValid() && !inCUE(p) {
				return p
			}
		}
	}
	return token.NoPos
}

// bestMessage picks the most specific CUE message: one about the user's
// value rather than about a default it conflicts with.
func bestMessage(msgs []string) string {
	if len(msgs) == 0 {
		return "invalid value"
	}
	for _, m := range msgs {
		if classifyCUE(m) == cueInvalidValue {
			return m
		}
	}
	return msgs[len(msgs)-1]
}

func paren(prefix, s string) string {
	if s == "" {
		return ""
	}
	return " (" + prefix + s + ")"
}

// allowedText describes what sch accepts: its @allowed text, or its values
// when it is an enumeration.
func allowedText(sch cue.Value) string {
	if s := attr(sch, attrAllowed); s != "" {
		return s
	}
	op, args := sch.Expr()
	if op != cue.OrOp {
		return ""
	}
	var vals []string
	for _, a := range args {
		if !a.IsConcrete() {
			return ""
		}
		vals = append(vals, fmt.Sprint(a))
	}
	sort.Strings(vals)
	return strings.Join(vals, ", ")
}

// kindName describes the kinds k allows, e.g. "a string".
func kindName(k cue.Kind) string {
	var names []string
	for _, n := range []struct {
		k    cue.Kind
		name string
	}{{cue.StringKind, "a string"}, {cue.IntKind, "an integer"}, {cue.FloatKind, "a number"}, {cue.BoolKind, "true or false"}, {cue.StructKind, "a mapping"}, {cue.ListKind, "a list"}} {
		if k&n.k != 0 && !(n.k == cue.FloatKind && k&cue.IntKind != 0 && len(names) > 0 && names[len(names)-1] == "an integer") {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, " or ")
}

func isNumber(v cue.Value) bool {
	k := v.Kind()
	return k == cue.IntKind || k == cue.FloatKind || k == cue.NumberKind
}

func wantsString(sch cue.Value) bool {
	k := sch.IncompleteKind()
	return k&cue.StringKind != 0 && k&cue.NumberKind == 0
}

// literal returns how the user wrote v, e.g. 1.10 rather than 1.1.
// raw returns d as the user typed it: YAML reads 0010 as 8 and 0x1F as
// 31, and a hint to quote a value must quote what was written.
func (v *validator) raw(d cue.Value) string {
	src := d.Source()
	if f, ok := src.(*ast.Field); ok {
		src = f.Value
	}
	lit, ok := src.(*ast.BasicLit)
	if !ok || v.src == nil || !lit.Pos().IsValid() {
		return literal(d)
	}
	off := lit.Pos().Offset()
	if v.yaml {
		off = yamlOffset(v.src, v.skip, lit.Pos())
	}
	if off >= len(v.src) {
		return literal(d)
	}
	if t := scalarAt(v.src, off); t != "" {
		return t
	}
	return literal(d)
}

// scalarAt returns the YAML or JSON scalar written at offset off of src.
func scalarAt(src []byte, off int) string {
	end := off
	for end < len(src) && !strings.ContainsRune(" \t\r\n,]}#", rune(src[end])) {
		end++
	}
	return string(src[off:end])
}

func literal(v cue.Value) string {
	if lit, ok := v.Source().(*ast.BasicLit); ok {
		return lit.Value
	}
	return fmt.Sprint(v)
}

// show renders a value for a message: scalars as written, the rest by kind.
func show(v cue.Value) string {
	switch v.Kind() {
	case cue.StructKind:
		return "{…}"
	case cue.ListKind:
		return "[…]"
	case cue.StringKind:
		s, _ := v.String()
		return strconv.Quote(s)
	case cue.BottomKind:
		if v.IsConcrete() {
			return "value"
		}
	}
	return literal(v)
}

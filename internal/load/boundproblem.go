package load

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
)

// limit is the bound on c's size.
func (b *bounds) limit(c sizeCheck) int64 {
	if c.elems {
		return b.elems
	}
	return b.bytes
}

// tooLarge is the problem of a guarded operation whose result would pass
// its bound, or did (postChecked), worded for the user; nil when e is
// another error.
func (b *bounds) tooLarge(e errors.Error) *diag.Diagnostic {
	if b == nil || len(b.sites) == 0 {
		return nil
	}
	size, bound, before := outOfBound(e)
	validator, after := notSatisfied(e)
	if !before && !after {
		return nil
	}
	for _, p := range errors.Positions(e) {
		s := b.sites[keyOf(p)]
		if s == nil {
			continue
		}
		field := strings.Join(s.field, ".")
		if after && s.after && validator == fmt.Sprintf("strings.MaxRunes(%d)", b.bytes) {
			return &diag.Diagnostic{Pos: p, Field: field, Text: fmt.Sprintf(
				"%s makes a string of more than %d characters: too large (limit %d characters, as many as a spec file of %s can hold; raise with --max-file-size)",
				s.what, b.bytes, b.bytes, BytesText(b.bytes))}
		}
		for _, c := range s.checks {
			if before && bound == "<="+strconv.FormatInt(b.limit(c), 10) {
				return &diag.Diagnostic{Pos: p, Field: field, Text: b.tooLargeText(s.what, c, wholeNumber(size))}
			}
		}
	}
	return nil
}

// fieldAt is the field of the guarded operation at p (fieldOf).
func (b *bounds) fieldAt(p token.Pos) []string {
	if s := b.sites[keyOf(p)]; s != nil {
		return s.field
	}
	return nil
}

// tooLargeText says what the operation what would make, and the limit.
func (b *bounds) tooLargeText(what string, c sizeCheck, size string) string {
	makes := fmt.Sprintf(c.makes, size)
	if c.elems {
		return fmt.Sprintf("%s would make %s: too large (limit %d elements, as many as a spec file of %s can hold; raise with --max-file-size)",
			what, makes, b.elems, BytesText(b.bytes))
	}
	return fmt.Sprintf("%s would make %s: too large (limit %s, the largest a spec file may be; raise with --max-file-size)",
		what, makes, BytesText(b.bytes))
}

// wholeNumber writes a size CUE computed, which may be a float (1.0E+9,
// 125000000.5), as the whole number at or above it.
func wholeNumber(s string) string {
	f, _, err := big.ParseFloat(s, 10, 256, big.ToPositiveInf)
	if err != nil {
		return s
	}
	n, acc := f.Int(nil)
	if acc == big.Below {
		n.Add(n, big.NewInt(1))
	}
	return n.String()
}

// tooLarge reports the problem of a guarded operation among errs, CUE's
// at path in the release, if there is one.
func (v *validator) tooLarge(path cue.Path, errs []errors.Error) bool {
	for _, e := range errs {
		if d := v.bounds.tooLarge(e); d != nil {
			if len(path.Selectors()) > 0 {
				d.Field = labelPath(path)
			} else {
				d.Field = v.inRelease(d)
			}
			v.errs = append(v.errs, d)
			return true
		}
	}
	return false
}

// labelPath writes path as the user wrote its labels: _x, not "_x".
func labelPath(path cue.Path) string {
	var b strings.Builder
	for _, sel := range path.Selectors() {
		s := sel.String()
		if u, err := strconv.Unquote(s); err == nil && ast.IsValidIdent(u) {
			s = u
		}
		if sel.Type() != cue.IndexLabel && b.Len() > 0 {
			b.WriteByte('.')
		}
		if sel.Type() == cue.IndexLabel {
			s = "[" + s + "]"
		}
		b.WriteString(s)
	}
	return b.String()
}

// inRelease is where in the release the operation at d is written,
// which prefixed completes: d's field, a path from the top of the file
// (a template's pattern standing for the release's name); "" when it is
// written outside the release.
func (v *validator) inRelease(d *diag.Diagnostic) string {
	release := v.data.Path().Selectors()
	field := v.bounds.fieldAt(d.Pos)
	if len(field) < len(release) {
		return ""
	}
	for i, sel := range release {
		if field[i] != sel.String() && !strings.HasPrefix(field[i], "[") {
			return ""
		}
	}
	return strings.Join(field[len(release):], ".")
}

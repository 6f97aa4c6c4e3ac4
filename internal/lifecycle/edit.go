package lifecycle

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/rollspec/rollspec/internal/compile"
	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/internal/specpath"
)

// File is one spec file the edit changed, with its new content.
type File struct {
	Name string
	Src  []byte
}

// Result is a plan applied to a release's sources, checked: the files it
// changes and the unit's releases loaded again from them.
type Result struct {
	// Files are the changed files, in the unit's order.
	Files []File
	// Specs are the unit's releases as the edited sources hold them.
	Specs []*load.Spec
	// Where is the file each of the plan's changes edited (the release's
	// file for a change that edits nothing of its own).
	Where []string
}

// edits counts the edits made to each of docs.
func edits(docs []*specedit.Doc) []int {
	n := make([]int, len(docs))
	for i, d := range docs {
		n[i] = d.Edits()
	}
	return n
}

// ErrInvalid wraps the problems of an edit whose result would not load
// or compile.
var ErrInvalid = errors.New("the edited spec would be invalid, so nothing was written")

// Edit applies plan to the release s, written in the files of unit (whose
// contents are srcs), and checks that the result loads and compiles;
// nothing is written. An error is a diag.List or *diag.Diagnostic where
// the source cannot take the edit, or ErrInvalid wrapping the result's
// problems.
func Edit(l *load.Loader, unit specpath.Unit, srcs [][]byte, s *load.Spec, plan *Plan) (*Result, error) {
	docs := make([]*specedit.Doc, len(unit.Files))
	for i, f := range unit.Files {
		d, err := specedit.Parse(f, srcs[i])
		if err != nil {
			return nil, fmt.Errorf("reading for editing: %w", err)
		}
		docs[i] = d
	}
	src, err := specedit.Find(docs, s.Release.Name, s.Release.Namespace)
	if err != nil {
		return nil, err
	}
	res := &Result{Where: make([]string, len(plan.Changes))}
	for i, c := range plan.Changes {
		res.Where[i] = s.File
		if c.edit == nil {
			continue
		}
		if err := shared(docs, src, s, c.Path); err != nil {
			return nil, err
		}
		before := edits(docs)
		if err := c.edit(src); err != nil {
			return nil, err
		}
		for j, n := range edits(docs) {
			if n != before[j] {
				res.Where[i] = unit.Files[j]
			}
		}
	}
	edited := make([][]byte, len(docs))
	for i, d := range docs {
		out, changed, err := d.Result()
		if err != nil {
			return nil, err
		}
		edited[i] = out
		if changed {
			res.Files = append(res.Files, File{Name: unit.Files[i], Src: out})
		}
	}
	specs, err := l.LoadUnit(unit, edited).Releases(nil)
	if err == nil {
		_, err = compile.Rendered(specs)
	}
	if err != nil {
		return nil, invalid{err}
	}
	res.Specs = specs
	return res, nil
}

// invalid is ErrInvalid with the problems found.
type invalid struct{ problems error }

// Error says that nothing was written, and why.
func (e invalid) Error() string { return ErrInvalid.Error() + ": " + e.problems.Error() }

// Unwrap is ErrInvalid and the problems.
func (e invalid) Unwrap() []error { return []error{ErrInvalid, e.problems} }

// Problems are the edited spec's problems, for printing.
func Problems(err error) (diag.List, bool) {
	var inv invalid
	if !errors.As(err, &inv) {
		return nil, false
	}
	var l diag.List
	if errors.As(inv.problems, &l) {
		return l, true
	}
	return diag.List{{Text: inv.problems.Error()}}, true
}

// shared is an error when the field at p is not written in the release's
// own source but the loader found it written elsewhere in its files: in
// a template its package's releases share (releases: [Name=string]: {…}),
// where a value the release added would conflict. A template's default
// (step: *1 | int) is no error: the release's own value, added where the
// release is declared, overrides it for that release alone. A field the
// release writes in two files of its package is an error naming both.
func shared(docs []*specedit.Doc, src *specedit.Release, s *load.Spec, p fieldpath.Path) error {
	n := names(p)
	if written, err := src.Written(n); written || err != nil {
		return err
	}
	pos := s.Pos(p)
	at, err := filepath.Abs(pos.Filename())
	if !pos.IsValid() || err != nil {
		return nil
	}
	for _, d := range docs {
		if name, err := filepath.Abs(d.Name); err != nil || name != at {
			continue
		}
		if declared, byDefault := d.Declares(pos.Offset(), n[len(n)-1]); declared && !byDefault {
			return &diag.Diagnostic{Pos: pos, Field: p.String(), Text: "written in a template the package's releases share, not in this release: a value of its own would conflict (allowed: make it a default there, such as *1 | int, and run again; or edit it there by hand)"}
		}
	}
	return nil
}

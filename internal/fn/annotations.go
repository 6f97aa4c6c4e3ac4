package fn

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Around a function, kyaml keeps the file annotations of the items it
// passes (path, index and id) in two forms, internal
// (internal.config.kubernetes.io/path) and legacy
// (config.kubernetes.io/path): Run, as kyaml's own function framework,
// reads them with kio.PreprocessResourcesForInternalAnnotationMigration,
// which adds to each item the form it lacks and a migration id, and
// writes them with kio.ReconcileInternalAnnotations, which keeps the
// forms the input used (any item's) and drops the migration id. An item
// passed on as it is must come out of that as it went in, but for its
// migration id: annotations is what an item's text says about it, and
// verbatim whether that holds.

// Forms of one annotation an item has.
const (
	formInternal = 1 << iota
	formLegacy
)

// annotationPairs are the annotations kyaml keeps in two forms:
// internal, legacy.
var annotationPairs = [3][2]string{
	{kioutil.PathAnnotation, kioutil.LegacyPathAnnotation},
	{kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation},
	{kioutil.IdAnnotation, kioutil.LegacyIdAnnotation},
}

// annotations is what an item's metadata.annotations hold of kyaml's
// file annotations.
type annotations struct {
	forms  [3]uint8     // of each pair, the forms present
	values [3][2][]byte // and their values
	// migration is the line of the migration id annotation (start, end
	// in the item), which Run drops; 0, 0 when there is none.
	migration [2]int
	entries   int // how many annotations there are
	// odd is set when kyaml would change the item beyond dropping its
	// migration id, or a value needs kyaml's own reading (a duplicate
	// key, metadata or annotations that are no block mapping, a file
	// annotation that is null or no scalar, two forms that differ).
	odd bool
}

// track notes an annotation: its key, the kind and text of its value and
// where its lines are in the item.
func (a *annotations) track(key []byte, kind int, raw []byte, start, end int) {
	if string(key) == kioutil.InternalAnnotationsMigrationResourceIDAnnotation {
		if a.migration[1] != 0 {
			a.odd = true
		}
		a.migration = [2]int{start, end}
		return
	}
	for p, pair := range annotationPairs {
		for f, name := range pair {
			if string(key) != name {
				continue
			}
			form := uint8(1) << f
			v := unquote(kind, raw)
			switch {
			case a.forms[p]&form != 0, kind != kindPlain && kind != kindSingle && kind != kindDouble:
				a.odd = true
			case kind == kindPlain && null(v):
				a.odd = true
			}
			a.forms[p] |= form
			a.values[p][f] = v
			if a.forms[p] == formInternal|formLegacy && !bytes.Equal(a.values[p][0], a.values[p][1]) {
				a.odd = true // kyaml refuses it: leave that to kyaml
			}
		}
	}
}

// null reports whether a plain scalar is null.
func null(v []byte) bool {
	switch string(v) {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// format is which forms of the file annotations the input uses, as
// kyaml's ReconcileInternalAnnotations works it out from every item:
// each item that has any of them has the same forms.
type format struct {
	seen [4]bool // which form sets items have (an item without any: seen[0])
	any  bool    // there are items
}

// add notes an item's forms.
func (f *format) add(forms uint8) {
	f.any = true
	f.seen[forms&formInternal|forms&formLegacy] = true
}

// itemForms is the set of forms an item has of any file annotation.
func (a *annotations) itemForms() uint8 {
	return a.forms[0] | a.forms[1] | a.forms[2]
}

// migrationMap stands for the annotations kyaml's preprocessing recorded
// of every item: one entry per set of forms some item has, which is all
// that decides the format (kyaml's determineAnnotationsFormat), and so
// that kio.ReconcileInternalAnnotations finds the same format and the
// same inconsistency as on all the items.
func (f *format) migrationMap() map[string]map[string]string {
	m := map[string]map[string]string{}
	if !f.any {
		return m
	}
	for forms, seen := range f.seen {
		if !seen {
			continue
		}
		annos := map[string]string{}
		if forms&formInternal != 0 {
			annos[kioutil.PathAnnotation] = ""
		}
		if forms&formLegacy != 0 {
			annos[kioutil.LegacyPathAnnotation] = ""
		}
		m["rollspec-forms-"+string(rune('0'+forms))] = annos
	}
	return m
}

// check returns kyaml's error for an inconsistent format, as
// ReconcileInternalAnnotations would on all the items.
func (f *format) check() error {
	return kio.ReconcileInternalAnnotations(nil, f.migrationMap())
}

// want is the forms every file annotation of an item ends with: the one
// set of forms the items that have any have (when they have more than
// one, check reports it).
func (f *format) want() uint8 {
	for _, forms := range []uint8{formInternal, formLegacy, formInternal | formLegacy} {
		if f.seen[forms] {
			return forms
		}
	}
	return 0
}

// verbatim reports whether kyaml's bookkeeping leaves the item as it is
// but for its migration id, in the input's format.
func (a *annotations) verbatim(want uint8) bool {
	if a.odd {
		return false
	}
	for _, forms := range a.forms {
		if forms != 0 && forms != want {
			return false
		}
	}
	// Without other annotations, dropping the migration id would leave
	// annotations empty, which the writer drops too.
	return a.migration[1] == 0 || a.entries > 1
}

// preprocess runs kyaml's preprocessing on one item, as Run did on all:
// the annotations it recorded of the item, or kyaml's error.
func preprocess(item *yaml.RNode) (map[string]string, error) {
	m, err := kio.PreprocessResourcesForInternalAnnotationMigration([]*yaml.RNode{item})
	if err != nil {
		return nil, err
	}
	return m["0"], nil
}

// formsOf is the set of forms kyaml's preprocessing recorded of an item.
func formsOf(annos map[string]string) uint8 {
	var forms uint8
	for _, pair := range annotationPairs {
		for f, name := range pair {
			if _, ok := annos[name]; ok {
				forms |= 1 << f
			}
		}
	}
	return forms
}

// reconcile runs kyaml's reconciliation on one preprocessed item, in the
// input's format.
func (f *format) reconcile(item *yaml.RNode, annos map[string]string) error {
	m := f.migrationMap()
	m["0"] = annos
	return kio.ReconcileInternalAnnotations([]*yaml.RNode{item}, m)
}

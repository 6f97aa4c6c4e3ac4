package specdiff

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/rollspec/rollspec/internal/fieldpath"
)

// nameField is the key Kubernetes merges a list of named entries by
// (containers, env, ports, volumes): such lists are compared entry by
// entry by name, so that inserting one is not a change of every entry
// after it.
const nameField = "name"

// fieldsOf are the fields that differ between two objects, each at its
// path in the object, in the order of a walk by field name.
func fieldsOf(a, b any) ([]Field, error) {
	va, vb, err := both(generic, a, b)
	if err != nil {
		return nil, err
	}
	var out []Field
	walk(nil, va, vb, &out)
	return out, nil
}

// both is f of the two sides a and b.
func both[I, O any](f func(I) (O, error), a, b I) (O, O, error) {
	x, err := f(a)
	if err != nil {
		return x, x, err
	}
	y, err := f(b)
	return x, y, err
}

// generic is o as JSON decodes it: maps, lists, strings, json.Number,
// booleans.
func generic(o any) (any, error) {
	j, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	var v any
	err = d.Decode(&v)
	return v, err
}

// walk appends to out each difference between a and b at path at; a
// missing side is absent.
func walk(at fieldpath.Steps, a, b any, out *[]Field) {
	am, aMap := a.(map[string]any)
	bm, bMap := b.(map[string]any)
	if aMap && bMap {
		keys := slices.Sorted(maps.Keys(am))
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			step := append(slices.Clip(at), fieldpath.Field(k))
			av, aok := am[k]
			bv, bok := bm[k]
			switch {
			case !aok:
				*out = append(*out, Field{Path: step.String(""), OldAbsent: true, New: text(bv)})
			case !bok:
				*out = append(*out, Field{Path: step.String(""), Old: text(av), NewAbsent: true})
			default:
				walk(step, av, bv, out)
			}
		}
		return
	}
	al, aList := a.([]any)
	bl, bList := b.([]any)
	if aList && bList {
		walkList(at, al, bl, out)
		return
	}
	if ta, tb := text(a), text(b); ta != tb {
		*out = append(*out, Field{Path: at.String(""), Old: ta, New: tb})
	}
}

// walkList compares two lists: entries of named lists by name (each at
// its name, env[LOG_LEVEL]), other lists by index.
func walkList(at fieldpath.Steps, a, b []any, out *[]Field) {
	an, bn := names(a), names(b)
	if an == nil || bn == nil {
		for i := range max(len(a), len(b)) {
			step := append(slices.Clip(at), fieldpath.Entry(i))
			switch {
			case i >= len(a):
				*out = append(*out, Field{Path: step.String(""), OldAbsent: true, New: text(b[i])})
			case i >= len(b):
				*out = append(*out, Field{Path: step.String(""), Old: text(a[i]), NewAbsent: true})
			default:
				walk(step, a[i], b[i], out)
			}
		}
		return
	}
	for j, n := range bn {
		step := append(slices.Clip(at), fieldpath.Keyed(n))
		if i := slices.Index(an, n); i >= 0 {
			walk(step, a[i], b[j], out)
		} else {
			*out = append(*out, Field{Path: step.String(""), OldAbsent: true, New: text(b[j])})
		}
	}
	for i, n := range an {
		if !slices.Contains(bn, n) {
			step := append(slices.Clip(at), fieldpath.Keyed(n))
			*out = append(*out, Field{Path: step.String(""), Old: text(a[i]), NewAbsent: true})
		}
	}
}

// names are the names of a list's entries, nil unless each is an object
// with a name of its own, none twice.
func names(l []any) []string {
	var ns []string
	for _, e := range l {
		m, _ := e.(map[string]any)
		n, ok := m[nameField].(string)
		if !ok || slices.Contains(ns, n) {
			return nil
		}
		ns = append(ns, n)
	}
	return ns
}

// text is a value as a Field holds it: a string bare, anything else as
// compact JSON (keys sorted).
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	j, _ := json.Marshal(v)
	return string(j)
}

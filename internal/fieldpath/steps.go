package fieldpath

import (
	"strconv"
	"strings"

	"cuelang.org/go/cue"
)

// Steps is a path under construction, a step per field or list entry,
// for walks over many fields that need a path's text only for the few
// they report: appending a step costs nothing, String is paid once.
type Steps []Step

// Step is one step of Steps: a list entry when Index ≥ 0, else the field
// Name.
type Step struct {
	Name  string
	Index int
}

// Field is the step to the field name.
func Field(name string) Step { return Step{Name: name, Index: -1} }

// Entry is the step to the list entry i.
func Entry(i int) Step { return Step{Index: i} }

// keyedIndex is Step.Index of a Keyed step.
const keyedIndex = -2

// Keyed is the step to the entry of a list keyed by name (containers,
// env: lists Kubernetes merges by name), written [name] as package
// immutable writes it: env[LOG_LEVEL].value.
func Keyed(name string) Step { return Step{Name: name, Index: keyedIndex} }

// String writes the steps as cue.Path does: volumes[0].name,
// labels."app.kubernetes.io/name"; prefix, a path's text, comes first.
func (s Steps) String(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, st := range s {
		if st.Index == keyedIndex {
			b.WriteString("[" + st.Name + "]")
			continue
		}
		if st.Index >= 0 {
			b.WriteString("[" + strconv.Itoa(st.Index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(cue.Str(st.Name).String())
	}
	return b.String()
}

// Compare orders paths as a walk that takes fields by name and entries by
// index meets them.
func (s Steps) Compare(o Steps) int {
	for i := range min(len(s), len(o)) {
		if c := strings.Compare(s[i].Name, o[i].Name); c != 0 {
			return c
		}
		if c := s[i].Index - o[i].Index; c != 0 {
			return c
		}
	}
	return len(s) - len(o)
}

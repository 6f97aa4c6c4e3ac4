package podwarn

import (
	"strconv"
	"strings"
)

// Path is a field path below a pod template, one element each: a field
// name, an index ("[2]") or a map key ("[beta.kubernetes.io/arch]"), as
// Kubernetes' field.Path writes them; a warning's text quotes it so, and
// its elements let a caller find the field in a spec.
type Path []string

// String writes p as Kubernetes' field.Path does: names joined by dots,
// indexes and keys in brackets.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		if i > 0 && e[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

// Child is p with the names below it.
func (p Path) Child(names ...string) Path { return append(p[:len(p):len(p)], names...) }

// Index is p's element i.
func (p Path) Index(i int) Path { return p.Child("[" + strconv.Itoa(i) + "]") }

// Key is p's entry k.
func (p Path) Key(k string) Path { return p.Child("[" + k + "]") }

// IsIndex reports whether e is an index element, and which.
func IsIndex(e string) (int, bool) {
	if len(e) < 3 || e[0] != '[' || e[len(e)-1] != ']' {
		return 0, false
	}
	i, err := strconv.Atoi(e[1 : len(e)-1])
	return i, err == nil
}

// IsKey reports whether e is a map key element, and which.
func IsKey(e string) (string, bool) {
	if len(e) < 2 || e[0] != '[' || e[len(e)-1] != ']' {
		return "", false
	}
	return e[1 : len(e)-1], true
}

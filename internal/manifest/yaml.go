package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// encodeYAML writes the JSON data model (maps, lists, strings, float64,
// bool) as block-style YAML with sorted keys. It exists for speed: it is
// several times faster than a reflective encoder on rollspec's hot path.
// Strings are written plain only when they cannot be read back as anything
// else; strings of several lines as literal block scalars (see literal);
// otherwise they are double-quoted with JSON escapes, which YAML reads
// identically. TestYAMLRoundTrip, TestStrings, FuzzString and
// TestExamplesRoundTrip check what real YAML parsers read back.
func encodeYAML(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case object:
		writeObject(b, x, 0, false)
	case map[string]any:
		writeMap(b, x, 0, false)
	case []any:
		writeList(b, x, 0)
	default:
		writeScalar(b, x, 0)
	}
}

// indentStep is how many spaces each level of nesting indents.
const indentStep = 2

// spaces is written in slices by indent.
const spaces = "                                                                "

// indent writes the indentation of depth.
func indent(b *bytes.Buffer, depth int) {
	n := depth * indentStep
	for n > len(spaces) {
		b.WriteString(spaces)
		n -= len(spaces)
	}
	b.WriteString(spaces[:n])
}

// writeObject writes o's members at depth; with inline, the first member
// continues a "- " list item line.
func writeObject(b *bytes.Buffer, o object, depth int, inline bool) {
	for i, m := range o {
		if i > 0 || !inline {
			indent(b, depth)
		}
		writeKey(b, m.name)
		b.WriteByte(':')
		writeValue(b, m.value, depth+1)
	}
}

// writeMap is writeObject for a map, whose keys it sorts.
func writeMap(b *bytes.Buffer, m map[string]any, depth int, inline bool) {
	o := make(object, 0, len(m))
	for k, v := range m {
		o = append(o, member{k, v})
	}
	slices.SortFunc(o, func(a, b member) int { return strings.Compare(a.name, b.name) })
	writeObject(b, o, depth, inline)
}

// writeValue writes the value of a mapping entry, after "key:"; depth is
// one deeper than the key's.
func writeValue(b *bytes.Buffer, v any, depth int) {
	switch x := v.(type) {
	case object:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteByte('\n')
		writeObject(b, x, depth, false)
	case map[string]any:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteByte('\n')
		writeMap(b, x, depth, false)
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteByte('\n')
		// Lists under a key are written at the key's indentation, as
		// kubectl and sigs.k8s.io/yaml do.
		writeList(b, x, depth-1)
	default:
		b.WriteByte(' ')
		writeScalar(b, x, depth)
	}
}

func writeList(b *bytes.Buffer, l []any, depth int) {
	for _, e := range l {
		indent(b, depth)
		b.WriteString("- ")
		switch x := e.(type) {
		case object:
			if len(x) == 0 {
				b.WriteString("{}\n")
				continue
			}
			// The first key shares the "- " line; the rest align with it.
			writeObject(b, x, depth+1, true)
		case map[string]any:
			if len(x) == 0 {
				b.WriteString("{}\n")
				continue
			}
			// The first key shares the "- " line; the rest align with it.
			writeMap(b, x, depth+1, true)
		case []any:
			if len(x) == 0 {
				b.WriteString("[]\n")
				continue
			}
			b.WriteByte('\n')
			writeList(b, x, depth+1)
		default:
			writeScalar(b, x, depth+1)
		}
	}
}

// writeScalar writes v and ends the line. A string of several lines
// becomes a literal block scalar whose lines are indented to depth, one
// step deeper than its key or list item; depth 0, a scalar document, is
// always written on one line (libyaml and YAML 1.2 disagree on what an
// indentation indicator means there).
func writeScalar(b *bytes.Buffer, v any, depth int) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			b.WriteString(strconv.FormatInt(int64(x), 10))
		} else {
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case string:
		switch {
		case plain(x) && !reserved[x]:
			b.WriteString(x)
		case depth > 0 && literal(x):
			writeLiteral(b, x, depth)
			return // the literal ended its last line
		default:
			writeQuoted(b, x)
		}
	default:
		j, _ := json.Marshal(x)
		b.Write(j)
	}
	b.WriteByte('\n')
}

// plain reports whether YAML reads s back as the same string when written
// without quotes: it starts with a letter or '/', holds only letters,
// digits and "_./@:-", and does not end in ':'. (A loop, not a regular
// expression: this runs for every key and value rollspec writes.)
func plain(s string) bool {
	if s == "" || s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '/':
		case i > 0 && ('0' <= c && c <= '9' || strings.IndexByte("_.@:-", c) >= 0):
		default:
			return false
		}
	}
	return true
}

// reserved are plain words YAML 1.1 or 1.2 reads as booleans or null.
var reserved = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"true": true, "True": true, "TRUE": true, "false": true, "False": true, "FALSE": true,
	"on": true, "On": true, "ON": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

// writeKey writes a mapping key: plain when it can be, else quoted, never
// as a block scalar. YAML reads a key written this way only up to 1024
// characters; Kubernetes' longest keys (qualified names) have 317.
func writeKey(b *bytes.Buffer, s string) {
	if plain(s) && !reserved[s] {
		b.WriteString(s)
		return
	}
	writeQuoted(b, s)
}

// writeQuoted writes s double-quoted, with JSON's escapes.
func writeQuoted(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	for _, r := range string(q) {
		// JSON leaves DEL and the C1 controls raw; YAML forbids them
		// even quoted, and reads the same \u escapes JSON writes.
		if r == 0x7f || 0x80 <= r && r <= 0x9f || r == 0xfffe || r == 0xffff {
			fmt.Fprintf(b, "\\u%04X", r)
			continue
		}
		b.WriteRune(r)
	}
}

package fn

import (
	"bytes"
	"unicode/utf8"
)

// The scalars and flow collections canon takes: single-line text the
// encoder writes as it is (yaml_emitter_analyze_scalar and
// yaml_emitter_select_scalar_style in go-yaml's emitter).

// keyOf splits an entry's text into its key and what follows the colon
// ("" or " value"). kind is the key's scalar kind; ok is false when text
// is no entry the encoder writes, kind kindNone when text is no entry at
// all (a scalar).
func keyOf(text []byte) (kind int, key, rest []byte, ok bool) {
	kind, n := scalarAt(text, true)
	if kind == kindNone {
		return kindNone, nil, nil, true
	}
	if n == len(text) || text[n] != ':' {
		return kindNone, nil, nil, kind == kindPlain || n == len(text)
	}
	rest = text[n+1:]
	if len(rest) > 0 && (rest[0] != ' ' || len(rest) == 1) {
		return kindNone, nil, nil, false
	}
	// The encoder writes a key of over 128 bytes, or with a line break, as
	// a complex key ("? key").
	if n > 128 || kind == kindDouble && breaks(text[:n]) {
		return kindNone, nil, nil, false
	}
	return kind, text[:n], rest, true
}

// scalarAt returns the kind and length of the single-line scalar text
// starts with, as the encoder writes it: kindNone when it writes no
// scalar so. A key ends at ": " or a final ":".
func scalarAt(text []byte, key bool) (kind, n int) {
	if len(text) == 0 {
		return kindNone, 0
	}
	switch text[0] {
	case '\'':
		n := singleQuoted(text)
		return ifOK(kindSingle, n)
	case '"':
		n := doubleQuoted(text)
		return ifOK(kindDouble, n)
	}
	n = len(text)
	if key {
		n = plainKeyEnd(text)
	}
	if !plain(text[:n]) {
		return kindNone, 0
	}
	return kindPlain, n
}

func ifOK(kind, n int) (int, int) {
	if n < 0 {
		return kindNone, 0
	}
	return kind, n
}

// plainKeyEnd is where a plain key in text ends: at the first ": ", or a
// colon that ends the text.
func plainKeyEnd(text []byte) int {
	for i := 0; i < len(text); i++ {
		if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ') {
			return i
		}
	}
	return len(text)
}

// plain reports whether the encoder writes s as a plain scalar in block
// context, as it is (yaml_emitter_analyze_scalar's block_plain_allowed).
func plain(s []byte) bool {
	return plainIn(s, false)
}

// plainIn is plain, in a flow collection when flow is set (flow_plain_allowed:
// none of ",?[]{}:" either).
func plainIn(s []byte, flow bool) bool {
	if flow && bytes.ContainsAny(s, ",?[]{}:") {
		return false
	}
	// "<<" is a merge key's, which the encoder tags as a value.
	if len(s) == 0 || bytes.HasPrefix(s, []byte("---")) || bytes.HasPrefix(s, []byte("...")) || string(s) == "<<" {
		return false
	}
	switch s[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	case '?', ':', '-':
		if len(s) == 1 || s[1] == ' ' {
			return false
		}
	}
	if s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); {
		b := s[i]
		if b == ':' && s[i+1] == ' ' || b == ' ' && s[i+1] == '#' {
			return false
		}
		r, w := rune(b), 1
		if b >= utf8.RuneSelf {
			r, w = utf8.DecodeRune(s[i:])
		}
		if !rawOK(r, w) || r == '\t' {
			return false
		}
		i += w
	}
	return true
}

// singleQuoted returns the length of the single-quoted scalar text
// starts with, -1 when the encoder would not write it so: it holds only
// characters the encoder writes unescaped, and no tab.
func singleQuoted(text []byte) int {
	for i := 1; i < len(text); {
		b := text[i]
		if b == '\'' {
			if i+1 < len(text) && text[i+1] == '\'' {
				i += 2
				continue
			}
			return i + 1
		}
		r, w := rune(b), 1
		if b >= utf8.RuneSelf {
			r, w = utf8.DecodeRune(text[i:])
		}
		if !rawOK(r, w) || r == '\t' {
			return -1
		}
		i += w
	}
	return -1
}

// doubleQuoted returns the length of the double-quoted scalar text
// starts with, -1 when the encoder would not write it so: each character
// raw that it writes raw, each other one in the escape it writes.
func doubleQuoted(text []byte) int {
	for i := 1; i < len(text); {
		b := text[i]
		r, w := rune(b), 1
		switch {
		case b == '"':
			return i + 1
		case b == '\\':
			if r, w = unescape(text[i:]); w < 0 {
				return -1
			}
			// A value that starts with a byte order mark has every
			// character escaped (the emitter's is_bom looks at the start).
			if i == 1 && r == 0xFEFF {
				return -1
			}
			if e, n := escape(r); n == 0 || string(e[:n]) != string(text[i:i+w]) {
				return -1
			}
		case b >= utf8.RuneSelf:
			r, w = utf8.DecodeRune(text[i:])
			fallthrough
		default:
			if _, n := escape(r); n > 0 || !rawOK(r, w) {
				return -1
			}
		}
		i += w
	}
	return -1
}

// breaks reports whether a double-quoted scalar's text escapes a line
// break.
func breaks(text []byte) bool {
	for i := 0; i+1 < len(text); i++ {
		if text[i] == '\\' {
			switch text[i+1] {
			case 'n', 'r', 'N', 'L', 'P':
				return true
			}
			i++
		}
	}
	return false
}

// flow returns the length of the flow collection text starts with, as
// the encoder writes it: on one line, "{key: value, …}" and "[value, …]"
// (an empty one "{}", "[]"), each key a scalar that fits a simple key,
// each value a scalar or a flow collection; -1 when the encoder would
// write it otherwise.
func flow(text []byte) int {
	open, end := text[0], byte(']')
	if open == '{' {
		end = '}'
	}
	i := 1
	if i < len(text) && text[i] == end {
		return 2
	}
	for {
		if open == '{' {
			n := flowScalar(text[i:])
			if n < 0 || n > 128 || i+n+2 > len(text) || text[i+n] != ':' || text[i+n+1] != ' ' {
				return -1
			}
			if text[i] == '"' && breaks(text[i:i+n]) {
				return -1
			}
			i += n + 2
		}
		n := flowScalar(text[i:])
		if i < len(text) && (text[i] == '{' || text[i] == '[') {
			n = flow(text[i:])
		}
		if n < 0 {
			return -1
		}
		i += n
		switch {
		case i < len(text) && text[i] == end:
			return i + 1
		case i+1 < len(text) && text[i] == ',' && text[i+1] == ' ':
			i += 2
		default:
			return -1
		}
	}
}

// flowScalar returns the length of the scalar text starts with inside a
// flow collection, as the encoder writes it; -1 when it would not.
func flowScalar(text []byte) int {
	if len(text) == 0 {
		return -1
	}
	switch text[0] {
	case '\'':
		return singleQuoted(text)
	case '"':
		return doubleQuoted(text)
	}
	n := bytes.IndexAny(text, ",]}:")
	if n < 0 {
		n = len(text)
	}
	if !plainIn(text[:n], true) {
		return -1
	}
	return n
}

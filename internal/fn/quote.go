package fn

import (
	"unicode/utf8"
)

// The characters go-yaml's emitter (kyaml's encoder) writes as they are,
// and the escapes it writes for the others, as canon needs them to know
// whether a scalar's text is the emitter's own.

// rawOK reports whether the emitter writes the character r (w bytes of
// UTF-8) as it is in a scalar: its is_printable, without the characters
// it takes for line breaks (U+2028, U+2029), and not invalid UTF-8.
func rawOK(r rune, w int) bool {
	switch {
	case r == utf8.RuneError && w == 1:
		return false
	case r >= 0x20 && r <= 0x7E, r == '\t':
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return r != 0x2028 && r != 0x2029
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	}
	return false
}

// literalText reports whether the emitter writes s as it is as a line of
// a literal block scalar.
func literalText(s []byte) bool {
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRune(s[i:])
		}
		if !rawOK(r, w) {
			return false
		}
		i += w
	}
	return true
}

// escape is the escape the emitter writes for r in a double-quoted
// scalar, n == 0 when it writes r as it is.
func escape(r rune) (e [10]byte, n int) {
	if r != '"' && r != '\\' && r != '\t' && rawOK(r, utf8.RuneLen(r)) {
		return e, 0
	}
	e[0] = '\\'
	if c, ok := escapeLetter[r]; ok {
		e[1] = c
		return e, 2
	}
	digits := 8
	switch {
	case r <= 0xFF:
		e[1], digits = 'x', 2
	case r <= 0xFFFF:
		e[1], digits = 'u', 4
	default:
		e[1] = 'U'
	}
	const hex = "0123456789ABCDEF"
	for k := range digits {
		e[2+k] = hex[(r>>(4*(digits-1-k)))&0xF]
	}
	return e, 2 + digits
}

// escapeLetter holds the emitter's one-letter escapes.
var escapeLetter = map[rune]byte{
	0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0A: 'n', 0x0B: 'v', 0x0C: 'f',
	0x0D: 'r', 0x1B: 'e', '"': '"', '\\': '\\', 0x85: 'N', 0xA0: '_', 0x2028: 'L', 0x2029: 'P',
}

// unescape reads the escape s starts with ("\n", "\x41", …) as a
// double-quoted scalar's; w is its length, -1 when s starts with none
// the emitter writes.
func unescape(s []byte) (r rune, w int) {
	if len(s) < 2 {
		return 0, -1
	}
	for c, l := range escapeLetter {
		if l == s[1] {
			return c, 2
		}
	}
	digits := 0
	switch s[1] {
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		return 0, -1
	}
	if len(s) < 2+digits {
		return 0, -1
	}
	for _, c := range s[2 : 2+digits] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, -1 // the emitter writes upper case
		}
	}
	if r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
		return 0, -1
	}
	return r, 2 + digits
}

// unquote is the value of a single-line scalar of kind as canon read it.
func unquote(kind int, raw []byte) []byte {
	switch kind {
	case kindSingle:
		s := raw[1 : len(raw)-1]
		for i := 0; i < len(s); i++ {
			if s[i] == '\'' {
				out := make([]byte, 0, len(s))
				for j := 0; j < len(s); j++ {
					out = append(out, s[j])
					if s[j] == '\'' {
						j++
					}
				}
				return out
			}
		}
		return s
	case kindDouble:
		s := raw[1 : len(raw)-1]
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' {
				out := make([]byte, 0, len(s))
				for j := 0; j < len(s); {
					if s[j] != '\\' {
						out = append(out, s[j])
						j++
						continue
					}
					r, w := unescape(s[j:])
					out = utf8.AppendRune(out, r)
					j += w
				}
				return out
			}
		}
		return s
	}
	return raw
}

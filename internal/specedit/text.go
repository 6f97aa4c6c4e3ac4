package specedit

import (
	"bytes"
	"strings"
)

// lineStart is the offset of the start of the line holding off.
func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineEnd is the offset of the line break ending the line holding off
// ("\n", or "\r\n"'s "\r"), or len(src) on the last line.
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		if i > 0 && src[off+i-1] == '\r' {
			i--
		}
		return off + i
	}
	return len(src)
}

// nextLine is the offset of the start of the line after the one holding
// off, or len(src) on the last line.
func nextLine(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// indentAt is the leading whitespace of the line holding off.
func indentAt(src []byte, off int) string {
	s := lineStart(src, off)
	e := s
	for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
		e++
	}
	return string(src[s:e])
}

// startsLine reports whether only whitespace precedes off on its line.
func startsLine(src []byte, off int) bool {
	return len(strings.Trim(string(src[lineStart(src, off):off]), " \t")) == 0
}

// blank reports whether the line starting at s holds only whitespace.
func blank(src []byte, s int) bool {
	return len(bytes.TrimSpace(src[s:lineEnd(src, s)])) == 0
}

// commentPrefix is how a comment line starts in f.
func commentPrefix(f Format) string {
	switch f {
	case YAML:
		return "#"
	case CUE:
		return "//"
	}
	return ""
}

// headComments moves s, the start of a field's line, up over the comment
// lines directly above it at the same indentation: the field's own.
func headComments(src []byte, f Format, s int) int {
	prefix := commentPrefix(f)
	if prefix == "" {
		return s
	}
	indent := indentAt(src, s)
	for s > 0 {
		prev := lineStart(src, s-1)
		line := string(src[prev : s-1])
		if !strings.HasPrefix(line, indent) || !strings.HasPrefix(strings.TrimLeft(line, " \t"), prefix) ||
			len(line)-len(strings.TrimLeft(line, " \t")) != len(indent) {
			return s
		}
		s = prev
	}
	return s
}

// restOfLine reports whether only separators (commas, whitespace) and a
// comment follow off on its line.
func restOfLine(src []byte, f Format, off int) bool {
	rest := strings.TrimLeft(string(src[off:lineEnd(src, off)]), " \t,")
	return rest == "" || commentPrefix(f) != "" && strings.HasPrefix(rest, commentPrefix(f))
}

// skipSpace is the offset of the first byte at or after off that is not
// whitespace.
func skipSpace(src []byte, off int) int {
	for off < len(src) && (src[off] == ' ' || src[off] == '\t' || src[off] == '\n' || src[off] == '\r') {
		off++
	}
	return off
}

// matching is the offset of the bracket closing the one at open, skipping
// quoted strings.
func matching(src []byte, open int) int {
	depth := 0
	for i := open; i < len(src); i++ {
		switch c := src[i]; c {
		case '"', '\'':
			i = quoteEnd(src, i) - 1
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(src)
}

// quoteEnd is the offset just past the quoted string starting at i:
// backslash escapes in double quotes, a doubled quote in single ones.
func quoteEnd(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q && q == '\'' && j+1 < len(src) && src[j+1] == '\'':
			j++
		case src[j] == q:
			return j + 1
		}
	}
	return len(src)
}

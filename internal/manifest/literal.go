package manifest

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// literal reports whether s is written as a literal block scalar ("|"):
// it holds a line break and something besides line breaks (a config file,
// a script), and YAML reads it back exactly that way. A literal block
// keeps every character of its lines as written — quotes, backslashes,
// "#", ": ", tabs, spaces at either end of a line — but YAML 1.2 allows
// only printable characters in it (c-printable minus line breaks and the
// byte order mark) and turns every line break it reads into "\n".
// So s stays double-quoted when it is not valid UTF-8 (quoting writes
// U+FFFD instead, as JSON does) or holds:
//   - "\r", which a parser would read as (part of) a line break;
//   - another C0 control character but tab, DEL, or a C1 control
//     character (U+0080–U+009F), none of them printable; U+0085 (NEL),
//     U+2028 and U+2029 are also line breaks to YAML 1.1 parsers such as
//     libyaml and both Go yaml packages;
//   - U+FEFF, the byte order mark, which a block scalar may not hold;
//   - U+FFFE or U+FFFF, which are not printable.
//
// A string of line breaks only is clearer quoted ("\n\n") than as a block
// of empty lines.
func literal(s string) bool {
	if strings.IndexByte(s, '\n') < 0 || !utf8.ValidString(s) {
		return false
	}
	// Whitespace fixers (pre-commit's trailing-whitespace and
	// end-of-file-fixer, editors) strip blanks at the end of a line and
	// empty lines at the end of a file: a block that holds them would be
	// changed in the repository, and check would then find it stale.
	if strings.HasSuffix(s, "\n\n") || strings.Contains(s, " \n") || strings.Contains(s, "\t\n") || strings.HasSuffix(s, " ") || strings.HasSuffix(s, "\t") {
		return false
	}
	text := false
	for _, r := range s {
		switch {
		case r == '\n':
		case r == '\t', ' ' <= r && r < 0x7f:
			text = true
		case r < 0xa0, r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return false
		default:
			text = true
		}
	}
	return text
}

// writeLiteral writes s, for which literal is true, as a literal block
// scalar after "key: " or "- ", its lines indented to depth (one step
// deeper than the key or the list item's dash). The header says how to
// read the end of s back:
//
//	|   s ends with exactly one line break (clip: the last is kept)
//	|-  s does not end with a line break (strip)
//	|+  s ends with two or more (keep: the empty lines at the end count)
//
// and, when the first line that is not empty starts with a space or a tab,
// carries the indentation indicator 2, so the parser does not take that
// line's leading blanks for indentation (it would read spaces as
// indentation and reject a tab). Empty lines are written empty, with no
// indentation, which YAML reads as the same empty line.
func writeLiteral(b *bytes.Buffer, s string, depth int) {
	b.WriteByte('|')
	if first := strings.TrimLeft(s, "\n"); first[0] == ' ' || first[0] == '\t' {
		b.WriteByte('0' + indentStep)
	}
	body := s
	switch {
	case !strings.HasSuffix(s, "\n"):
		b.WriteByte('-')
	case strings.HasSuffix(s, "\n\n"):
		b.WriteByte('+')
		body = s[:len(s)-1]
	default:
		body = s[:len(s)-1]
	}
	b.WriteByte('\n')
	for line := range strings.SplitSeq(body, "\n") {
		if line != "" {
			indent(b, depth)
			b.WriteString(line)
		}
		b.WriteByte('\n')
	}
}

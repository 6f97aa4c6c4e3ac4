package inert

import "strings"

// Code is s, escaped as Line escapes it, as a Markdown code span: nothing
// in a code span is markup (no HTML, link, image or emphasis; GitHub
// links no mention or reference in one), and its fence, one backtick
// longer than the longest run of backticks in s, is not closed by one of
// them. A space pads s where CommonMark would otherwise take its first
// or last character for part of the fence or strip it (s starting or
// ending with a backtick, or with a space at both ends), so that the
// span shows s exactly.
func Code(s string) string {
	s = Line(s)
	if s == "" {
		return "` `" // a span is never empty: this one shows a space
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != '`' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	fence := strings.Repeat("`", longest+1)
	first, last := s[0], s[len(s)-1]
	if first == '`' || last == '`' || first == ' ' && last == ' ' && strings.Trim(s, " ") != "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// Text is s, escaped as Line escapes it, as Markdown text: as it is when
// nothing in it could be markup — words, numbers, the punctuation of a
// sentence — else as a code span (Code), the spaces at its ends kept
// outside the span. So an ordinary value reads as text, and any other
// shows as written, inert.
func Text(s string) string {
	s = Line(s)
	core := strings.Trim(s, " ")
	if plain(core) {
		return s
	}
	lead := strings.Index(s, core)
	return s[:lead] + Code(core) + s[lead+len(core):]
}

// plain reports whether s reads as itself in Markdown text, anywhere in a
// line: it holds no character that starts or escapes markup — HTML and
// autolinks (<), entities (&), links and images ([ ] !), code spans,
// emphasis and strikethrough (` * _ ~), escapes (\), table cells (|),
// mentions and e-mail autolinks (@), issue references and headings (#),
// GitHub's math ($) — no colon that could start a URL (http://) or an
// emoji (:name:), only one before a space or at the end, and no "www."
// (an extended autolink of GitHub-flavoured Markdown).
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '>', '&', '[', ']', '!', '`', '*', '_', '~', '\\', '|', '@', '#', '$':
			return false
		case ':':
			if i+1 < len(s) && s[i+1] != ' ' {
				return false
			}
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				return false
			}
		}
	}
	return true
}

// Cell is md, inline Markdown (Text, Code, words), as the content of a
// cell of a GitHub-flavoured Markdown table: each | written \|, which the
// table reads as a | of the cell's content, in a code span too, rather
// than as the end of the cell.
func Cell(md string) string { return strings.ReplaceAll(md, "|", `\|`) }

package inert

import (
	"io"
	"strconv"
	"unicode/utf8"
)

// Line is s with every character that does not show as itself written
// as an escape, line breaks and tabs too: text that stays on its line
// and in its column (a table cell, a problem's one line).
func Line(s string) string { return escape(s, false) }

// Lines is s escaped as Line escapes it, but for its line breaks and
// tabs: text of several lines, such as a document or a diff.
func Lines(s string) string { return escape(s, true) }

// shows reports whether r is written as itself: the characters %q does
// not escape.
func shows(r rune) bool { return strconv.IsPrint(r) }

// escape writes s with the characters that do not show (but \n and \t
// when layout is kept) as %q writes them, and each byte that is not
// UTF-8 as \xNN.
func escape(s string, layout bool) string {
	i := 0
	for i < len(s) && ' ' <= s[i] && s[i] < 0x7f {
		i++ // printable ASCII, by far the most text: nothing to do
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\x`...)
			b = append(b, hex[s[i]>>4], hex[s[i]&0xf])
		case layout && (r == '\n' || r == '\t'), shows(r):
			b = append(b, s[i:i+size]...)
		default:
			// %q's escape, without its quotes: \n, \x1b, \u202e.
			q := strconv.QuoteRune(r)
			b = append(b, q[1:len(q)-1]...)
		}
		i += size
	}
	return string(b)
}

const hex = "0123456789abcdef"

// Writer writes everything written to it through Lines to the
// underlying writer: a stream of messages (standard error) in which no
// control character reaches the terminal, whatever a message quotes. A
// character split between two writes is held until it is whole; Flush
// writes what is held at the end.
type Writer struct {
	w    io.Writer
	held []byte // the start of a character not yet whole
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p, as Lines does, to the underlying writer. It reports
// p written whole unless the underlying writer fails.
func (t *Writer) Write(p []byte) (int, error) {
	b := append(t.held, p...)
	t.held = nil
	// A character's start within its last bytes that is not yet whole
	// waits for the next write.
	for i := len(b) - 1; i >= 0 && i > len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				t.held = append([]byte(nil), b[i:]...)
				b = b[:i]
			}
			break
		}
	}
	if _, err := io.WriteString(t.w, Lines(string(b))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held of a character never completed, escaped.
func (t *Writer) Flush() error {
	if len(t.held) == 0 {
		return nil
	}
	_, err := io.WriteString(t.w, Lines(string(t.held)))
	t.held = nil
	return err
}

// Package inert makes text that comes from a spec — a value, a name, a
// file name — inert where people read it. On a terminal or in a CI log a
// control character acts (ESC starts a sequence that colours, moves the
// cursor or sets the window title, CR returns to the start of the line
// and hides what came before, a bidi override reorders what follows);
// in the Markdown of a pull-request comment, markup becomes HTML, a link,
// an image or a mention that notifies a stranger.
//
// One rule says which characters show as themselves: those Go's %q
// writes as they are (strconv.IsPrint), which is how rollspec's error
// messages have always quoted a value. Every other character is written
// as the escape %q writes for it (\r, \x1b, \u202e), without %q's quotes;
// a byte that is not UTF-8 as \xNN. Line does it for text on one line,
// Lines for text that keeps its line breaks and tabs, Writer for a
// stream; Code and Text write a value into Markdown.
package inert

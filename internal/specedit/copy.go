package specedit

import (
	"strings"
)

// Copied is a field's value as written (comments inside it, quoting,
// layout, CUE references), to insert as an entry of a Map elsewhere in the
// same release: Insert writes it under the Entry's key, its lines after
// the first indented as the new place's.
type Copied struct {
	// value is the text after the key's colon; base is the indentation of
	// the line the key was on, which later lines of the value start with.
	value, base string
}

// Copy is the field written at path, to insert elsewhere; ok is false
// when the release's own source does not write it (a CUE template's
// value, say).
func (r *Release) Copy(path []string) (c Copied, ok bool, err error) {
	f, err := r.find(path)
	if err != nil || f == nil {
		return Copied{}, false, err
	}
	src := f.owner.doc.src
	// From the key's end: past the colon, any space and line break stay
	// as written (a block value starts on the next line).
	text := string(src[f.keyEnd:f.end])
	if i := strings.IndexByte(text, ':'); i >= 0 && strings.TrimSpace(text[:i]) == "" {
		text = text[i+1:]
	}
	text = strings.ReplaceAll(text, "\r\n", "\n") // Result writes the file's line breaks
	return Copied{value: text, base: indentAt(src, f.key)}, true, nil
}

// at is c's value with its lines after the first moved from c's indentation
// to indent's.
func (c Copied) at(indent string) string {
	lines := strings.Split(c.value, "\n")
	for i := 1; i < len(lines); i++ {
		if rest, ok := strings.CutPrefix(lines[i], c.base); ok && strings.TrimSpace(lines[i]) != "" {
			lines[i] = indent + rest
		}
	}
	return strings.Join(lines, "\n")
}

// Package specedit edits a spec's source text in place: it sets a scalar
// at a field path, deletes a field with its block and its own comment
// lines, renames a key and inserts a field after a sibling, for YAML
// (block and flow style), JSON and CUE (one file, or a package of several
// files, editing the file that declares the field).
//
// Every edit is a splice of the original bytes at positions found from a
// syntax tree (go.yaml.in/yaml/v3 for YAML, CUE's parser for CUE and
// JSON); nothing is serialised again, so comments, key order, blank lines
// and formatting outside the edited bytes stay as they were. New text
// follows its neighbours' style: block or flow, indentation, quoting, and
// JSON's commas.
package specedit

// Package lifecycle decides how a release moves through its stages by
// editing its spec: start adds a candidate, step advances a canary or a
// partitioned update (or flips blue-green's active version), promote
// makes the candidate stable, rollback removes it. Each returns a Plan of
// the edits, each reported as a field's old and new value, which
// internal/specedit applies to the spec's source. A command's edit is one
// transaction (Txn): the spec's files stay locked from their load to the
// write of the edited ones, so concurrent edits take turns.
package lifecycle

package lifecycle

import (
	"slices"
	"time"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/filelock"
	"github.com/rollspec/rollspec/internal/outdir"
	"github.com/rollspec/rollspec/internal/specpath"
)

// LockWait is how long an edit waits for another that is editing the
// same files (a script stepping two releases of one package at once)
// before it gives up, naming the file: edits take well under a second.
const LockWait = 10 * time.Second

// Txn makes an edit command one transaction: from the load of the spec's
// files, through the checks, to the rename of the edited files over
// them, no other rollspec edit reads or writes those files. A second
// edit started meanwhile waits (up to LockWait) and then works from what
// the first wrote, so two edits never both succeed from one original.
type Txn struct {
	locks *filelock.Locks
}

// Begin starts the edit of a release among set's: it locks every file of
// set's units — any may be the release's, a CUE package's several may be
// written, and the checks read them all — waiting up to LockWait.
func Begin(set *specpath.Set) (*Txn, error) {
	var files []string
	for _, u := range set.Units {
		files = append(files, u.Files...)
	}
	locks, err := filelock.Acquire(files, LockWait)
	if err != nil {
		return nil, err
	}
	return &Txn{locks: locks}, nil
}

// Write replaces the files res changed in unit, whose contents were srcs
// (in unit's order) when read in this transaction. The warnings say what
// of a file's owner, group or mode could not be kept.
func (t *Txn) Write(unit specpath.Unit, srcs [][]byte, res *Result) (diag.List, error) {
	edits := make([]outdir.Edit, len(res.Files))
	for i, f := range res.Files {
		edits[i] = outdir.Edit{Path: f.Name, Old: srcs[slices.Index(unit.Files, f.Name)], New: f.Src}
	}
	return outdir.Replace(edits)
}

// End releases the files; the edit, written or not, is over.
func (t *Txn) End() { t.locks.Release() }

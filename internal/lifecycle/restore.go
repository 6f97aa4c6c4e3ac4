package lifecycle

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/load"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/release"
)

// Restore sets stable back to the one at, the release as git revision
// rev held it (nil when rev does not hold it), had: the way back for a
// strategy that replaces stable in place (recreate, ramped), whose
// rollback has no candidate to remove. Version, tag, digest and image
// become at's; stable's env and config entries are set and removed one
// by one to be at's, and the changeCause, which annotates the workload,
// is at's. A container or pod overlay at wrote differently cannot be
// rewritten from another revision: an error at it. Stable's replicas and
// autoscaler stay as written now.
func Restore(s *load.Spec, at *release.Release, rev string) (*Plan, error) {
	r := s.Release
	st := fieldpath.Stable
	switch {
	case at == nil:
		return nil, problem(s, st.Path, "%s does not hold release %s/%s (allowed: a revision where PATH holds it)", rev, r.Namespace, r.Name)
	case r.Candidate != nil:
		return nil, problem(s, fieldpath.Candidate.Path, "--to restores stable when no release is in progress, but candidate %s is (allowed: rollspec rollback without --to removes the candidate)", describe(r.Candidate))
	}
	cur, old := &r.Stable, &at.Stable
	var fields []Change
	if old.Version != cur.Version {
		fields = append(fields, set(st.Version, cur.Version, old.Version))
	}
	for _, f := range []struct {
		path     fieldpath.Path
		old, new string
	}{{st.Tag, cur.Tag, old.Tag}, {st.Digest, cur.Digest, old.Digest}, {st.Image, cur.Image, old.Image}} {
		switch {
		case f.new != "" && f.new != f.old:
			fields = append(fields, set(f.path, f.old, f.new, st.Version))
		case f.new == "" && f.old != "":
			fields = append(fields, remove(f.path, f.old))
		}
	}
	entries := restoreEntries(st.Env.Path, st.Env.Key, cur.Env, old.Env)
	entries = append(entries, restoreEntries(st.Config, st.Config.Key, cur.Config, old.Config)...)
	for _, o := range overlays[2:] { // container, pod: JSON, rewritten whole
		now, then := rawOverlay(cur, o.name), rawOverlay(old, o.name)
		switch {
		case sameJSON(now, then):
		case len(then) == 0:
			entries = append(entries, remove(o.path(st), strings.Join(o.keys(cur), ", ")))
		default:
			return nil, problem(s, o.path(st), "stable's %s at %s differs from the one written now, and rollback --to rewrites only stable's version, image, env and config (allowed: write stable's %s as %s had it by hand, then rollback --to)", o.name, rev, o.name, rev)
		}
	}
	if len(fields) == 0 && len(entries) == 0 {
		return nil, problem(s, st.Path, "stable at %s is %s, as it is now: nothing to roll back (allowed: an older revision)", rev, describe(old))
	}
	cause, _ := changeCause(r, New{ChangeCause: &at.ChangeCause})
	entries = append(entries, cause...)
	p := &Plan{Changes: entries}
	if len(fields) > 0 {
		// One line says the version restored; its fields' edits make it.
		summary := Change{Path: st.Path, Old: describe(cur), New: describe(old), edit: func(src *specedit.Release) error {
			for _, c := range fields {
				if err := c.edit(src); err != nil {
					return err
				}
			}
			return nil
		}}
		p.Changes = append([]Change{summary}, entries...)
	}
	return p, nil
}

// restoreEntries are the edits that make the string map now, written at
// path (an entry's path from key), what it was: entries changed, added,
// removed; the whole field added or removed when one side has none.
// Entries are added after one both sides write, since one removed has no
// line left to follow; when none is kept, the first removed is rewritten
// as the first added, which the others follow.
func restoreEntries(path fieldpath.Path, key func(string) fieldpath.Path, now, was map[string]string) []Change {
	switch {
	case len(was) == 0 && len(now) == 0:
		return nil
	case len(was) == 0:
		return []Change{remove(path, strings.Join(sortedKeys(now), ", "))}
	}
	var cs []Change
	if len(now) == 0 {
		// Not written now: the whole field, one edit, one line per entry.
		var m specedit.Map
		for _, k := range sortedKeys(was) {
			m = append(m, specedit.Entry{Key: k, Value: was[k]})
			cs = append(cs, Change{Path: key(k), New: was[k]})
		}
		cs[0].edit = func(src *specedit.Release) error { return src.Insert(names(path), m, "") }
		return cs
	}
	var kept, added, removed []string
	for _, k := range sortedKeys(was) {
		if _, ok := now[k]; ok {
			kept = append(kept, k)
		} else {
			added = append(added, k)
		}
	}
	for _, k := range sortedKeys(now) {
		if _, ok := was[k]; !ok {
			removed = append(removed, k)
		}
	}
	for _, k := range kept {
		if now[k] != was[k] {
			cs = append(cs, set(key(k), now[k], was[k]))
		}
	}
	anchor := ""
	if len(kept) > 0 {
		anchor = kept[len(kept)-1]
	} else if len(added) > 0 {
		anchor = removed[0]
	}
	for i, k := range added {
		c := set(key(k), "", was[k], key(anchor))
		if len(kept) == 0 && i == 0 {
			r0, v := names(key(removed[0])), was[k]
			c.edit = func(src *specedit.Release) error {
				if err := src.Set(r0, v); err != nil {
					return err
				}
				return src.Rename(r0, k)
			}
		}
		cs = append(cs, c)
	}
	for i, k := range removed {
		c := remove(key(k), now[k])
		if len(kept) == 0 && len(added) > 0 && i == 0 {
			c.edit = nil // rewritten as the first entry added
		}
		cs = append(cs, c)
	}
	return cs
}

// sameJSON reports whether a and b are the same JSON value (both empty
// counting as the same).
func sameJSON(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// rawOverlay is v's container or pod overlay, by its name.
func rawOverlay(v *release.Version, name string) json.RawMessage {
	if name == "container" {
		return v.Container
	}
	return v.Pod
}

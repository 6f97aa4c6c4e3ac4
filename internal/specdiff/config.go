package specdiff

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/release"
)

// Config is a version's config as a replaced ConfigMap holds it: any
// change makes a new ConfigMap, named by a hash of its content.
type Config struct {
	// Old and New are the versions the ConfigMap serves on each side.
	Old, New []Served
	// Stays are the versions the previous ConfigMap still serves after
	// (it is kept for them), none when it is deleted.
	Stays []Served
	// Keys that change, by name.
	Keys []Key
}

// Served is a version in play whose pods use a ConfigMap.
type Served struct {
	// Role is release.RoleStable or release.RoleCandidate.
	Role    string
	Version string
}

// Key changes, as Key.Change names them.
const (
	KeyAdded   = "+"
	KeyRemoved = "-"
	KeyChanged = "~"
)

// Key is one config key that changes.
type Key struct {
	Name string
	// Change is KeyAdded, KeyRemoved or KeyChanged.
	Change   string
	Old, New string
	// Lines are the lines that change in a changed value of several
	// lines (a config file), in order.
	Lines []Line
}

// Line is one line that changes in a value of several lines: Old and
// New number it on each side from 1, 0 on a side without it (a line
// added or removed).
type Line struct {
	Old, New         int
	OldText, NewText string
}

// configMap is one of a side's ConfigMaps and the versions it serves.
type configMap struct {
	cm     *corev1.ConfigMap
	serves []Served
}

// is reports whether o is this ConfigMap.
func (c *configMap) is(o Object) bool {
	return c != nil && o.Kind == kindOf(c.cm) && o.Name == c.cm.Name
}

// pairConfigs pairs each ConfigMap created in b with the one a held for
// the same version (else the same role) — one it deletes, else one kept
// for other versions — as one replaced ConfigMap with the keys that
// change; replaced ConfigMaps lead, as ConfigMaps lead the compiled
// objects.
func pairConfigs(a, b *side, objs []Object) []Object {
	olds, news := a.configs(), b.configs()
	// The old ConfigMaps a created one may replace: those deleted, then
	// those kept.
	var deleted, kept []*configMap
	for _, o := range objs {
		if c := olds[o.Name]; o.Change == Deleted && c.is(o) {
			deleted = append(deleted, c)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(olds)) {
		if news[name] != nil {
			kept = append(kept, olds[name])
		}
	}
	var out []Object
	used := map[*configMap]bool{}
	for _, o := range objs {
		nc := news[o.Name]
		if o.Change != Created || !nc.is(o) {
			continue
		}
		oc := match(nc.serves, deleted, used)
		if oc == nil {
			oc = match(nc.serves, kept, nil)
		}
		if oc == nil {
			continue
		}
		used[oc], used[nc] = true, true
		c := &Config{Old: oc.serves, New: nc.serves, Keys: keys(oc.cm.Data, nc.cm.Data)}
		if k := news[oc.cm.Name]; k != nil {
			c.Stays = k.serves
		}
		out = append(out, Object{Kind: o.Kind, Name: o.Name, Change: Replaced, Was: oc.cm.Name, Config: c})
	}
	for _, o := range objs {
		if c := olds[o.Name]; o.Change == Deleted && c.is(o) && used[c] {
			continue
		}
		if c := news[o.Name]; o.Change == Created && c.is(o) && used[c] {
			continue
		}
		out = append(out, o)
	}
	return out
}

// match is the first ConfigMap of olds, not yet used, serving one of the
// versions in serves, else one of its roles; nil when none.
func match(serves []Served, olds []*configMap, used map[*configMap]bool) *configMap {
	for _, same := range []func(a, b Served) bool{
		func(a, b Served) bool { return a.Version == b.Version },
		func(a, b Served) bool { return a.Role == b.Role },
	} {
		for _, c := range olds {
			if used[c] {
				continue
			}
			for _, s := range serves {
				if slices.ContainsFunc(c.serves, func(t Served) bool { return same(s, t) }) {
					return c
				}
			}
		}
	}
	return nil
}

// configs are s's ConfigMaps by name, each with the versions whose
// merged config it holds.
func (s *side) configs() map[string]*configMap {
	out := map[string]*configMap{}
	if s.c == nil {
		return out
	}
	r := s.c.Spec.Release
	for _, m := range r.Versions() {
		data := release.Merged(r.Config, m.Version.Config)
		for _, o := range s.objs {
			cm, ok := o.(*corev1.ConfigMap)
			if !ok || data == nil || !maps.Equal(cm.Data, data) {
				continue
			}
			if out[cm.Name] == nil {
				out[cm.Name] = &configMap{cm: cm}
			}
			out[cm.Name].serves = append(out[cm.Name].serves, Served{Role: m.Role, Version: m.Version.Version})
		}
	}
	return out
}

// keys are the keys that change from a to b, by name.
func keys(a, b map[string]string) []Key {
	var out []Key
	for k, v := range a {
		if nv, ok := b[k]; !ok {
			out = append(out, Key{Name: k, Change: KeyRemoved, Old: v})
		} else if nv != v {
			out = append(out, Key{Name: k, Change: KeyChanged, Old: v, New: nv, Lines: lineDiff(v, nv)})
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, Key{Name: k, Change: KeyAdded, New: v})
		}
	}
	slices.SortFunc(out, func(x, y Key) int { return cmp.Compare(x.Name, y.Name) })
	return out
}

// maxLineCells bounds the table lineDiff fills (lines before × lines
// after, past the lines both sides start and end with); past it the
// lines between are paired by place.
const maxLineCells = 1 << 20

// lineDiff are the lines that change from a to b when either has several
// lines, nil otherwise: the fewest lines removed and added (a longest
// common subsequence), a line removed and one added at the same place
// paired as one changed line (pairLines).
func lineDiff(a, b string) []Line {
	if !strings.Contains(a, "\n") && !strings.Contains(b, "\n") {
		return nil
	}
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	// The lines both start and end with.
	pre := 0
	for pre < len(al) && pre < len(bl) && al[pre] == bl[pre] {
		pre++
	}
	suf := 0
	for suf < len(al)-pre && suf < len(bl)-pre && al[len(al)-1-suf] == bl[len(bl)-1-suf] {
		suf++
	}
	am, bm := al[pre:len(al)-suf], bl[pre:len(bl)-suf]
	// same[i][j] is the longest common subsequence of am[i:] and bm[j:].
	var same [][]int
	if len(am)*len(bm) <= maxLineCells {
		same = make([][]int, len(am)+1)
		for i := range same {
			same[i] = make([]int, len(bm)+1)
		}
		for i := len(am) - 1; i >= 0; i-- {
			for j := len(bm) - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					same[i][j] = same[i+1][j+1] + 1
				} else {
					same[i][j] = max(same[i+1][j], same[i][j+1])
				}
			}
		}
	}
	var out []Line
	var gone, added []Line // the run of lines since the last common one
	flush := func() {
		out = append(out, pairLines(gone, added)...)
		gone, added = gone[:0], added[:0]
	}
	i, j := 0, 0
	for i < len(am) || j < len(bm) {
		switch {
		case i < len(am) && j < len(bm) && am[i] == bm[j] && same != nil:
			flush()
			i, j = i+1, j+1
		case j == len(bm) || i < len(am) && (same == nil && i <= j || same != nil && same[i+1][j] >= same[i][j+1]):
			gone = append(gone, Line{Old: pre + i + 1, OldText: am[i]})
			i++
		default:
			added = append(added, Line{New: pre + j + 1, NewText: bm[j]})
			j++
		}
	}
	flush()
	return out
}

// pairLines pairs the lines removed and added between two common ones as
// changed lines: a removed and an added line setting the same key
// (`database: a`, `database: b`) first, then the rest by place; the
// removed lines left over first, then the others by their new number.
func pairLines(gone, added []Line) []Line {
	used := make([]bool, len(added))
	var out, left []Line
	for _, g := range gone {
		k := lineKey(g.OldText)
		if i := slices.IndexFunc(added, func(a Line) bool { return k != "" && lineKey(a.NewText) == k }); i >= 0 && !used[i] {
			used[i] = true
			out = append(out, Line{Old: g.Old, OldText: g.OldText, New: added[i].New, NewText: added[i].NewText})
			continue
		}
		left = append(left, g)
	}
	var rest []Line
	for i, a := range added {
		if !used[i] {
			rest = append(rest, a)
		}
	}
	for k := range min(len(left), len(rest)) {
		out = append(out, Line{Old: left[k].Old, OldText: left[k].OldText, New: rest[k].New, NewText: rest[k].NewText})
	}
	if len(left) > len(rest) {
		out = append(left[len(rest):], out...)
	} else {
		out = append(out, rest[len(left):]...)
	}
	slices.SortStableFunc(out, func(x, y Line) int {
		if x.New == 0 || y.New == 0 {
			return cmp.Compare(min(x.New, 1), min(y.New, 1)) // removed lines first
		}
		return cmp.Compare(x.New, y.New)
	})
	return out
}

// lineKey is what a line of a config file sets: its text before the
// first ':' or '=', trimmed; "" when it has neither.
func lineKey(l string) string {
	i := strings.IndexAny(l, ":=")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(l[:i])
}

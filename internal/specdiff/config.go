package specdiff

import (
	"cmp"
	"maps"
	"slices"

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
			out = append(out, Key{Name: k, Change: KeyChanged, Old: v, New: nv})
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

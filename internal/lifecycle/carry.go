package lifecycle

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/internal/specedit"
	"github.com/rollspec/rollspec/release"
)

// overlay is one of a version's overrides of the release's pods, which
// promote moves to stable with the candidate: a new candidate started
// without them would drop them from production at its own promotion.
type overlay struct {
	name string // the field, as written in a version
	path func(fieldpath.VersionFields) fieldpath.Path
	// keys are the top-level keys v writes in it, sorted; none when it
	// writes none.
	keys func(v *release.Version) []string
}

// overlays are a version's overrides, in the order start writes them.
var overlays = []overlay{
	{"env", func(f fieldpath.VersionFields) fieldpath.Path { return f.Env.Path }, func(v *release.Version) []string { return sortedKeys(v.Env) }},
	{"config", func(f fieldpath.VersionFields) fieldpath.Path { return f.Config }, func(v *release.Version) []string { return sortedKeys(v.Config) }},
	{"container", func(f fieldpath.VersionFields) fieldpath.Path { return f.Container.Path }, func(v *release.Version) []string { return jsonKeys(v.Container) }},
	{"pod", func(f fieldpath.VersionFields) fieldpath.Path { return f.Pod.Path }, func(v *release.Version) []string { return jsonKeys(v.Pod) }},
}

// sortedKeys are m's keys, sorted.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// jsonKeys are the keys of the JSON object raw, sorted.
func jsonKeys(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// written are the overlays v writes, each said as "env (A, B)".
func written(v *release.Version) (ols []overlay, said []string) {
	for _, o := range overlays {
		if keys := o.keys(v); len(keys) > 0 {
			ols = append(ols, o)
			said = append(said, o.name+" ("+strings.Join(keys, ", ")+")")
		}
	}
	return ols, said
}

// carry adds to m, a new candidate's fields, the overlays ols of stable
// copied from the release's source as written — except env when the
// candidate has env of its own (--env), which Start writes merged
// (candidateEnv). An overlay the release's own source does not write (a
// CUE template's) cannot be copied: an error at it.
func carry(src *specedit.Release, ols []overlay, env []specedit.Entry, m specedit.Map) (specedit.Map, error) {
	for _, o := range ols {
		if o.name == "env" && len(env) > 0 {
			continue // merged below
		}
		p := o.path(fieldpath.Stable)
		c, ok, err := src.Copy(names(p))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, src.Problem(names(p), "stable's %s is not written in the release itself, so start cannot carry it to the candidate (allowed: --bare, then write the candidate's %s by hand)", o.name, o.name)
		}
		m = append(m, specedit.Entry{Key: o.name, Value: c})
	}
	return m, nil
}

// candidateEnv is the env a new candidate is written with: stable's (when
// carried), sorted, each value replaced by its own --env, then the --env
// keys stable does not write, in order.
func candidateEnv(stable map[string]string, own []specedit.Entry) specedit.Map {
	var m specedit.Map
	for _, k := range sortedKeys(stable) {
		v := stable[k]
		if i := slices.IndexFunc(own, func(e specedit.Entry) bool { return e.Key == k }); i >= 0 {
			v = fmt.Sprint(own[i].Value)
		}
		m = append(m, specedit.Entry{Key: k, Value: v})
	}
	for _, e := range own {
		if _, ok := stable[e.Key]; !ok {
			m = append(m, e)
		}
	}
	return m
}

package podcheck

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/rollspec/rollspec/internal/fieldpath"
	"github.com/rollspec/rollspec/release"
)

// The main container's environment is the short-form env (sorted by
// name) followed by container.env. Kubernetes expands a $(VAR) in an
// entry's value only from the variables defined before that entry (and
// from envFrom and the Service links, which all come first), so a list in
// that order would leave a reference to a later entry literal. OrderEnv
// puts every referenced entry before the entries that reference it;
// checkEnvOrder refuses what no order can expand.

// ShortEnv is the main container's environment from the short-form env
// (the release's, with the version's overlaid), sorted by name: the part
// of the list before container.env.
func ShortEnv(m map[string]string) []corev1.EnvVar {
	var env []corev1.EnvVar
	for _, k := range slices.Sorted(maps.Keys(m)) {
		env = append(env, corev1.EnvVar{Name: k, Value: m[k]})
	}
	return env
}

// OrderEnv is env in the order Kubernetes expands every $(VAR) reference
// between its entries: stable, each entry at the first place after all
// the entries it references; env itself (today's order, the same bytes)
// when no entry references another. fromSource is whether the container
// has envFrom, which may define a variable an entry references by its
// own name (NAME: "$(NAME):more"). Entries no order can place (a cycle,
// which the load refuses) keep their order, last.
func OrderEnv(env []corev1.EnvVar, fromSource bool) []corev1.EnvVar {
	order, _ := envOrder(env, fromSource)
	if order == nil {
		return env
	}
	out := make([]corev1.EnvVar, len(env))
	for i, j := range order {
		out[i] = env[j]
	}
	return out
}

// envRefs are the variables value references as $(NAME), as Kubernetes'
// expansion reads them: $$ is a literal $, so $$(NAME) is no reference,
// and a $( without its ) is literal text.
func envRefs(value string) []string {
	var refs []string
	for i := 0; i+1 < len(value); i++ {
		if value[i] != '$' {
			continue
		}
		switch value[i+1] {
		case '$':
			i++
		case '(':
			end := strings.IndexByte(value[i+2:], ')')
			if end < 0 {
				return refs
			}
			refs = append(refs, value[i+2:i+2+end])
			i += 2 + end
		}
	}
	return refs
}

// envOrder is the order of env's indices in which each entry follows the
// entries its value references (deps), the earliest entry first wherever
// several may come next; nil when no entry references another. stuck are
// the entries no order places, in their own order.
func envOrder(env []corev1.EnvVar, fromSource bool) (order []int, stuck []int) {
	deps := envDeps(env, fromSource)
	if deps == nil {
		return nil, nil
	}
	placed := make([]bool, len(env))
	ready := func(i int) bool {
		for _, d := range deps[i] {
			if !placed[d] {
				return false
			}
		}
		return true
	}
	for len(order) < len(env) {
		next := -1
		for i := range env {
			if !placed[i] && ready(i) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		placed[next] = true
		order = append(order, next)
	}
	for i := range env {
		if !placed[i] {
			stuck = append(stuck, i)
			order = append(order, i)
		}
	}
	return order, stuck
}

// envDeps are, for each entry of env, the entries its value references:
// every definition of the name but its own (a reference to its own name
// reads envFrom's variable when fromSource, else it is a cycle of one).
// nil when no value references an entry.
func envDeps(env []corev1.EnvVar, fromSource bool) [][]int {
	var deps [][]int
	for i, e := range env {
		if e.ValueFrom != nil || !strings.Contains(e.Value, "$(") {
			continue
		}
		for _, name := range envRefs(e.Value) {
			for j, d := range env {
				if d.Name != name || (j == i && fromSource) {
					continue
				}
				if deps == nil {
					deps = make([][]int, len(env))
				}
				if !slices.Contains(deps[i], j) {
					deps[i] = append(deps[i], j)
				}
			}
		}
	}
	return deps
}

// cycleOf is the shortest reference path from i back to i through deps,
// as names (i's first and last), nil when i is on no cycle.
func cycleOf(env []corev1.EnvVar, deps [][]int, i int) []string {
	from := map[int]int{}
	queue := []int{}
	for _, d := range deps[i] {
		if _, ok := from[d]; !ok {
			from[d] = i
			queue = append(queue, d)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == i {
			path := []string{env[i].Name}
			for at := from[i]; at != i; at = from[at] {
				path = append(path, env[at].Name)
			}
			path = append(path, env[i].Name)
			slices.Reverse(path)
			return path
		}
		for _, d := range deps[n] {
			if _, ok := from[d]; !ok {
				from[d] = n
				queue = append(queue, d)
			}
		}
	}
	return nil
}

// envOrders checks the order of the main container's environment in the
// pod each member runs (checkEnvOrder); nothing when no value in the
// short-form env or a container section holds a $( at all.
func (c *checker) envOrders(members []release.Member) {
	r := c.r
	refers := func(env map[string]string, container []byte) bool {
		for _, v := range env {
			if strings.Contains(v, "$(") {
				return true
			}
		}
		return bytes.Contains(container, []byte("$("))
	}
	found := refers(r.Env, r.Container)
	for _, m := range members {
		found = found || refers(m.Version.Env, m.Version.Container)
	}
	if !found {
		return
	}
	for _, m := range members {
		if _, main, err := r.PodOf(m.Version); err == nil {
			c.checkEnvOrder(m, main)
		}
	}
}

// checkEnvOrder refuses, in the main container of the pod version m runs,
// each reference no order of the list expands: an entry on a reference
// cycle (its own name, without envFrom to read it from, is one), and a
// reference to a name the list defines twice, whose value then depends
// on the order. Each problem is at the entry that references, in the
// version's overlay or the release's section.
func (c *checker) checkEnvOrder(m release.Member, main corev1.Container) {
	r := c.r
	short := release.Merged(r.Env, m.Version.Env)
	env := append(ShortEnv(short), main.Env...)
	fromSource := len(main.EnvFrom) > 0 || (len(release.Merged(r.Config, m.Version.Config)) > 0 && r.ConfigPath == "")
	deps := envDeps(env, fromSource)
	if deps == nil {
		return
	}
	l := &locator{r: r, m: m, at: fieldpath.Role(m.Role), dec: &c.dec}
	at := func(i int) fieldpath.Path {
		if i < len(short) {
			k := env[i].Name
			if _, ok := m.Version.Env[k]; ok {
				return fieldpath.Role(m.Role).Env.Key(k)
			}
			return fieldpath.Env.Key(k)
		}
		return l.mainEntry("env", "name", env[i].Name, i-len(short)).Below("value")
	}
	const why = "Kubernetes expands $(VAR) only from the variables defined before it in the list"
	count := map[string]int{}
	for _, e := range env {
		count[e.Name]++
	}
	for i, e := range env {
		for _, name := range envRefs(e.Value) {
			if count[name] > 1 && !(name == e.Name && fromSource) {
				c.add(at(i), "$(%s) references %s, which the container's environment defines %d times: its value depends on their order (allowed: %s defined once, in env or container.env)", name, name, count[name], name)
			}
		}
	}
	_, stuck := envOrder(env, fromSource)
	for _, i := range stuck {
		switch path := cycleOf(env, deps, i); {
		case len(path) == 2:
			c.add(at(i), "$(%s) references the entry's own name, and no envFrom defines it before: %s, so it stays literal (allowed: a value without $(%s), or $$(%s) for a literal $(%s))", path[0], why, path[0], path[0], path[0])
		case path != nil:
			c.add(at(i), "$(%s) is on a reference cycle %s: %s, so no order expands them all (allowed: references without a cycle, or $$(VAR) for a literal $(VAR))", path[1], strings.Join(path, " → "), why)
		}
	}
}

package stage

import (
	"math"

	"github.com/rollspec/rollspec/internal/gen"
	"github.com/rollspec/rollspec/release"
)

// Route is one way requests reach the release, and how it shares them
// between the versions.
type Route struct {
	// Object routing the requests: "Service web", "VirtualService web".
	Object string `json:"object"`
	// Hosts are, for Istio's routes, the external host they serve too
	// (through the Gateway), beside the mesh's calls to the Service.
	Hosts []string `json:"hosts,omitempty"`
	// Preview marks blue-green's Service for the idle version.
	Preview bool `json:"preview"`
	// Shares of the requests per version, in percent: a Service's share
	// is the version's share of the ready pods it selects; Istio's the
	// route weight. With Match, the shares of the requests no match
	// selects.
	Shares []Share `json:"shares"`
	// Match: requests matching any entry go to the candidate,
	// MatchVersion.
	Match        []release.Match `json:"match,omitempty"`
	MatchVersion string          `json:"matchVersion,omitempty"`
	// Mirror is a copy of a percentage of the requests sent to a version
	// as well; its responses are dropped.
	Mirror *Share `json:"mirror,omitempty"`
}

// Share is a version's share of a route's requests.
type Share struct {
	Role    string `json:"role"`
	Version string `json:"version"`
	// Percent of the requests.
	Percent float64 `json:"percent"`
}

// Kinds of the objects routes are named after.
const (
	objService        = "Service"
	objVirtualService = "VirtualService"
)

// routes are the routes of r's plan p, whose versions run ps.
func routes(r *release.Release, p *gen.Plan, ps []Pods) []Route {
	var out []Route
	rt := p.Routes
	if rt != nil {
		route := Route{Object: objVirtualService + " " + r.Name, Shares: []Share{}}
		if r.Host != "" {
			route.Hosts = []string{r.Host}
		}
		if !rt.Subsets {
			route.Shares = []Share{{Role: release.RoleStable, Version: r.Stable.Version, Percent: 100}}
		}
		if rt.AllPods {
			route.Shares = podShares(r, "", ps)
		}
		if rt.Subsets && !rt.AllPods {
			for _, d := range rt.Default {
				route.Shares = append(route.Shares, share(r, d.Role, float64(d.Weight)))
			}
			if len(rt.Match) > 0 {
				route.Match, route.MatchVersion = rt.Match, share(r, release.RoleCandidate, 0).Version
			}
			if m := rt.Mirror; m != nil {
				mirror := share(r, m.Role, m.Percent)
				route.Mirror = &mirror
			}
		}
		out = append(out, route)
	}
	for _, s := range p.Services {
		if s.Headless || rt != nil && !s.Preview {
			continue // Istio routes the main Service's host
		}
		out = append(out, Route{Object: objService + " " + s.Name, Preview: s.Preview, Shares: append([]Share{}, podShares(r, s.Role, ps)...)})
	}
	return out
}

// share is role's share of percent, rounded to 2 decimals (a third of
// the pods is 33.33 %).
func share(r *release.Release, role string, percent float64) Share {
	v := r.Stable.Version
	if role == release.RoleCandidate && r.Candidate != nil {
		v = r.Candidate.Version
	}
	return Share{Role: role, Version: v, Percent: math.Round(percent*100) / 100}
}

// podShares are the shares of a Service selecting role's pods ("" for
// every version's): each version's share of them. A DaemonSet's pods
// are one per node, each version on its nodes.
func podShares(r *release.Release, role string, ps []Pods) []Share {
	var total int32
	counts := map[string]int32{}
	for _, p := range ps {
		if role == "" || p.Role == role {
			counts[p.Role] += p.Count
			total += p.Count
		}
	}
	var out []Share
	for _, m := range r.Versions() {
		if n := counts[m.Role]; n > 0 {
			out = append(out, share(r, m.Role, float64(n)*100/float64(total)))
		}
	}
	return out
}

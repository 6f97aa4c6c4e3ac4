package load

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cuelang.org/go/cue/token"

	"github.com/rollspec/rollspec/internal/diag"
	"github.com/rollspec/rollspec/internal/fieldpath"
)

// finish sorts specs by namespace and name and checks them against each
// other, adding what it finds to errs; when nothing is wrong, it adds the
// warnings that concern several specs.
func finish(specs []*Spec, errs diag.List) ([]*Spec, diag.List) {
	specs, more := dedupe(specs)
	errs = append(errs, more...)
	errs = append(errs, duplicateHosts(specs)...)
	if len(errs) == 0 {
		sharedCertificates(specs)
	}
	return specs, errs
}

// duplicateHosts reports an external host that two releases serve: their
// VirtualServices would both claim it (Istio's IST0109), and which one
// answers would be up to chance.
func duplicateHosts(specs []*Spec) diag.List {
	var errs diag.List
	first := map[string]*Spec{}
	for _, s := range specs {
		h := s.Release.Host
		if h == "" {
			continue
		}
		if o, ok := first[h]; ok {
			errs = append(errs, &diag.Diagnostic{Pos: s.Pos(fieldpath.Host), Field: fieldpath.Host.String(),
				Refs: []token.Pos{o.Pos(fieldpath.Host)},
				Text: fmt.Sprintf("%s is already served by release %s/%s at {0} (allowed: each host in one release)", h, o.Release.Namespace, o.Release.Name)})
			continue
		}
		first[h] = s
	}
	return errs
}

// sharedCertificates warns about releases that terminate TLS with the same
// Secret in Gateways of their own on the same gateway pods (Istio's
// IST0138): a client may reuse an HTTP/2 connection opened for one host to
// ask for another, which the other Gateway then answers with 404. One
// shared Gateway serving all those hosts avoids it.
func sharedCertificates(specs []*Spec) {
	type key struct{ secret, selector string }
	groups := map[key][]*Spec{}
	for _, s := range specs {
		r := s.Release
		if r.TLS == nil || r.Gateway != "" || r.Host == "" {
			continue
		}
		sel, _ := json.Marshal(r.GatewaySelector) // sorted keys
		k := key{r.TLS.CredentialName, string(sel)}
		groups[k] = append(groups[k], s)
	}
	for k, group := range groups {
		if len(group) < 2 {
			continue
		}
		for _, s := range group {
			var others []string
			for _, o := range group {
				if o != s {
					others = append(others, o.Release.Namespace+"/"+o.Release.Name)
				}
			}
			s.Warn(fieldpath.TLS.CredentialName, "certificate %s also serves %s through another Gateway on the same gateway pods: a client reusing an HTTP/2 connection across these hosts can get 404s (Istio IST0138); bind these releases to one shared Gateway with `gateway:`",
				k.secret, strings.Join(others, ", "))
		}
	}
}

// noRelease reports each path holding no release: a file at its start,
// a directory by its name.
func noRelease(paths []string) diag.List {
	var errs diag.List
	for _, p := range paths {
		allowed := "a release, or a list or stream of releases"
		switch fi, err := os.Stat(p); {
		case err == nil && fi.IsDir():
			errs = append(errs, &diag.Diagnostic{Text: fmt.Sprintf("no release found in %s (allowed: .cue, .yaml, .yml or .json files holding releases)", p)})
			continue
		case filepath.Ext(p) == ".cue":
			allowed = "a release, or a package's releases: <name>: {…}"
		}
		errs = append(errs, &diag.Diagnostic{Pos: linePos(p, 1), Text: "holds no release (allowed: " + allowed + ")"})
	}
	return errs
}

// dedupe sorts specs by namespace and name and reports releases compiled
// twice, which would overwrite each other's objects.
func dedupe(specs []*Spec) ([]*Spec, diag.List) {
	sort.SliceStable(specs, func(i, j int) bool {
		a, b := specs[i].Release, specs[j].Release
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	var errs diag.List
	for i := 1; i < len(specs); i++ {
		a, b := specs[i-1], specs[i]
		if a.Release.Namespace == b.Release.Namespace && a.Release.Name == b.Release.Name {
			errs = append(errs, &diag.Diagnostic{Pos: b.Pos(fieldpath.Name), Field: fieldpath.Name.String(), Refs: []token.Pos{a.Pos(fieldpath.Name)},
				Text: fmt.Sprintf("release %s/%s is already defined at {0} (allowed: each namespace and name once)", b.Release.Namespace, b.Release.Name)})
		}
	}
	return specs, errs
}

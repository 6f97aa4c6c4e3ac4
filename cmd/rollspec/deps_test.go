package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStartupDeps keeps packages out of the binary whose initialisers
// every rollspec process would pay for at start, though rollspec never
// uses what they set up, and those only tests use.
func TestStartupDeps(t *testing.T) {
	banned := []struct {
		pkg, why string
	}{
		{"sigs.k8s.io/kustomize/kyaml/fn/framework", "links kube-openapi's validators (about 4 ms per process); fn has its own ResourceList types"},
		{"k8s.io/kube-openapi/pkg/validation/strfmt", "its init registers string formats: 2.5 ms and 400 KB per process"},
		{"github.com/yuin/goldmark", "the Markdown renderer of tests (internal/testmd): rollspec writes Markdown, never reads it"},
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	for _, b := range banned {
		if deps[b.pkg] {
			t.Errorf("rollspec links %s: %s", b.pkg, b.why)
		}
	}
}

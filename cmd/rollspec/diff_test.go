package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/testfs"
)

// TestDiffExitCodes: a diff is information, exit 0 whatever changes; 1
// only when a side is invalid; 2 for a wrong command line.
func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	spec := "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nreadinessProbe: {http: {path: /}}\nrunAsUser: 1000\nstable: {version: v1, tag: \"1\"}\nstrategy: {ramped: {}}\n"
	testfs.Write(t, dir, map[string]string{
		"old/web.yaml": spec,
		"new/web.yaml": strings.Replace(spec, `tag: "1"`, `tag: "2"`, 1),
		"bad/web.yaml": strings.Replace(spec, "name: web", "name: Web!", 1),
	})
	at := func(n string) string { return filepath.Join(dir, n) }
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // a line the output holds, "" for none
	}{
		{"a new image restarts the pods, exit 0", []string{at("old"), at("new")}, exitOK, "  pods: pods restart\n"},
		{"nothing changes, exit 0", []string{at("old"), at("old")}, exitOK, "releases: 0 changed, 0 new, 0 removed, 1 unchanged\n"},
		{"an invalid NEW, exit 1", []string{at("old"), at("bad")}, exitInvalid, ""},
		{"an invalid OLD, exit 1", []string{at("bad"), at("new")}, exitInvalid, ""},
		{"one path, exit 2", []string{at("old")}, exitUsage, ""},
		{"an unknown format, exit 2", []string{"--format", "html", at("old"), at("new")}, exitUsage, ""},
		{"an unknown flag, exit 2", []string{"--nope", at("old"), at("new")}, exitUsage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"diff"}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) || tc.stdout == "" && stdout.Len() > 0 {
				t.Errorf("stdout:\n%s\nwant it to hold %q", stdout.String(), tc.stdout)
			}
		})
	}
}

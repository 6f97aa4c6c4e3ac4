package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeWalkthrough: the README's walkthrough ("A release, stage by
// stage") shows what rollspec prints: its web.yaml built, then started.
func TestReadmeWalkthrough(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	at := strings.Index(s, "## A release, stage by stage")
	if at < 0 {
		t.Fatal("README has no walkthrough")
	}
	s = s[at:]
	spec := between(t, s, "```yaml\n", "```")
	const cmd = "$ rollspec start web.yaml --version v2 --tag 2.0.0\n"
	want := between(t, s, cmd, "\n$ ")
	dir := t.TempDir()
	file := filepath.Join(dir, "web.yaml")
	if err := os.WriteFile(file, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := run([]string{"build", "-o", filepath.Join(dir, "deploy"), file}, &out, &errs); code != exitOK {
		t.Fatalf("build: %d: %s", code, errs.String())
	}
	out.Reset()
	t.Chdir(dir) // the output names web.yaml as given
	if code := run([]string{"start", "web.yaml", "--version", "v2", "--tag", "2.0.0"}, &out, &errs); code != exitOK {
		t.Fatalf("start: %d: %s", code, errs.String())
	}
	if got := trimLines(out.String()); got != trimLines(want) {
		t.Errorf("README shows:\n%s\nrollspec prints:\n%s", want, got)
	}
}

// between is the text of s after the first start, up to end.
func between(t *testing.T, s, start, end string) string {
	t.Helper()
	_, after, ok := strings.Cut(s, start)
	if !ok {
		t.Fatalf("no %q", start)
	}
	text, _, ok := strings.Cut(after, end)
	if !ok {
		t.Fatalf("no %q after %q", end, start)
	}
	return text
}

// trimLines drops trailing spaces of each line and trailing newlines.
func trimLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

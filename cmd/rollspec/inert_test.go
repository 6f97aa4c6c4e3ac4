package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rollspec/rollspec/internal/manifest"
	"github.com/rollspec/rollspec/internal/testfs"
	"github.com/rollspec/rollspec/internal/testmd"
)

// hostile is a value that is markup, a link, an image, a mention, HTML or
// a terminal's control sequence wherever it is not made inert; marked
// "EVIL" where it would show as emphasis or a heading.
const hostile = "a```b`\r# EVIL heading\n| EVIL | row |\x1b]0;EVIL title\x07\x1b[31mred\u202eEVIL reversed" +
	" <img src=x onerror=alert(1)> [EVIL](http://evil.example) ![EVIL](http://evil.example/i.png)" +
	" <http://evil.example/auto> https://evil.example/bare www.evil.example @octocat &#64;octocat" +
	" *EVIL* _EVIL_ ~~EVIL~~ :smile: $EVIL$ \\`"

// cookieValue is hostile within what a cookie value may hold (no space,
// ';' or ',').
const cookieValue = "``<img/src=x/onerror=alert(1)>\r@octocat[EVIL](http://evil.example)www.evil.example\x1b[2J|"

// hostileName is a spec file name with markup and control characters.
const hostileName = "web`<img src=x onerror=alert(1)>`\r# EVIL @octocat [EVIL](http:evil) www.evil.example|\x1b[31m.yaml"

// abTest is an A/B test spec whose values are hostile where the schema
// lets them be: a header's value, a cookie, a query parameter's name and
// value, the candidate's version, the host, an env value.
func abTest(header, version, env string) string {
	q := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return `name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
replicas: 2
runAsUser: 1000
traffic: istio
host: www.evil.example
env: {EVIL: ` + q(env) + `}
stable: {version: v1, tag: "1"}
candidate: {version: ` + q(version) + `, tag: "2"}
strategy:
  abTest:
    match:
      - headers: {x-evil: {exact: ` + q(header) + `}}
      - cookie: {name: "x` + "`|`" + `*y*", value: ` + q(cookieValue) + `}
      - queryParams: {` + q(hostile) + `: {exact: ` + q(hostile) + `}}
`
}

// inertMarkdown checks md as a renderer reads it: nothing in it acts
// (testmd.Rendered.Active), no emphasis or heading holds a value's words,
// one table of rows rows (when rows > 0) with as many cells in each row
// as in its heading; and the hostile values show, escaped, in code spans.
func inertMarkdown(t *testing.T, md []byte, rows int) {
	t.Helper()
	r := testmd.Render(md)
	for _, a := range r.Active {
		t.Errorf("from a value: %q", a)
	}
	for _, s := range append(r.Emphasis, r.Headings...) {
		if strings.Contains(s, "EVIL") {
			t.Errorf("a value's emphasis or heading: %q", s)
		}
	}
	if rows > 0 && (len(r.Tables) != 1 || len(r.Tables[0]) != rows+1) {
		t.Errorf("tables %q, want one of %d rows", r.Tables, rows)
	}
	for _, tb := range r.Tables {
		for _, row := range tb[1:] {
			if len(row) != len(tb[0]) {
				t.Errorf("a row of %d cells under %d headings: %q", len(row), len(tb[0]), row)
			}
		}
	}
	codes := strings.Join(r.Codes, "\n")
	var missing []string
	for _, want := range []string{`<img src=x onerror=alert(1)>`, `\r# EVIL heading\n`, `\x1b]0;EVIL title\a`, `\u202eEVIL`, "a```b`", `@octocat`, `www.evil.example`} {
		if !strings.Contains(codes, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no code span shows %q", missing)
	}
	if t.Failed() {
		t.Logf("the Markdown:\n%s", md)
	}
}

// controlled is the characters of out a terminal acts on or that hide
// text: below 0x20 but a line break and a tab, DEL, C1 controls, line
// and paragraph separators, bidi controls, bytes that are not UTF-8;
// each with the text around it.
func controlled(out []byte) []string {
	var bad []string
	s := string(out)
	for i, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r < 0xa0 || r == 0x2028 || r == 0x2029 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == utf8.RuneError {
			bad = append(bad, s[max(0, i-20):min(len(s), i+20)])
		}
	}
	return bad
}

// noControls fails when out holds a character controlled finds.
func noControls(t *testing.T, what string, out []byte) {
	t.Helper()
	if bad := controlled(out); len(bad) > 0 {
		t.Errorf("%s holds %d control characters, as in %q", what, len(bad), bad[:min(3, len(bad))])
	}
}

// TestHostileOutput: a spec's values and file name — markup, links,
// images, mentions, HTML, control characters — are inert in plan's and
// diff's Markdown as a renderer reads it, and reach no terminal raw in
// their table and text.
func TestHostileOutput(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"old", "new"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	spec := write(filepath.Join("new", hostileName), abTest(hostile, "www.evil.example", hostile))
	write(filepath.Join("old", hostileName), abTest("safe", "v2", "safe"))
	cli := func(t *testing.T, args ...string) []byte {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != exitOK {
			t.Fatalf("rollspec %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
		noControls(t, "standard error", stderr.Bytes())
		return stdout.Bytes()
	}
	t.Run("plan markdown", func(t *testing.T) {
		inertMarkdown(t, cli(t, "plan", "--format", "markdown", spec), 2) // now, promote
	})
	t.Run("diff markdown", func(t *testing.T) {
		inertMarkdown(t, cli(t, "diff", "--format", "markdown", filepath.Join(dir, "old"), filepath.Join(dir, "new")), 0)
	})
	for _, tc := range []struct {
		name  string
		args  []string
		shows string // a control character shown escaped
	}{
		{"plan", []string{"plan", spec}, `\x1b]0;EVIL title\a`},
		{"diff", []string{"diff", filepath.Join(dir, "old"), filepath.Join(dir, "new")}, `\x1b[2J`},
		// The chart names versions and stages, which hold none.
		{"plan svg", []string{"plan", "--format", "svg", spec}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := cli(t, tc.args...)
			noControls(t, "the output", out)
			if !bytes.Contains(out, []byte(tc.shows)) {
				t.Errorf("the control characters are not shown escaped:\n%s", out)
			}
		})
	}
}

// TestHostileTerminal: what build, check and start print — reports,
// file names, a diff of files in DIR, the command to run — holds no
// control character raw, whatever the specs and DIR hold.
func TestHostileTerminal(t *testing.T) {
	dir := t.TempDir()
	name := "web\r\x1b]0;EVIL\x07\u202e.yaml"
	spec := `name: web
image: example/web
ports: [{name: http, containerPort: 8080}]
readinessProbe: {http: {path: /}}
runAsUser: 1000
stable: {version: v1, tag: "1", env: {MODE: "` + "old\\r\\e[2J\\n\\u202e" + `"}}
strategy: {ramped: {}}
`
	testfs.Write(t, dir, map[string]string{
		"specs/" + name: spec,
		// A generated file a pull request changed, and one it added.
		"deploy/default.web.yaml":    manifest.Header + "# Source: " + strconv.Quote("../specs/"+name) + "\nkind: \x1b]0;EVIL\x07\r\n",
		"deploy/x\x1b[2J\u202e.yaml": manifest.Header + "# Source: " + strconv.Quote("../specs/"+name) + "\n",
	})
	at := func(n string) string { return filepath.Join(dir, n) }
	for _, tc := range []struct {
		name  string
		args  []string
		code  int
		shows []string // what the output shows escaped
	}{
		{"check: the diff, the files, the command", []string{"check", "-o", at("deploy"), at("specs/" + name)}, exitInvalid,
			[]string{"-kind: \\x1b]0;EVIL\\a\\r\n", `x\x1b[2J\u202e.yaml: stale`, `$'` + at("specs") + `/web\r\x1b]0;EVIL\a\u202e.yaml'`}},
		{"start: the file and the value it changes", []string{"start", at("specs/" + name), "--version", "v2", "--tag", "2", "--env", "MODE=new"}, exitOK,
			[]string{`web\r\x1b]0;EVIL\a\u202e.yaml: stable.env.MODE: old\r\x1b[2J\n\u202e → new`}},
		{"build: a file name in a problem", []string{"build", at("specs/nope\x1b[2J.yaml")}, exitInvalid, []string{`nope\x1b[2J.yaml`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout.String(), stderr.String())
			}
			noControls(t, "standard output", stdout.Bytes())
			noControls(t, "standard error", stderr.Bytes())
			out := stdout.String() + stderr.String()
			for _, s := range tc.shows {
				if !strings.Contains(out, s) {
					t.Errorf("the output does not show %q:\n%s", s, out)
				}
			}
		})
	}
}

// TestShellQuote: the command check says to run reads back in a shell as
// the arguments given, and shows no control character.
func TestShellQuote(t *testing.T) {
	args := []string{"rollspec", "-o", "deploy/", "a b", "it's", "a\x1b[2J\r'\\.yaml", "\u202e.yaml", ""}
	got := shellQuote(args)
	if want := `rollspec -o deploy/ 'a b' 'it'\''s' $'a\x1b[2J\r\'\\.yaml' $'\u202e.yaml' ''`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to read it back")
	}
	out, err := exec.Command(bash, "-c", `for a in `+strings.TrimPrefix(got, "rollspec ")+`; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	if back := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"); !slices.Equal(back, args[1:]) {
		t.Errorf("bash reads back %q, want %q", back, args[1:])
	}
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rollspec/rollspec/internal/testfs"
	"sigs.k8s.io/yaml"
)

// hook is an entry of .pre-commit-hooks.yaml or a user's hook settings.
type hook struct {
	ID            string   `json:"id"`
	Entry         string   `json:"entry"`
	Language      string   `json:"language"`
	Files         string   `json:"files"`
	Exclude       string   `json:"exclude"`
	Args          []string `json:"args"`
	PassFilenames *bool    `json:"pass_filenames"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestPreCommitHooks runs each hook as pre-commit would — the hook's entry,
// the args and files filter of the user's .pre-commit-config.yaml from
// examples/pre-commit (the snippet the README shows), and the staged file
// names — in a scratch git repository, for a good and a bad case.
func TestPreCommitHooks(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	var hooks []hook
	readYAML(t, "../../.pre-commit-hooks.yaml", &hooks)
	var cfg struct {
		Repos []struct {
			Hooks []hook `json:"hooks"`
		} `json:"repos"`
	}
	readYAML(t, "../../examples/pre-commit/.pre-commit-config.yaml", &cfg)
	user := map[string]hook{}
	for _, h := range cfg.Repos[0].Hooks {
		user[h.ID] = h
	}

	bin := goInstallAll(t)
	good := "name: web\nimage: example/web\nports: [{name: http, containerPort: 8080}]\nstable: {version: v1, tag: \"1\"}\nreadinessProbe: {http: {path: /}}\nstrategy: {recreate: {}}\n"

	// run executes hook id in repo as pre-commit does and returns its exit
	// code and output.
	run := func(t *testing.T, repo, id string) (int, string) {
		t.Helper()
		var h hook
		for _, x := range hooks {
			if x.ID == id {
				h = x
			}
		}
		if h.Language != "golang" {
			t.Fatalf("hook %s: language %q, want golang", id, h.Language)
		}
		u := user[id]
		files, exclude := h.Files, h.Exclude
		if u.Files != "" {
			files = u.Files
		}
		if u.Exclude != "" {
			exclude = u.Exclude
		}
		argv := append(strings.Fields(h.Entry), append(h.Args, u.Args...)...)
		if h.PassFilenames == nil || *h.PassFilenames {
			out := git(t, repo, "diff", "--cached", "--name-only")
			re := regexp.MustCompile(files)
			ex := regexp.MustCompile("^$") // pre-commit's default: nothing excluded
			if exclude != "" {
				ex = regexp.MustCompile(exclude)
			}
			for _, f := range strings.Fields(string(out)) {
				if re.MatchString(f) && !ex.MatchString(f) {
					argv = append(argv, f)
				}
			}
		}
		cmd := exec.Command(filepath.Join(bin, argv[0]), argv[1:]...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	repo := func(t *testing.T, files map[string]string) string {
		t.Helper()
		dir := testfs.Tree(t, files)
		git(t, dir, "init", "-q")
		git(t, dir, "add", "-A")
		return dir
	}

	t.Run("vet good", func(t *testing.T) {
		// A cue cmd tool file staged beside the specs is no spec: the
		// hook passes it over (named, rollspec refuses it).
		r := repo(t, map[string]string{"specs/web.yaml": good, "specs/README.md": "# our specs\n", ".github/workflows/ci.yaml": "on: push\n", "specs/deploy_tool.cue": "package specs\n"})
		if code, out := run(t, r, "rollspec-vet"); code != 0 {
			t.Errorf("exit %d on a good spec:\n%s", code, out)
		}
	})
	t.Run("vet bad", func(t *testing.T) {
		r := repo(t, map[string]string{"specs/web.yaml": strings.Replace(good, "recreate", "recreat", 1)})
		code, out := run(t, r, "rollspec-vet")
		if code != 1 || !strings.Contains(out, `specs/web.yaml:6:12: strategy.recreat: unknown field (did you mean "recreate"?)`) {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
	})
	t.Run("check up to date", func(t *testing.T) {
		r := repo(t, map[string]string{"specs/web.yaml": good})
		build := exec.Command(filepath.Join(bin, "rollspec"), "build", "-o", "deploy", "specs")
		build.Dir = r
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
		if code, out := run(t, r, "rollspec-check"); code != 0 {
			t.Errorf("exit %d with up-to-date files:\n%s", code, out)
		}
		// Edit and stage the spec without regenerating (pre-commit
		// stashes unstaged changes, so only a staged edit counts): the
		// hook fails with a diff.
		if err := os.WriteFile(filepath.Join(r, "specs/web.yaml"), []byte(strings.Replace(good, `tag: "1"`, `tag: "2"`, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		git(t, r, "add", "specs/web.yaml")
		code, out := run(t, r, "rollspec-check")
		if code != 1 || !strings.Contains(out, "deploy/default.web.yaml: changed") || !strings.Contains(out, "+      - image: example/web:2") {
			t.Errorf("exit %d, output:\n%s", code, out)
		}
	})
}

// goInstallAll installs every main package of the module into a fresh
// GOBIN, as pre-commit installs a `language: golang` hook (`go install
// ./...` at the repository root; it uses a private GOPATH, this keeps the
// module cache): any main package that does not build breaks the hooks
// for every user. It returns the GOBIN directory.
func goInstallAll(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command("go", "install", "./...")
	cmd.Dir = "../.."
	cmd.Env = append(withoutGit(os.Environ()), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install ./... (what pre-commit runs): %v\n%s", err, out)
	}
	return bin
}

// git runs git in dir and returns its stdout. GIT_* variables are dropped,
// as pre-commit does: when the tests run inside a git hook, GIT_DIR and
// GIT_INDEX_FILE would otherwise point the scratch repository's commands
// at the outer repository.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = withoutGit(os.Environ())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

func withoutGit(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_") {
			out = append(out, kv)
		}
	}
	return out
}

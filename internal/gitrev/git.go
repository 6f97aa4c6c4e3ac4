package gitrev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout is how long one git command may run when Options say
// nothing: reading a repository's objects takes well under a second; a
// command still running after a minute waits for something rollspec
// never lets it have (a network, a terminal, a lock).
const DefaultTimeout = time.Minute

// forcedConfig is set on every git command line. Configuration given with
// -c is protected configuration, and the last setting of a name wins over
// the system's, the user's, the repository's and the environment's
// (GIT_CONFIG_PARAMETERS, GIT_CONFIG_COUNT).
var forcedConfig = []string{
	// A directory shaped as a bare repository (HEAD, objects/, refs/), as a
	// pull request may commit one, is never taken for the repository, so
	// its config (a promisor remote whose uploadpack is any command) is
	// never read.
	"safe.bareRepository=explicit",
	// No transport, not even file://: nothing is fetched, and no
	// remote.*.uploadpack, core.sshCommand or core.gitProxy program runs.
	// A protocol's own setting wins over protocol.allow (a config may
	// allow file:// for submodules): each is set too.
	"protocol.allow=never",
	"protocol.file.allow=never",
	"protocol.git.allow=never",
	"protocol.ssh.allow=never",
	"protocol.http.allow=never",
	"protocol.https.allow=never",
	"protocol.ext.allow=never",
	// No file-system monitor program (it runs for commands that read the
	// index; these do not, but a setting never read costs nothing).
	"core.fsmonitor=false",
	// No hook (these commands run none; this keeps it so).
	"core.hooksPath=" + os.DevNull,
}

// forcedEnv is set in every git command's environment.
var forcedEnv = []string{
	// A partial clone's missing object is never fetched (the fetch would
	// run the promisor remote's transport): git reports it missing. Git
	// 2.39.4 and later honour it.
	"GIT_NO_LAZY_FETCH=1",
	// Never ask on a terminal.
	"GIT_TERMINAL_PROMPT=0",
	// Take no lock that is optional (refreshing the index).
	"GIT_OPTIONAL_LOCKS=0",
}

// droppedEnv are variables of rollspec's environment that no git command
// sees: those naming a program for git to run, and those saying which
// repository a surrounding git command works in (a hook's GIT_DIR,
// GIT_INDEX_FILE), so that each path's repository is found from the
// path. (The configuration in the environment is the operator's, and
// kept: forcedConfig wins over it.)
var droppedEnv = []string{
	"GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PROXY_COMMAND",
	"GIT_PAGER", "PAGER", "GIT_EDITOR", "GIT_EXTERNAL_DIFF",
	"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
	"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_IMPLICIT_WORK_TREE", "GIT_PREFIX",
	"GIT_SHALLOW_FILE", "GIT_GRAFT_FILE",
}

// git runs git commands: every one rollspec runs is built by start, with
// the forced settings, a time limit and a process group of its own,
// killed whole when the limit passes or stop is called.
type git struct {
	path    string // git, looked up on PATH once
	timeout time.Duration
	flag    string // the flag naming the revision, for messages
	env     []string

	mu      sync.Mutex
	running map[*exec.Cmd]bool
	stopped bool
}

// errStopped is the error of a command started or cut short after stop.
var errStopped = errors.New("stopped")

// newGit finds git on PATH (never in the working directory).
func newGit(timeout time.Duration, flag string) (*git, error) {
	if flag == "" {
		flag = "--against"
	}
	path, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("%s runs git, which is not on PATH: %w", flag, err)
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(droppedEnv, name)
	})
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	// Last in the list, the forced values win over the environment's.
	return &git{path: path, timeout: timeout, flag: flag, env: append(env, forcedEnv...), running: map[*exec.Cmd]bool{}}, nil
}

// call is one running git command.
type call struct {
	g      *git
	cmd    *exec.Cmd
	ctx    context.Context
	cancel context.CancelFunc
	args   []string // as the user would type them after "git"
	stderr bytes.Buffer
}

// command is git args in dir with stdin and stdout (when out is nil, the
// caller takes cmd.StdoutPipe); run starts it, wait waits for it.
func (g *git) command(ctx context.Context, dir string, stdin io.Reader, out io.Writer, args ...string) *call {
	argv := []string{"--no-pager", "--literal-pathspecs", "-C", dir}
	for _, c := range forcedConfig {
		argv = append(argv, "-c", c)
	}
	ctx, cancel := context.WithTimeout(ctx, g.timeout)
	c := &call{g: g, ctx: ctx, cancel: cancel, args: args}
	c.cmd = exec.CommandContext(ctx, g.path, append(argv, args...)...)
	c.cmd.Env = g.env
	c.cmd.Stdin = stdin
	c.cmd.Stderr = &c.stderr
	c.cmd.Stdout = out
	ownGroup(c.cmd)
	c.cmd.Cancel = func() error { return killGroup(c.cmd.Process) }
	// A program git started that escaped its group keeps a pipe open:
	// stop waiting for it.
	c.cmd.WaitDelay = time.Second
	return c
}

// run starts c, registered so that stop can kill it.
func (c *call) run() error {
	g := c.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		c.cancel()
		return errStopped
	}
	if err := c.cmd.Start(); err != nil {
		c.cancel()
		return fmt.Errorf("git %s: %w", c.name(), err)
	}
	g.running[c.cmd] = true
	return nil
}

// wait waits for c to end and says why it failed, if it did: the time
// limit passed, stop was called, or git's own words.
func (c *call) wait() error {
	err := c.cmd.Wait()
	c.g.mu.Lock()
	delete(c.g.running, c.cmd)
	stopped := c.g.stopped
	c.g.mu.Unlock()
	defer c.cancel()
	switch {
	case stopped:
		return errStopped
	case errors.Is(c.ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("git %s ran longer than %v and was stopped (allowed: at most %v per git command; raise with --max-git-time)", c.name(), c.g.timeout, c.g.timeout)
	case err != nil:
		if said := lastLine(c.stderr.String()); said != "" {
			return fmt.Errorf("git %s: %w (git said %q)", c.name(), err, said)
		}
		return fmt.Errorf("git %s: %w", c.name(), err)
	}
	return nil
}

// refused reports whether err is git's own failure: it ran, and exited
// saying no (not a time limit, not stopped).
func refused(err error) bool {
	var exit *exec.ExitError
	return errors.As(err, &exit)
}

// name is the command as a message shows it: git's arguments after the
// forced ones.
func (c *call) name() string { return strings.Join(c.args, " ") }

// lastLine is the last line of what git said, its message that counts.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// output runs git args in dir and returns its output without the
// trailing newline.
func (g *git) output(ctx context.Context, dir string, args ...string) (string, error) {
	var out bytes.Buffer
	c := g.command(ctx, dir, nil, &out, args...)
	err := c.run()
	if err == nil {
		err = c.wait()
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(out.String(), "\n"), nil
}

// stop kills every git command running and refuses to start more.
func (g *git) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped = true
	for cmd := range g.running {
		killGroup(cmd.Process)
	}
}

package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// process is one component of the cluster.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once cmd.Wait returned
	waitErr error         // valid after exited is closed

	mu       sync.Mutex
	stopping bool
}

func (p *process) hasExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// freePorts asks the kernel for n distinct free TCP ports on 127.0.0.1. All
// listeners are held open until every port is known, so the ports differ.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// spawn starts one component with its output in logs/<name>.log and its
// working directory (and HOME) in workDir under the cluster directory.
func (c *Cluster) spawn(name, bin, workDir string, args ...string) (*process, error) {
	logPath := filepath.Join(c.dir, "logs", name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close() // the child has its own copy
	wd := filepath.Join(c.dir, workDir)
	cmd := exec.Command(bin, args...)
	cmd.Dir = wd
	cmd.Stdout = f
	cmd.Stderr = f
	// HOME keeps kwok away from ~/.kwok/kwok.yaml and kubectl away from the
	// user's caches.
	cmd.Env = append(os.Environ(), "HOME="+wd, "KUBECONFIG="+c.kubeconfig,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	setProcAttr(cmd)
	fmt.Fprintf(f, "# %s\n", strings.Join(cmd.Args, " "))
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.isDone() {
		return nil, errors.New("cluster stopped")
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	c.procs = append(c.procs, p)
	return p, nil
}

func (c *Cluster) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitFor polls cond until it holds. It fails early when a component exits,
// and on timeout; either error carries the end of the relevant log.
func (c *Cluster) waitFor(ctx context.Context, what, component string, every time.Duration, cond func(context.Context) (bool, error)) error {
	var last error
	for {
		ok, err := cond(ctx)
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		if p := c.exitedProcess(); p != nil {
			return c.withLog(fmt.Errorf("waiting for %s: %s exited: %v", what, p.name, p.waitErr), p.name)
		}
		select {
		case <-ctx.Done():
			err := fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
			if last != nil {
				err = fmt.Errorf("%w (last error: %v)", err, last)
			}
			return c.withLog(err, component)
		case <-time.After(every):
		}
	}
}

// exitedProcess returns a component that has exited although Stop was not
// called, if any.
func (c *Cluster) exitedProcess() *process {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		p.mu.Lock()
		stopping := p.stopping
		p.mu.Unlock()
		if !stopping && p.hasExited() {
			return p
		}
	}
	return nil
}

// withLog appends the last lines of component's log to err.
func (c *Cluster) withLog(err error, component string) error {
	path := filepath.Join(c.dir, "logs", component+".log")
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return err
	}
	return fmt.Errorf("%w\n--- last lines of %s ---\n%s", err, path, tail(data, 30))
}

// tail returns the last n lines of data.
func tail(data []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func (c *Cluster) stop() error {
	c.mu.Lock()
	procs := append([]*process(nil), c.procs...)
	c.mu.Unlock()

	var errs []error
	for _, p := range procs {
		p.mu.Lock()
		if p.hasExited() && !p.stopping {
			errs = append(errs, fmt.Errorf("%s had exited: %v (log: %s)", p.name, p.waitErr, p.logPath))
		}
		p.stopping = true
		p.mu.Unlock()
	}
	// Clients first, then the apiserver, then etcd.
	byName := map[string]*process{}
	for _, p := range procs {
		byName[p.name] = p
	}
	var waves [][]*process
	var clients []*process
	for _, p := range procs {
		if p.name != "kube-apiserver" && p.name != "etcd" {
			clients = append(clients, p)
		}
	}
	waves = append(waves, clients)
	for _, name := range []string{"kube-apiserver", "etcd"} {
		if p := byName[name]; p != nil {
			waves = append(waves, []*process{p})
		}
	}
	var emu sync.Mutex
	for _, wave := range waves {
		var wg sync.WaitGroup
		for _, p := range wave {
			wg.Go(func() {
				if err := stopProcess(p); err != nil {
					emu.Lock()
					errs = append(errs, err)
					emu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	if !c.keepDir {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// stopProcess terminates p's process group and waits for p.
func stopProcess(p *process) error {
	if !p.hasExited() {
		_ = terminate(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
		}
	}
	// Whatever is left in the group (the leader, if it ignored SIGTERM, or
	// anything it spawned) gets SIGKILL.
	if err := kill(p.cmd); err != nil {
		return fmt.Errorf("killing %s: %w", p.name, err)
	}
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopGrace):
		return fmt.Errorf("%s (pid %d) did not exit after SIGKILL", p.name, p.cmd.Process.Pid)
	}
}

package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Toolset locates the binaries and data files built by hack/tools/install.sh.
// Its zero value means "not built yet".
type Toolset struct {
	// Dir is the versioned cache directory holding everything below.
	Dir string
	// BinDir holds every binary; Cluster.Env puts it first in PATH.
	BinDir string

	Etcd                  string
	KubeAPIServer         string
	KubeControllerManager string
	KubeScheduler         string
	Kubectl               string
	Kwok                  string
	Istioctl              string
	// Kustomize is the kustomize CLI, for the examples that run rollspec
	// as a kustomize plugin.
	Kustomize string

	// KwokStagesDir holds kwok's Stage YAMLs (node and pod life cycles);
	// KwokStages lists those files, each to be passed to kwok with --config.
	KwokStagesDir string
	KwokStages    []string

	// IstioCRDs is Istio's customresourcedefinitions.gen.yaml, with the
	// OpenAPI schemas of every Istio CRD.
	IstioCRDs string
}

// Tools builds (or finds in its cache) every tool the harness needs by running
// hack/tools/install.sh from the repository that contains this package, and
// returns where they are. The script's progress goes to os.Stderr. A cold build
// takes several minutes; when everything is cached it takes well under a
// second. The cache lives outside the repository, in $ROLLSPEC_TOOLS_CACHE or
// the user cache directory.
func Tools(ctx context.Context) (Toolset, error) {
	return tools(ctx, os.Stderr)
}

func tools(ctx context.Context, progress io.Writer) (Toolset, error) {
	binDir, err := Install(ctx, progress)
	if err != nil {
		return Toolset{}, err
	}
	ts, err := toolsetAt(binDir)
	if err != nil {
		return Toolset{}, fmt.Errorf("hack/tools/install.sh: %w", err)
	}
	return ts, nil
}

// Install runs hack/tools/install.sh for the named steps (every step when
// none are named; see the script for their names), with its progress going
// to progress, and returns the bin directory holding the binaries. Callers
// that need one tool, such as the kustomize CLI, use it instead of Tools.
func Install(ctx context.Context, progress io.Writer, steps ...string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	script := filepath.Join(root, "hack", "tools", "install.sh")
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, steps...)...)
	cmd.Dir = root
	cmd.Stdout = &stdout
	cmd.Stderr = progress
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w", script, err)
	}
	lines := strings.Fields(strings.TrimSpace(stdout.String()))
	if len(lines) == 0 {
		return "", fmt.Errorf("%s printed no bin directory", script)
	}
	return lines[len(lines)-1], nil
}

// toolsetAt describes the tool cache whose bin directory is binDir and checks
// that every file is there.
func toolsetAt(binDir string) (Toolset, error) {
	dir := filepath.Dir(binDir)
	ts := Toolset{
		Dir:                   dir,
		BinDir:                binDir,
		Etcd:                  filepath.Join(binDir, "etcd"),
		KubeAPIServer:         filepath.Join(binDir, "kube-apiserver"),
		KubeControllerManager: filepath.Join(binDir, "kube-controller-manager"),
		KubeScheduler:         filepath.Join(binDir, "kube-scheduler"),
		Kubectl:               filepath.Join(binDir, "kubectl"),
		Kwok:                  filepath.Join(binDir, "kwok"),
		Istioctl:              filepath.Join(binDir, "istioctl"),
		Kustomize:             filepath.Join(binDir, "kustomize"),
		KwokStagesDir:         filepath.Join(dir, "kwok-stages"),
		IstioCRDs:             filepath.Join(dir, "istio", "customresourcedefinitions.gen.yaml"),
	}
	for _, f := range []string{ts.Etcd, ts.KubeAPIServer, ts.KubeControllerManager, ts.KubeScheduler,
		ts.Kubectl, ts.Kwok, ts.Istioctl, ts.Kustomize, ts.IstioCRDs} {
		if _, err := os.Stat(f); err != nil {
			return Toolset{}, err
		}
	}
	stages, err := filepath.Glob(filepath.Join(ts.KwokStagesDir, "*.yaml"))
	if err != nil {
		return Toolset{}, err
	}
	if len(stages) == 0 {
		return Toolset{}, fmt.Errorf("no kwok stages in %s", ts.KwokStagesDir)
	}
	ts.KwokStages = stages
	return ts, nil
}

// RepoRoot returns the root of the rollspec repository: the nearest
// directory, walking up from this package's source directory (or, when the
// binary was built with -trimpath, from the working directory), that holds
// both go.mod and hack/tools/install.sh.
func RepoRoot() (string, error) {
	var starts []string
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			if isFile(filepath.Join(dir, "go.mod")) && isFile(filepath.Join(dir, "hack", "tools", "install.sh")) {
				return dir, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return "", errors.New("cannot find the rollspec repository root (go.mod with hack/tools/install.sh) above " +
		strings.Join(starts, " or "))
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

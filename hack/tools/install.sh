#!/usr/bin/env bash
# install.sh builds the binaries the real-Kubernetes e2e harness
# (test/e2e/cluster) needs, from the Go module proxy only:
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#       k8s.io/kubernetes, via the wrapper module hack/tools/kubernetes
#   etcd     go.etcd.io/etcd/server/v3, via the wrapper module hack/tools/etcd
#   kwok     sigs.k8s.io/kwok/cmd/kwok (go install), plus its Stage YAMLs
#   istioctl istio.io/istio/istioctl/cmd/istioctl (go install)
#   Istio CRDs from istio.io/api (kubernetes/customresourcedefinitions.gen.yaml)
#   kustomize sigs.k8s.io/kustomize/kustomize/v5 (go install), for fn's tests
#
# Usage: install.sh [STEP...]  — every step by default, or only the named
# ones (etcd, kwok, istio-crds, kubernetes, istioctl, kustomize).
#
# Everything goes to a cache directory outside the repository:
#
#   ${ROLLSPEC_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rollspec/tools}/<key>/
#       bin/                    the binaries
#       kwok-stages/            kwok Stage YAMLs (pass each with --config)
#       istio/customresourcedefinitions.gen.yaml
#       stamps/                 one file per finished step
#
# <key> encodes every pinned version (and the Go version and a hash of the
# wrapper modules), so bumping a version builds into a fresh directory.
# A step whose stamp exists is skipped, so a second run takes well under a
# second. Progress goes to stderr; the last line on stdout is the bin dir.
#
# Cold, on 2 cores, the Kubernetes binaries take several minutes to build.
set -euo pipefail

K8S_VERSION=v1.37.2
ETCD_VERSION=v3.6.5
KWOK_VERSION=v0.8.0
# istio.io/istio has no semver tags; this is what @latest resolved to.
ISTIO_VERSION=v0.0.0-20260827124520-eed52ebb66ad
ISTIO_API_VERSION=v1.31.1
# v5.8.3 needs Go 1.27.
KUSTOMIZE_VERSION=v5.8.1
# Bump when the build recipe below changes in a way that needs a rebuild.
RECIPE=2

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

log() { printf '%s\n' "$*" >&2; }

command -v go >/dev/null || { log "install.sh: go not found in PATH"; exit 1; }

# Deterministic Go settings: the wrapper modules ship complete go.sum files,
# so the default -mod=readonly is enough; never use a workspace.
export GOFLAGS=-buildvcs=false
export GOWORK=off
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
export CGO_ENABLED=${CGO_ENABLED:-0}

go_version=$(go env GOVERSION)
wrapper_hash=$(cat "$here/kubernetes/go.mod" "$here/kubernetes/go.sum" \
	"$here/etcd/go.mod" "$here/etcd/go.sum" "$here/etcd/main.go" | sha256sum | cut -c1-10)
key="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}_istio-${ISTIO_VERSION##*-}_istioapi-${ISTIO_API_VERSION}_${go_version}_r${RECIPE}-${wrapper_hash}"

cache_root=${ROLLSPEC_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rollspec/tools}
dir="$cache_root/$key"
bin="$dir/bin"
stamps="$dir/stamps"
mkdir -p "$bin" "$stamps"

# Serialise concurrent runs (e.g. several test binaries calling Tools at once).
exec 9>"$dir/.lock"
flock 9

build_flags=(-trimpath "-ldflags=-s -w")

# done_step NAME FILE...: true when NAME's stamp exists and every FILE exists.
done_step() {
	local name=$1
	shift
	[[ -f "$stamps/$name" ]] || return 1
	local f
	for f in "$@"; do
		[[ -e "$f" ]] || return 1
	done
}

# wanted NAME: true when NAME was asked for on the command line, or nothing was.
wanted() {
	[[ ${#only[@]} -eq 0 ]] && return 0
	local s
	for s in "${only[@]}"; do
		[[ $s == "$1" ]] && return 0
	done
	return 1
}

# step NAME WHAT FUNC FILE...: run FUNC unless done or not wanted, timing
# it, then stamp.
step() {
	local name=$1 what=$2 fn=$3
	shift 3
	if ! wanted "${name%%-v[0-9]*}" || done_step "$name" "$@"; then
		return 0
	fi
	rm -f "$stamps/$name"
	local start=$SECONDS
	log "building $name ($what)…"
	"$fn"
	log "building $name ($what)… done in $((SECONDS - start))s"
	date -u +%Y-%m-%dT%H:%M:%SZ >"$stamps/$name"
}

# mod_dir MODULE@VERSION: print the module's directory in the module cache.
mod_dir() {
	local tmp out
	tmp=$(mktemp -d)
	out=$(cd "$tmp" && go mod download -json "$1")
	rmdir "$tmp"
	printf '%s\n' "$out" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p'
}

k8s_cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

build_kubernetes() {
	local tmp pkgs=() c
	tmp=$(mktemp -d "$dir/.build.XXXXXX")
	for c in "${k8s_cmds[@]}"; do
		pkgs+=("k8s.io/kubernetes/cmd/$c")
	done
	# Stamp the version as Kubernetes' own build does (hack/lib/version.sh);
	# without it every binary reports v0.0.0-master+$Format:%H$, which
	# breaks clients that check the server version.
	local minor=${K8S_VERSION#v1.}
	minor=${minor%%.*}
	local x=() p
	for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
		x+=("-X '$p.gitVersion=${K8S_VERSION}'" "-X '$p.gitMajor=1'" "-X '$p.gitMinor=${minor}'"
			"-X '$p.gitTreeState=clean'" "-X '$p.buildDate=1970-01-01T00:00:00Z'")
	done
	(cd "$here/kubernetes" && go build -trimpath "-ldflags=-s -w ${x[*]}" -o "$tmp/" "${pkgs[@]}")
	for c in "${k8s_cmds[@]}"; do
		mv -f "$tmp/$c" "$bin/$c"
	done
	rm -rf "$tmp"
}

build_etcd() {
	(cd "$here/etcd" && go build "${build_flags[@]}" -o "$bin/etcd.tmp" .)
	mv -f "$bin/etcd.tmp" "$bin/etcd"
}

go_install() { # PKG@VERSION NAME
	local tmp
	tmp=$(mktemp -d "$dir/.build.XXXXXX")
	(cd "$tmp" && GOBIN="$tmp" go install "${build_flags[@]}" "$1")
	mv -f "$tmp/$2" "$bin/$2"
	rm -rf "$tmp"
}

build_kwok() {
	go_install "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}" kwok
	local src stages=("node/fast" "node/heartbeat" "pod/fast") s
	src=$(mod_dir "sigs.k8s.io/kwok@${KWOK_VERSION}")
	[[ -d "$src/kustomize/stage" ]] || { log "no kustomize/stage in kwok module at '$src'"; exit 1; }
	rm -rf "$dir/kwok-stages"
	mkdir -p "$dir/kwok-stages"
	for s in "${stages[@]}"; do
		# Only the Stage objects: not kustomization.yaml, not testdata.
		find "$src/kustomize/stage/$s" -maxdepth 1 -name '*.yaml' ! -name kustomization.yaml \
			-exec cp {} "$dir/kwok-stages/" \;
	done
	chmod u+w "$dir"/kwok-stages/*.yaml
}

build_istioctl() {
	go_install "istio.io/istio/istioctl/cmd/istioctl@${ISTIO_VERSION}" istioctl
}

copy_istio_crds() {
	local src
	src=$(mod_dir "istio.io/api@${ISTIO_API_VERSION}")
	mkdir -p "$dir/istio"
	cp "$src/kubernetes/customresourcedefinitions.gen.yaml" "$dir/istio/"
	chmod u+w "$dir/istio/customresourcedefinitions.gen.yaml"
}

build_kustomize() {
	go_install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}" kustomize
}

steps=(etcd kwok istio-crds kubernetes istioctl kustomize)
only=("$@")
for s in "${only[@]}"; do
	[[ " ${steps[*]} " == *" $s "* ]] || { log "install.sh: unknown step '$s' (steps: ${steps[*]})"; exit 2; }
done

step etcd "go.etcd.io/etcd/server/v3 ${ETCD_VERSION}" build_etcd "$bin/etcd"
step kwok "sigs.k8s.io/kwok ${KWOK_VERSION}" build_kwok "$bin/kwok" "$dir/kwok-stages/node-initialize.yaml"
step istio-crds "istio.io/api ${ISTIO_API_VERSION}" copy_istio_crds "$dir/istio/customresourcedefinitions.gen.yaml"
step kubernetes "k8s.io/kubernetes ${K8S_VERSION}: ${k8s_cmds[*]}" build_kubernetes \
	"$bin/kube-apiserver" "$bin/kube-controller-manager" "$bin/kube-scheduler" "$bin/kubectl"
step istioctl "istio.io/istio ${ISTIO_VERSION}" build_istioctl "$bin/istioctl"
# Not part of the cache key (that would rebuild Kubernetes): the stamp
# carries the version instead.
step "kustomize-${KUSTOMIZE_VERSION}" "sigs.k8s.io/kustomize/kustomize/v5 ${KUSTOMIZE_VERSION}" build_kustomize "$bin/kustomize"

printf '%s\n' "$bin"

#!/usr/bin/env bash
# Builds, once, into a cache, what the test kit's API-server backend runs per simulated cluster:
# kube-apiserver and etcd, Kubernetes' own kube-controller-manager and kube-scheduler (all from the
# Go module in tools/kube-servers, Kubernetes and etcd versions pinned there), and kwok, which plays
# the kubelets of fake nodes, with the pod and node stages of the same kwok release.
# Prints the folder holding them. GMU_TOOLS overrides the cache folder.
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../tools/kube-servers"
kubernetes="v1.34.4"
kwok="v0.8.0"
tools="${GMU_TOOLS:-$HOME/.cache/gloo-mesh-upgrade/tools}"
bin="$tools/kube-servers"
stamp="$bin/source.sha256"
binaries=(kube-apiserver etcd kube-controller-manager kube-scheduler kwok)
# The stamp covers everything the build reads from this repository, so any change rebuilds.
source_hash="$( (echo "$kubernetes $kwok"; cat go.mod go.sum; find cmd -type f -name '*.go' | sort | xargs cat; cat "$script") | sha256sum | cut -d' ' -f1)"
installed=true
for binary in "${binaries[@]}"; do
  [ -x "$bin/$binary" ] || installed=false
done
if $installed && [ -f "$bin/kwok-stages.yaml" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$source_hash" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-kube-servers: Go is needed to build ${binaries[*]}" >&2
  exit 1
fi
mkdir -p "$bin"
echo "install-kube-servers: go build Kubernetes $kubernetes servers and etcd (several minutes, once)" >&2
# Without the version stamped in, the servers report v0.0.0 (in /version and in their User-Agents).
minor="${kubernetes#v1.}"; minor="${minor%%.*}"
go build -trimpath -ldflags "-s -w \
  -X k8s.io/component-base/version.gitVersion=$kubernetes \
  -X k8s.io/component-base/version.gitMajor=1 \
  -X k8s.io/component-base/version.gitMinor=$minor \
  -X k8s.io/component-base/version.gitTreeState=clean \
  -X k8s.io/client-go/pkg/version.gitVersion=$kubernetes \
  -X k8s.io/client-go/pkg/version.gitMajor=1 \
  -X k8s.io/client-go/pkg/version.gitMinor=$minor \
  -X k8s.io/client-go/pkg/version.gitTreeState=clean" \
  -o "$bin/" ./cmd/kube-apiserver ./cmd/etcd ./cmd/kube-controller-manager ./cmd/kube-scheduler >&2

# kwok needs newer Kubernetes libraries than the servers, so it is built as its own module.
echo "install-kube-servers: go install kwok $kwok (a few minutes, once)" >&2
(cd / && GOBIN="$bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$kwok") >&2
# Standalone kwok plays no stages unless given them: the ones kwokctl uses by default, from the
# same release (nodes become Ready and heartbeat with leases; pods become Ready, complete, go away).
kwok_source="$(cd / && go mod download -json "sigs.k8s.io/kwok@$kwok" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
stages="$kwok_source/kustomize/stage"
{
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo "---"
    cat "$stages/$stage.yaml"
  done
} > "$bin/kwok-stages.yaml"
echo "$source_hash" > "$stamp"
echo "$bin"

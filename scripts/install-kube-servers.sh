#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd that the test kit's API-server backend runs, once, into a
# cache, from the Go module in tools/kube-servers (Kubernetes and etcd versions pinned there).
# Prints the folder holding both binaries. GMU_TOOLS overrides the cache folder.
set -euo pipefail
cd "$(dirname "$0")/../tools/kube-servers"
kubernetes="v1.34.4"
tools="${GMU_TOOLS:-$HOME/.cache/gloo-mesh-upgrade/tools}"
bin="$tools/kube-servers"
stamp="$bin/source.sha256"
# The stamp covers everything the build reads from this repository, so any change rebuilds.
source_hash="$( (echo "$kubernetes"; cat go.mod go.sum; find cmd -type f -name '*.go' | sort | xargs cat) | sha256sum | cut -d' ' -f1)"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$source_hash" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-kube-servers: Go is needed to build kube-apiserver and etcd" >&2
  exit 1
fi
mkdir -p "$bin"
echo "install-kube-servers: go build kube-apiserver $kubernetes and etcd (several minutes, once)" >&2
# Without the version stamped in, the server reports v0.0.0 and clients that read /version see nonsense.
minor="${kubernetes#v1.}"; minor="${minor%%.*}"
go build -trimpath -ldflags "-s -w \
  -X k8s.io/component-base/version.gitVersion=$kubernetes \
  -X k8s.io/component-base/version.gitMajor=1 \
  -X k8s.io/component-base/version.gitMinor=$minor \
  -X k8s.io/component-base/version.gitTreeState=clean" \
  -o "$bin/" ./cmd/kube-apiserver ./cmd/etcd >&2
echo "$source_hash" > "$stamp"
echo "$bin"

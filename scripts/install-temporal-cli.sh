#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server and web UI inside) with `go install`, once, into a cache.
# Prints the binary's path. GMU_TOOLS overrides the cache folder.
set -euo pipefail
version="v1.5.1"
tools="${GMU_TOOLS:-$HOME/.cache/gloo-mesh-upgrade/tools}"
bin="$tools/bin/temporal"
stamp="$tools/temporal.version"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-temporal-cli: Go is needed to build the Temporal CLI (go install)" >&2
  exit 1
fi
mkdir -p "$tools/bin"
echo "install-temporal-cli: go install github.com/temporalio/cli/cmd/temporal@$version (a few minutes, once)" >&2
GOBIN="$tools/bin" go install "github.com/temporalio/cli/cmd/temporal@$version" >&2
echo "$version" > "$stamp"
echo "$bin"

#!/usr/bin/env bash
# Deleting discovery resources on the simulator: collection delete (the activity) versus one by one.
# Usage: bench/discovery-delete.sh [counts, comma-separated, default 5000] [MOCK | API_SERVER, default MOCK]
# API_SERVER needs the Kubernetes binaries (scripts/install-kube-servers.sh, GMU_KUBE_SERVERS).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl activities exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.discovery.DiscoveryDeleteBenchmark \
  -Dexec.args="${1:-5000} ${2:-MOCK}"

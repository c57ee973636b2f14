#!/usr/bin/env bash
# Deleting discovery resources on the simulator: collection delete (the activity) versus one by one.
# Usage: bench/discovery-delete.sh [count]   (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl activities exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.discovery.DiscoveryDeleteBenchmark -Dexec.args="${1:-5000}"

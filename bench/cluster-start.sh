#!/usr/bin/env bash
# Start and stop time of a simulation on each backend, and the memory of the real backend's processes.
# Usage: bench/cluster-start.sh [repetitions, default 3] [remote clusters, default 2]
set -euo pipefail
cd "$(dirname "$0")/.."
GMU_KUBE_SERVERS="${GMU_KUBE_SERVERS:-$(scripts/install-kube-servers.sh)}"
export GMU_KUBE_SERVERS
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl testkit exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.testkit.SimulationStartBenchmark -Dexec.args="${1:-3} ${2:-2}"

#!/usr/bin/env bash
# A fleet's own history by number of management planes (events per plane), its status query's size, and its wall time, on the simulator.
# Usage: bench/fleet-history.sh [plane counts, comma-separated, default 3,6,12]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl worker exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.worker.FleetHistoryBenchmark -Dexec.args="${1:-3,6,12}"

#!/usr/bin/env bash
# The worker jar's time to live and ready, resident memory idle and with a run at the approval gate, and the
# size and time of a /metrics scrape; with its metrics port and without.
# Usage: bench/worker-footprint.sh [repetitions, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
GMU_TEMPORAL_CLI="${GMU_TEMPORAL_CLI:-$(scripts/install-temporal-cli.sh)}"
export GMU_TEMPORAL_CLI
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl worker exec:java -Dexec.classpathScope=test -Dgmu.worker.jar=worker/target/gloo-mesh-upgrade-worker-all.jar \
  -Dexec.mainClass=org.gloomeshupgrade.worker.WorkerFootprintBenchmark -Dexec.args="${1:-3}"

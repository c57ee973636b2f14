#!/usr/bin/env bash
# History size by number of clusters, and step 7's wall time with registrationConcurrency 1 versus 5, on the simulator.
# Usage: bench/registration.sh [cluster counts, default 10,50,200] [clusters for the wall-time runs, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
mvn -B -q -pl worker exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.worker.RegistrationBenchmark -Dexec.args="${1:-10,50,200} ${2:-20}"

#!/usr/bin/env bash
# A whole upgrade of a large mesh on the simulator: history size, the largest activity result, the
# status query's size, and the bytes of one discovery count poll before and after paging.
# Usage: bench/mesh-at-scale.sh [discovery objects, default 50000] [TrafficPolicies, default 10000]
#        [never accepted, default 5000] [MOCK | API_SERVER, default MOCK]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
MAVEN_OPTS="${MAVEN_OPTS:--Xmx6g}" mvn -B -q -pl worker exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.gloomeshupgrade.worker.MeshAtScale \
  -Dexec.args="${1:-50000} ${2:-10000} ${3:-5000} ${4:-MOCK}"

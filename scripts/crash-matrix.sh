#!/usr/bin/env bash
# The worker SIGKILLed inside each step's main activity (every case of CrashMatrixIT; `mvn verify` runs three),
# and stopped with SIGTERM in a long activity (WorkerStopIT). Prints the matrix: seconds from kill to retry.
# Usage: scripts/crash-matrix.sh [cases: all (default), ci, or names such as PREFLIGHT,CRDS]
set -euo pipefail
cd "$(dirname "$0")/.."
GMU_TEMPORAL_CLI="${GMU_TEMPORAL_CLI:-$(scripts/install-temporal-cli.sh)}"
export GMU_TEMPORAL_CLI
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
status=0
mvn -B -pl worker verify -Derrorprone.skip -Dspotless.check.skip=true -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='CrashMatrixIT,WorkerStopIT' \
  -Dgmu.crash="${1:-all}" || status=$?
reports=worker/target/failsafe-reports
sed -n '/^crash matrix/,/^$/p' "$reports/org.gloomeshupgrade.worker.CrashMatrixIT-output.txt" 2>/dev/null || true
grep -h -E '^(SIGTERM|the other worker)' "$reports/org.gloomeshupgrade.worker.WorkerStopIT-output.txt" 2>/dev/null || true
exit "$status"

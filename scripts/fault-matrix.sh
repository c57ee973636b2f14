#!/usr/bin/env bash
# Each transient API fault (500, 503, 429 with Retry-After, 409, reset, timeout) once on each class of write an
# upgrade, a rollback's restore and a Helm upgrade on real API servers make (every case of FaultMatrixIT;
# `mvn verify` runs seven). Prints the matrix: faults answered, and what the retry did.
# Usage: scripts/fault-matrix.sh [cases: all (default), ci, or scenarios and kinds such as UPGRADE:TIMEOUT,HELM]
set -euo pipefail
cd "$(dirname "$0")/.."
GMU_KUBE_SERVERS="${GMU_KUBE_SERVERS:-$(scripts/install-kube-servers.sh)}"
export GMU_KUBE_SERVERS
mvn -B -q install -DskipTests -Derrorprone.skip -Dspotless.check.skip=true
status=0
mvn -B -pl worker verify -Derrorprone.skip -Dspotless.check.skip=true -Dtest=none \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='FaultMatrixIT' \
  -Dgmu.faults="${1:-all}" || status=$?
sed -n '/^Fault matrix/,/^$/p' worker/target/failsafe-reports/org.gloomeshupgrade.worker.FaultMatrixIT-output.txt \
  2>/dev/null || true
exit "$status"

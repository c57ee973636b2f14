package org.gloomeshupgrade.crds;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Step 4: the target version's management-plane CRDs. */
@ActivityInterface
public interface CrdActivities {
  /**
   * Reads the CRD source and checks that it is the complete set of the target version (every group
   * and CRD it should have), changing nothing: run in the tooling step, so that a bad source stops
   * the run before the first change instead of after discovery was deleted.
   */
  @ActivityMethod(name = "CheckCrdSource")
  CrdSourceReport check(CrdApplyInput input);

  /**
   * Reads the CRDs from their source, refuses an incomplete set, converts
   * apiextensions.k8s.io/v1beta1 to v1 when the cluster does not serve v1beta1, creates or updates
   * each, and waits until each is Established. Idempotent.
   */
  @ActivityMethod(name = "ApplyCrds")
  CrdApplyResult apply(CrdApplyInput input);

  /**
   * The same as {@link #apply}, sent as a server-side dry run ({@code dryRun=All}): the API server
   * validates each CRD create or update, including the stored-version rules, and changes nothing.
   * Nothing waits for Established. The result names what would be created and updated.
   */
  @ActivityMethod(name = "DryRunCrds")
  CrdApplyResult dryRun(CrdApplyInput input);
}

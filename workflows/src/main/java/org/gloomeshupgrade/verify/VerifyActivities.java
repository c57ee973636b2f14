package org.gloomeshupgrade.verify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Steps 10 and 11: networking resources' status, and the checks of {@code meshctl check}. */
@ActivityInterface
public interface VerifyActivities {
  /** Reads status.state of every networking resource. */
  @ActivityMethod(name = "NetworkingStatus")
  NetworkingStatus networkingStatus(String context);

  /**
   * The checks {@code meshctl check} makes, done directly, plus the CRD version; with meshctl, also
   * its verdict.
   */
  @ActivityMethod(name = "Verify")
  VerifyReport verify(VerifyInput input);

  /**
   * Reads what a resumed run checks the earlier run's steps against: replicas, versions, CRDs,
   * clusters, resources.
   */
  @ActivityMethod(name = "ObserveEndState")
  EndState observeEndState(EndStateInput input);
}

package org.gloomeshupgrade.heartbeat;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityExecutionContextBase;

/**
 * The activity's context, remembering the details of its last heartbeat so that the keep-alive
 * repeats them instead of wiping the progress a person sees on the pending activity.
 */
final class RememberingContext extends ActivityExecutionContextBase {
  private volatile Object lastDetails;

  RememberingContext(ActivityExecutionContext next) {
    super(next);
  }

  @Override
  public <V> void heartbeat(V details) {
    lastDetails = details;
    super.heartbeat(details);
  }

  /** Heartbeats again with the last details the activity gave. */
  void repeat() {
    super.heartbeat(lastDetails);
  }
}

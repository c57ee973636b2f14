package org.gloomeshupgrade.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/**
 * Counts each retry of an activity by its type: an API server that keeps refusing writes shows as a
 * climbing count before any step fails.
 */
public final class ActivityRetries extends WorkerInterceptorBase {
  public static final String NAME = "gloo_mesh_upgrade_activity_retries";

  private final MeterRegistry registry;

  public ActivityRetries(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      @Override
      public void init(ActivityExecutionContext context) {
        if (context.getInfo().getAttempt() > 1) {
          Counter.builder(NAME)
              .description("Activity attempts after the first, by activity type")
              .tag("activity", context.getInfo().getActivityType())
              .register(registry)
              .increment();
        }
        super.init(context);
      }
    };
  }
}

package org.gloomeshupgrade.notify;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;
import org.gloomeshupgrade.workflow.UpgradeNames;

/**
 * {@code gmu notify-test}: a sample notification to every destination the worker has (or to one),
 * sent by the worker itself, so that its files, variables and network are what is checked.
 */
@WorkflowInterface
public interface NotifyTestWorkflow {
  /**
   * @param request who asks, which destination ("" for all), and a note to carry
   * @return one result per destination tried, in the worker's order
   */
  @WorkflowMethod(name = UpgradeNames.NOTIFY_TEST_WORKFLOW_TYPE)
  List<NotifyTestResult> sendSamples(NotifyTestRequest request);
}

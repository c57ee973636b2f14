package org.gloomeshupgrade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.gloomeshupgrade.cli.GmuRun.gmu;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.UUID;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * `gmu resume` against a worker over {@link HealthyMesh}: the run it starts, and the runs it
 * refuses to carry on.
 */
class ResumeCommandTest {
  private static final String ID = "gloo-mesh-upgrade-mgmt";

  private final LocalTemporal temporal = new LocalTemporal(new HealthyMesh());

  @AfterEach
  void stop() {
    temporal.close();
  }

  private GmuRun gmuAt(String command, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = command;
    all[1] = "--address";
    all[2] = temporal.address();
    System.arraycopy(args, 0, all, 3, args.length);
    return gmu(all);
  }

  /** Run 1, started by gmu start, waiting for approval after every change but networking's. */
  private String waitingForApproval(String... startArgs) {
    String[] args = new String[startArgs.length + 4];
    System.arraycopy(new String[] {"--context", "mgmt", "-t", "0.11.3"}, 0, args, 0, 4);
    System.arraycopy(startArgs, 0, args, 4, startArgs.length);
    GmuRun started = gmuAt("start", args);
    assertThat(started.exit()).as(started.err()).isZero();
    LocalTemporal.until(temporal.latest(ID), s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    return latestRun();
  }

  private String terminated(String... startArgs) {
    String run = waitingForApproval(startArgs);
    WorkflowStub.fromTyped(temporal.latest(ID)).terminate("operator stopped the run");
    return run;
  }

  private DescribeWorkflowExecutionResponse describe(String runId) {
    return temporal
        .client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(ID).setRunId(runId))
                .build());
  }

  private String latestRun() {
    return describe("").getWorkflowExecutionInfo().getExecution().getRunId();
  }

  @Test
  void aTerminatedRunIsCarriedOnByANewRunOfTheSameWorkflowIdWithTheEarlierRequest() {
    String first = terminated("--discovery-timeout", "45m", "--requested-by", "alice");

    GmuRun resumed = gmuAt("resume", "--context", "mgmt", "--requested-by", "bob");

    assertThat(resumed.exit()).as(resumed.err()).isZero();
    String second = latestRun();
    assertThat(second).isNotEqualTo(first);
    assertThat(resumed.out())
        .contains(
            "resumed the upgrade to 0.11.3: workflow "
                + ID
                + " run "
                + second
                + ", carrying on run "
                + ID
                + "/"
                + first)
        .contains("gmu status -w " + ID)
        .contains("gmu watch -w " + ID);
    var started =
        temporal
            .client
            .fetchHistory(ID, second)
            .getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes();
    JsonNode input =
        DefaultDataConverter.newDefaultInstance()
            .fromPayload(started.getInput().getPayloads(0), JsonNode.class, JsonNode.class);
    assertThat(input.toString())
        .isEqualTo(
            "{\"targetVersion\":\"0.11.3\",\"managementContext\":\"mgmt\","
                + "\"discoveryTimeout\":\"45m\",\"requestedBy\":\"bob\",\"resumeFrom\":{\"workflowId\":\""
                + ID
                + "\","
                + "\"runId\":\""
                + first
                + "\"}}");
    assertThat(started.getTaskQueue().getName()).isEqualTo("gloo-mesh-upgrade");
    assertThat(temporal.client.fetchHistory(ID, second).getEvents().get(0).getLinksList())
        .as("a link to the earlier run, which the Temporal UI shows")
        .singleElement()
        .satisfies(link -> assertThat(link.getWorkflowEvent().getRunId()).isEqualTo(first));
    var memo =
        describe(second).getWorkflowExecutionInfo().getMemo().getFieldsMap().get("resumedFrom");
    assertThat(
            DefaultDataConverter.newDefaultInstance().fromPayload(memo, String.class, String.class))
        .isEqualTo(ID + "/" + first);

    UpgradeStatus carried =
        LocalTemporal.until(temporal.latest(ID), s -> s.state() == RunState.WAITING_FOR_APPROVAL);
    assertThat(carried.resumedFrom()).isEqualTo(ID + "/" + first);
    GmuRun status = gmuAt("status", "--context", "mgmt");
    assertThat(status.out()).contains("carries on run " + ID + "/" + first);
  }

  @Test
  void withWatchItFollowsTheNewRunUntilItNeedsAPerson() {
    String first = terminated();

    GmuRun resumed = gmuAt("resume", "-w", ID, "--watch", "--interval", "100ms");

    assertThat(resumed.exit()).as(resumed.err()).isEqualTo(2);
    assertThat(resumed.out())
        .contains("carrying on run " + ID + "/" + first)
        .contains("carries on run " + ID + "/" + first)
        .contains("WAITING_FOR_APPROVAL at step 9 (approval)");
    assertThat(resumed.out().lines().reduce((a, b) -> b).orElseThrow())
        .startsWith("stopped watching: the run waits for a person (WAITING_FOR_APPROVAL)");
  }

  @Test
  void aRunningRunIsRefusedAndNoRunStarts() {
    String running = waitingForApproval();

    GmuRun resumed = gmuAt("resume", "--context", "mgmt");

    assertThat(resumed.exit()).isEqualTo(3);
    assertThat(resumed.err())
        .contains("error: run " + ID + "/" + running + " is still running")
        .contains("gmu status -w " + ID);
    assertThat(latestRun()).isEqualTo(running);
    assertThat(temporal.latest(ID).status().state()).isEqualTo(RunState.WAITING_FOR_APPROVAL);
  }

  @Test
  void aSucceededRunIsRefusedAndNoRunStarts() {
    GmuRun started = gmuAt("start", "--context", "mgmt", "-t", "0.11.3", "--no-approval");
    assertThat(started.exit()).as(started.err()).isZero();
    GlooMeshUpgradeWorkflow run = temporal.latest(ID);
    assertThat(WorkflowStub.fromTyped(run).getResult(UpgradeReport.class).outcome())
        .isEqualTo(RunState.SUCCEEDED);
    String succeeded = latestRun();

    GmuRun resumed = gmuAt("resume", "--context", "mgmt");

    assertThat(resumed.exit()).isEqualTo(5);
    assertThat(resumed.err())
        .contains(
            "error: run "
                + ID
                + "/"
                + succeeded
                + " ended SUCCEEDED: there is nothing "
                + "to carry on");
    assertThat(latestRun()).isEqualTo(succeeded);
  }

  @Test
  void aDryRunIsRefusedForItsRequestHasNothingToCarryOn() throws Exception {
    try (LocalRun dryRun = new LocalRun()) {
      WorkflowStub.fromTyped(dryRun.workflow).terminate("operator stopped the dry run");

      GmuRun resumed = gmu("resume", "--address", dryRun.address(), "-w", LocalRun.ID);

      assertThat(resumed.exit()).isEqualTo(6);
      assertThat(resumed.err())
          .contains(
              "cannot be carried on: invalid upgrade request: resumeFrom: a dry run changes nothing");
    }
  }

  @Test
  void aRunIdThatIsNoRunOfTheWorkflowIdIsRefusedAndNoRunStarts() {
    String terminated = terminated();
    String unknown = UUID.randomUUID().toString();

    GmuRun resumed = gmuAt("resume", "--context", "mgmt", "--run-id", unknown);

    assertThat(resumed.exit()).isEqualTo(4);
    assertThat(resumed.err()).contains("error: no such upgrade run: " + ID + "/" + unknown);
    assertThat(latestRun()).isEqualTo(terminated);
  }
}

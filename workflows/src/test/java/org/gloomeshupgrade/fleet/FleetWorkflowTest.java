package org.gloomeshupgrade.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;
import org.gloomeshupgrade.verify.EndStateInput;
import org.gloomeshupgrade.verify.NetworkingStatus;
import org.gloomeshupgrade.verify.VerifyActivities;
import org.gloomeshupgrade.verify.VerifyCheck;
import org.gloomeshupgrade.verify.VerifyInput;
import org.gloomeshupgrade.verify.VerifyReport;
import org.gloomeshupgrade.workflow.Approval;
import org.gloomeshupgrade.workflow.GlooMeshUpgradeWorkflow;
import org.gloomeshupgrade.workflow.RunState;
import org.gloomeshupgrade.workflow.Step;
import org.gloomeshupgrade.workflow.StepDecision;
import org.gloomeshupgrade.workflow.UpgradeNames;
import org.gloomeshupgrade.workflow.UpgradeReport;
import org.gloomeshupgrade.workflow.UpgradeSearchAttributes;
import org.gloomeshupgrade.workflow.UpgradeStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fleet's own decisions on Temporal's test server with time skipping, over stand-in plane runs
 * (each ends as its context says) and soak checks (green or red as the test says); the plane runs'
 * latest state is read by the real LatestPlaneRun. The real planes are FleetEndToEndTest's.
 */
class FleetWorkflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How each stand-in plane's run ends, by context; a run to 9.9.9 never ends. */
  static final ConcurrentHashMap<String, RunState> ENDS = new ConcurrentHashMap<>();

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final SoakChecks soak = new SoakChecks();

  @BeforeEach
  void start() {
    ENDS.clear();
    env = TestWorkflowEnvironment.newInstance();
    UpgradeSearchAttributes.ALL.forEach(env::registerSearchAttribute);
    Worker worker = env.newWorker(UpgradeNames.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(GlooMeshFleetWorkflowImpl.class, StandInPlane.class);
    client = env.getWorkflowClient();
    worker.registerActivitiesImplementations(soak, new FleetActivitiesImpl(client));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private GlooMeshFleetWorkflow fleet(String json) throws Exception {
    GlooMeshFleetWorkflow fleet =
        client.newWorkflowStub(
            GlooMeshFleetWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(UpgradeNames.fleetWorkflowId("mesh"))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(fleet::upgrade, JSON.readTree(json), null);
    return fleet;
  }

  /**
   * The fleet's status once it is as wanted, skipping a minute of the test server's time a look.
   */
  private FleetStatus until(GlooMeshFleetWorkflow fleet, Predicate<FleetStatus> wanted) {
    FleetStatus last = null;
    for (int look = 0; look < 600; look++) {
      last = fleet.status();
      if (wanted.test(last)) {
        return last;
      }
      env.sleep(Duration.ofMinutes(1));
    }
    throw new AssertionError("not the wanted status after 10 hours of workflow time: " + last);
  }

  private static FleetReport result(GlooMeshFleetWorkflow fleet) {
    return WorkflowStub.fromTyped(fleet).getResult(FleetReport.class);
  }

  @Test
  void continuingPastARedSoakCheckEndsTheFleetWithProblems() throws Exception {
    ENDS.put("a", RunState.SUCCEEDED);
    soak.level = CheckLevel.RED;
    GlooMeshFleetWorkflow fleet =
        fleet(
            """
            {"name":"mesh","targetVersion":"0.11.3","soak":"1h",
             "waves":[{"name":"only","contexts":["a"]}]}""");

    FleetStatus halted = until(fleet, s -> s.state() == FleetState.HALTED);
    assertThat(halted.halts())
        .singleElement()
        .satisfies(h -> assertThat(h.reason()).startsWith("soak check red: a:"));
    fleet.continueFleet(new FleetAnswer(FleetAction.CONTINUE, "bob", "known, fixing later"));
    FleetReport report = result(fleet);

    assertThat(report.outcome()).as(report.summary()).isEqualTo(FleetState.FINISHED_WITH_PROBLEMS);
    assertThat(report.status().warnings()).contains("wave only: continued past a red soak check");
  }

  @Test
  void aSoakRunsBetweenSixAndTwentyFourChecks() {
    assertThat(WaveSoak.gap(Duration.ofMinutes(30))).isEqualTo(Duration.ofMinutes(5));
    assertThat(WaveSoak.gap(Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(10));
    assertThat(WaveSoak.gap(Duration.ofDays(7))).isEqualTo(Duration.ofHours(7));
    assertThat(WaveSoak.gap(Duration.ZERO)).isZero();
  }

  @Test
  void aRecheckOfAPlaneThatEndedBadlyHaltsAgainInsteadOfWaitingForever() throws Exception {
    ENDS.put("a", RunState.ROLLED_BACK);
    GlooMeshFleetWorkflow fleet =
        fleet(
            """
            {"name":"mesh","targetVersion":"0.11.3","soak":"0s",
             "waves":[{"name":"only","contexts":["a"]}]}""");

    until(fleet, s -> s.state() == FleetState.HALTED);
    fleet.continueFleet(new FleetAnswer(FleetAction.RECHECK, "bob", "did it come back?"));
    FleetStatus again = until(fleet, s -> s.halts().size() == 2 && s.state() == FleetState.HALTED);

    assertThat(again.halts().get(1).reason()).startsWith("a ROLLED_BACK");
    fleet.continueFleet(new FleetAnswer(FleetAction.STOP, "bob", "not today"));
    assertThat(result(fleet).outcome()).isEqualTo(FleetState.STOPPED);
  }

  @Test
  void aPlaneBusyWithAnotherTargetHaltsTheFleetAndIsNotTakenForAnUpgrade() throws Exception {
    GlooMeshUpgradeWorkflow other =
        client.newWorkflowStub(
            GlooMeshUpgradeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(UpgradeNames.workflowId("a"))
                .setTaskQueue(UpgradeNames.TASK_QUEUE)
                .build());
    WorkflowClient.start(
        other::upgrade, JSON.readTree("{\"targetVersion\":\"9.9.9\",\"managementContext\":\"a\"}"));
    GlooMeshFleetWorkflow fleet =
        fleet(
            """
            {"name":"mesh","targetVersion":"0.11.3","soak":"0s",
             "waves":[{"name":"only","contexts":["a"]}]}""");

    FleetStatus halted = until(fleet, s -> s.state() == FleetState.HALTED);
    assertThat(halted.halts().get(0).reason()).contains("a run to 9.9.9 is in progress");
    env.sleep(Duration.ofHours(3));

    PlaneStatus a = fleet.status().waves().get(0).planes().get(0);
    assertThat(a.state()).as("never followed as if it were the fleet's").isEqualTo(PlaneState.BUSY);
  }

  /** Soak checks: one check at the level the test sets. */
  static final class SoakChecks implements VerifyActivities {
    volatile CheckLevel level = CheckLevel.GREEN;

    @Override
    public NetworkingStatus networkingStatus(String context) {
      throw new UnsupportedOperationException();
    }

    @Override
    public VerifyReport verify(VerifyInput input) {
      return new VerifyReport(
          List.of(new VerifyCheck("deployments available", level, "as the test says", "")));
    }

    @Override
    public EndState observeEndState(EndStateInput input) {
      throw new UnsupportedOperationException();
    }
  }

  /** A plane's run that ends as {@link #ENDS} says for its context, or never for 9.9.9. */
  public static final class StandInPlane implements GlooMeshUpgradeWorkflow {
    private String context = "";
    private String target = "";

    @Override
    public UpgradeReport upgrade(JsonNode request) {
      context = request.path("managementContext").asText();
      target = request.path("targetVersion").asText();
      if (target.equals("9.9.9")) {
        Workflow.await(() -> false);
      }
      RunState end = ENDS.getOrDefault(context, RunState.SUCCEEDED);
      return new UpgradeReport(
          end,
          context,
          "0.10.10",
          target,
          "stand-in " + end,
          List.of(),
          null,
          List.of(),
          List.of(),
          null);
    }

    @Override
    public UpgradeStatus status() {
      return new UpgradeStatus(
          RunState.RUNNING,
          context,
          "0.10.10",
          target,
          Step.PREFLIGHT,
          List.of(),
          null,
          "",
          "",
          null,
          List.of(),
          List.of(),
          null,
          null,
          List.of(),
          null,
          List.of(),
          "",
          "",
          null,
          "",
          List.of());
    }

    @Override
    public void approve(Approval approval) {}

    @Override
    public void reject(Approval rejection) {}

    @Override
    public void decide(StepDecision decision) {}

    @Override
    public String approveNow(Approval approval) {
      return "";
    }

    @Override
    public void validateApproveNow(Approval approval) {}

    @Override
    public String rejectNow(Approval rejection) {
      return "";
    }

    @Override
    public void validateRejectNow(Approval rejection) {}

    @Override
    public String decideNow(StepDecision decision) {
      return "";
    }

    @Override
    public void validateDecideNow(StepDecision decision) {}
  }
}

package org.gloomeshupgrade.workflow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.VerifyReport;

/**
 * The run's record of what happened, kept by the workflow and read by the status query. Every time
 * comes from the clock it is given (workflow time in a run), so this stays deterministic. Every
 * change tells the listener, which publishes the run (current details, search attributes, memo):
 * the order of changes is part of the recorded history.
 */
final class RunBook {
  private final LongSupplier clock;
  private String backup;
  private String backupId;
  private String resumedFrom = "";
  private final Map<Step, MutableStep> steps = new EnumMap<>(Step.class);

  /** Told after every change: the workflow republishes the UI's current details from it. */
  private Runnable onChange = () -> {};

  private final List<String> decisions = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private RunState state = RunState.RUNNING;
  private String context = "";
  private String fromVersion = "";
  private String targetVersion = "";
  private Step current = Step.PREFLIGHT;
  private String awaiting = "";
  private String attention = "";
  private String gate = "";
  private long gateOpenedAt;
  private Approval approval;
  private VerifyReport verify;
  private final Map<Step, ConformanceReview> conformance = new EnumMap<>(Step.class);
  private NetworkingProgress networking;
  private final Map<String, ClusterRegistration> registrations = new LinkedHashMap<>();
  private DiscoveryProgress discovery = new DiscoveryProgress(Map.of(), Map.of(), 0, "");

  /** Each notification at each destination, by ID and destination; the latest kept. */
  private final Map<String, NotificationDelivery> notifications = new LinkedHashMap<>();

  /** A run that loops through many decisions keeps its status small. */
  private static final int MAX_NOTIFICATIONS_KEPT = 100;

  RunBook(LongSupplier clock) {
    this.clock = clock;
    for (Step s : Step.values()) {
      steps.put(s, new MutableStep(s));
    }
  }

  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  private void changed() {
    onChange.run();
  }

  void target(String version) {
    this.targetVersion = version;
    changed();
  }

  void context(String context) {
    this.context = context;
    changed();
  }

  void fromVersion(String version) {
    this.fromVersion = version == null ? "" : version;
    changed();
  }

  String context() {
    return context;
  }

  String fromVersion() {
    return fromVersion;
  }

  void warn(String warning) {
    warnings.add(warning);
    changed();
  }

  void running(Step step) {
    long now = clock.getAsLong();
    MutableStep s = steps.get(step);
    current = step;
    state = RunState.RUNNING;
    attention = "";
    s.state = StepState.RUNNING;
    if (s.startedAt == 0) {
      s.startedAt = now;
    }
    s.attempts++;
    changed();
  }

  void detail(Step step, String detail) {
    steps.get(step).detail = detail;
    changed();
  }

  void succeeded(Step step) {
    finish(step, StepState.SUCCEEDED, clock.getAsLong());
    changed();
  }

  /** A step an earlier run did, whose end state this run found still holds: not done again. */
  void carried(Step step, String detail) {
    long now = clock.getAsLong();
    MutableStep s = steps.get(step);
    current = step;
    if (s.startedAt == 0) {
      s.startedAt = now;
    }
    s.detail = detail;
    finish(step, StepState.SUCCEEDED, now);
    changed();
  }

  /** The earlier run this one carries on, as "workflowId/runId". */
  void resumedFrom(String run) {
    this.resumedFrom = run;
    changed();
  }

  void skipped(Step step, String why) {
    long now = clock.getAsLong();
    MutableStep s = steps.get(step);
    if (s.startedAt == 0) {
      s.startedAt = now;
    }
    s.detail = why;
    finish(step, StepState.SKIPPED, now);
    changed();
  }

  void failed(Step step, String why) {
    steps.get(step).detail = why;
    finish(step, StepState.FAILED, clock.getAsLong());
    changed();
  }

  void needsAttention(Step step, String why, String awaitingText) {
    MutableStep s = steps.get(step);
    s.state = StepState.NEEDS_ATTENTION;
    s.detail = why;
    state = RunState.NEEDS_ATTENTION;
    attention = "%s failed: %s".formatted(step.label(), why);
    awaiting = awaitingText;
    changed();
  }

  void waitingForApproval(Step step, String awaitingText) {
    running(step);
    steps.get(step).state = StepState.WAITING;
    state = RunState.WAITING_FOR_APPROVAL;
    awaiting = awaitingText;
    changed();
  }

  /** The open gate's ID, "" when the run waits for nobody. */
  void gate(String id) {
    if (!id.equals(gate)) {
      gateOpenedAt = id.isEmpty() ? 0 : clock.getAsLong();
    }
    this.gate = id;
    changed();
  }

  void doneWaiting() {
    awaiting = "";
    gate = "";
    gateOpenedAt = 0;
    if (state == RunState.WAITING_FOR_APPROVAL || state == RunState.NEEDS_ATTENTION) {
      state = RunState.RUNNING;
    }
    changed();
  }

  void approval(Approval approval) {
    this.approval = approval;
    changed();
  }

  void decision(String line) {
    decisions.add(line);
    changed();
  }

  void discovery(DiscoveryProgress progress) {
    this.discovery = progress;
    changed();
  }

  void conformance(ConformanceReview review) {
    conformance.put(review.step(), review);
    changed();
  }

  List<ConformanceReview> conformanceReviews() {
    return List.copyOf(conformance.values());
  }

  void registration(ClusterRegistration registration) {
    registrations.put(registration.cluster(), registration);
    changed();
  }

  ClusterRegistration registration(String cluster) {
    return registrations.get(cluster);
  }

  void networking(NetworkingProgress progress) {
    this.networking = progress;
    changed();
  }

  DiscoveryProgress discovery() {
    return discovery;
  }

  StepState state(Step step) {
    return steps.get(step).state;
  }

  VerifyReport verifyReport() {
    return verify;
  }

  /**
   * The final report's overall level; yellow when a person skipped verify before it could make one.
   */
  CheckLevel finalReportLevel() {
    return verify == null ? CheckLevel.YELLOW : verify.overall();
  }

  void verify(VerifyReport report) {
    this.verify = report;
    changed();
  }

  /**
   * A notification queued, delivered, failed or dropped: the newest word on it replaces the last.
   */
  void notification(NotificationDelivery delivery) {
    String key = delivery.id() + " " + delivery.destination();
    notifications.remove(key);
    notifications.put(key, delivery);
    while (notifications.size() > MAX_NOTIFICATIONS_KEPT) {
      notifications.remove(notifications.keySet().iterator().next());
    }
    changed();
  }

  void end(RunState outcome) {
    this.state = outcome;
    this.awaiting = "";
    this.gate = "";
    this.gateOpenedAt = 0;
    changed();
  }

  RunState state() {
    return state;
  }

  private void finish(Step step, StepState result, long now) {
    MutableStep s = steps.get(step);
    s.state = result;
    s.finishedAt = now;
    awaiting = "";
  }

  UpgradeStatus snapshot() {
    return new UpgradeStatus(
        state,
        context,
        fromVersion,
        targetVersion,
        current,
        stepList(),
        discovery,
        awaiting,
        attention,
        approval,
        List.copyOf(decisions),
        List.copyOf(warnings),
        verify,
        backup,
        conformanceReviews(),
        networking,
        List.copyOf(registrations.values()),
        gate,
        resumedFrom,
        backupId,
        MutableStep.iso(gateOpenedAt),
        List.copyOf(notifications.values()));
  }

  String backup() {
    return backup;
  }

  /** The ID and location of the configuration saved before the first change. */
  void backup(String id, String location) {
    this.backupId = id;
    this.backup = location;
    changed();
  }

  UpgradeReport report(String summary) {
    return new UpgradeReport(
        state,
        context,
        fromVersion,
        targetVersion,
        summary,
        stepList(),
        approval,
        List.copyOf(decisions),
        List.copyOf(warnings),
        verify,
        backup,
        conformanceReviews(),
        List.copyOf(registrations.values()));
  }

  long startedAt(Step step) {
    return steps.get(step).startedAt;
  }

  Map<Step, StepState> states() {
    Map<Step, StepState> result = new LinkedHashMap<>();
    steps.forEach((k, v) -> result.put(k, v.state));
    return result;
  }

  private List<StepStatus> stepList() {
    List<StepStatus> list = new ArrayList<>();
    for (MutableStep s : steps.values()) {
      list.add(s.toStatus());
    }
    return list;
  }

  private static final class MutableStep {
    private final Step step;
    private StepState state = StepState.PENDING;
    private long startedAt;
    private long finishedAt;
    private String detail = "";
    private int attempts;

    MutableStep(Step step) {
      this.step = step;
    }

    StepStatus toStatus() {
      long elapsed = startedAt == 0 ? 0 : (finishedAt == 0 ? 0 : finishedAt - startedAt);
      return new StepStatus(
          step, state, iso(startedAt), iso(finishedAt), elapsed, detail, attempts);
    }

    private static String iso(long millis) {
      return millis == 0 ? "" : Instant.ofEpochMilli(millis).toString();
    }
  }
}

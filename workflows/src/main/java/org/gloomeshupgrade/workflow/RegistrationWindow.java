package org.gloomeshupgrade.workflow;

import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.registration.ReRegisterResult;
import org.slf4j.Logger;

/**
 * Step 7: re-registers every cluster, at most registrationConcurrency at once; each has its own
 * retries and outcome, and a failure does not stop the others. When all are done and some failed, a
 * person retries those, skips them (with a reason, recorded per cluster) or aborts. Runs recorded
 * before the window ({@link Change#REGISTRATION_WINDOW}) replay the fixed batches they were
 * recorded with.
 */
final class RegistrationWindow {
  private static final Logger log = Workflow.getLogger(RegistrationWindow.class);
  private static final Step STEP = Step.REREGISTER;

  /**
   * Before the window: fixed batches of this many clusters, and any failure failed the whole step.
   */
  private static final int REGISTRATION_BATCH = 5;

  private final UpgradeRun run;
  private final StepRunner steps;

  RegistrationWindow(UpgradeRun run, StepRunner steps) {
    this.run = run;
    this.steps = steps;
  }

  void reRegister(String ctx, List<RegisteredCluster> clusters) {
    if (run.versions.applies(Change.REGISTRATION_WINDOW)) {
      inWindow(ctx, clusters);
    } else {
      inBatches(ctx, clusters);
    }
  }

  private void inBatches(String ctx, List<RegisteredCluster> clusters) {
    List<String> done = new ArrayList<>();
    for (int i = 0; i < clusters.size(); i += REGISTRATION_BATCH) {
      List<Promise<ReRegisterResult>> batch = new ArrayList<>();
      for (RegisteredCluster c :
          clusters.subList(i, Math.min(clusters.size(), i + REGISTRATION_BATCH))) {
        batch.add(
            Async.function(run.activities().registration::reRegister, run.reRegisterInput(ctx, c)));
      }
      Promise.allOf(batch).get();
      batch.forEach(p -> done.add(p.get().cluster()));
    }
    run.book.detail(STEP, "re-registered " + done);
  }

  private void inWindow(String ctx, List<RegisteredCluster> clusters) {
    RunBook book = run.book;
    clusters.forEach(
        c ->
            book.registration(
                new ClusterRegistration(
                    c.name(), c.context(), ClusterRegistration.State.PENDING, 0, "")));
    List<RegisteredCluster> todo = clusters;
    while (!todo.isEmpty()) {
      Map<String, String> failed = window(ctx, todo);
      if (failed.isEmpty()) {
        break;
      }
      String why =
          "%d of %d cluster(s) failed to re-register (the others are done): %s"
              .formatted(
                  failed.size(),
                  clusters.size(),
                  failed.entrySet().stream()
                      .map(e -> e.getKey() + ": " + e.getValue())
                      .collect(Collectors.joining("; ")));
      StepDecision d = steps.decide(STEP, why, false);
      if (d.decision() == Decision.SKIP) {
        failed.forEach(
            (cluster, error) -> {
              ClusterRegistration r = book.registration(cluster);
              book.registration(
                  new ClusterRegistration(
                      cluster,
                      r.context(),
                      ClusterRegistration.State.SKIPPED,
                      r.runs(),
                      StepRunner.skippedAfter(d, error)));
            });
        todo = List.of();
      } else {
        todo = clusters.stream().filter(c -> failed.containsKey(c.name())).toList();
      }
      book.running(STEP);
    }
    Map<ClusterRegistration.State, List<String>> byState =
        new EnumMap<>(ClusterRegistration.State.class);
    clusters.forEach(
        c ->
            byState
                .computeIfAbsent(book.registration(c.name()).state(), k -> new ArrayList<>())
                .add(c.name()));
    List<String> skipped = byState.get(ClusterRegistration.State.SKIPPED);
    book.detail(
        STEP,
        "re-registered %s%s (%d at a time)"
            .formatted(
                byState.getOrDefault(ClusterRegistration.State.REGISTERED, List.of()),
                skipped == null ? "" : "; skipped " + skipped,
                run.request().registrationConcurrency()));
  }

  /**
   * Runs the registrations with at most registrationConcurrency at once; returns the failed
   * clusters and why.
   */
  private Map<String, String> window(String ctx, List<RegisteredCluster> clusters) {
    RunBook book = run.book;
    ArrayDeque<RegisteredCluster> queue = new ArrayDeque<>(clusters);
    Map<String, Promise<ReRegisterResult>> running = new LinkedHashMap<>();
    Map<String, String> failed = new TreeMap<>();
    while (!queue.isEmpty() || !running.isEmpty()) {
      while (running.size() < run.request().registrationConcurrency() && !queue.isEmpty()) {
        RegisteredCluster c = queue.poll();
        ClusterRegistration before = book.registration(c.name());
        book.registration(
            new ClusterRegistration(
                c.name(), c.context(), ClusterRegistration.State.RUNNING, before.runs() + 1, ""));
        String summary =
            "%s: cluster %s for Gloo Mesh %s"
                .formatted(STEP.label(), c.name(), run.request().targetVersion());
        running.put(
            c.name(),
            Async.function(
                run.about(summary).registration::reRegister, run.reRegisterInput(ctx, c)));
      }
      Workflow.await(() -> running.values().stream().anyMatch(Promise::isCompleted));
      for (var it = running.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        if (!entry.getValue().isCompleted()) {
          continue;
        }
        it.remove();
        ClusterRegistration r = book.registration(entry.getKey());
        RuntimeException failure = entry.getValue().getFailure();
        if (failure == null) {
          String done = Messages.describe(entry.getValue().get());
          log.info("{}: cluster {} registered: {}", STEP.label(), r.cluster(), done);
          book.registration(
              new ClusterRegistration(
                  r.cluster(), r.context(), ClusterRegistration.State.REGISTERED, r.runs(), done));
        } else {
          String why =
              failure instanceof TemporalFailure tf
                  ? Messages.why(tf)
                  : String.valueOf(failure.getMessage());
          log.warn("{}: cluster {} failed: {}", STEP.label(), r.cluster(), why);
          failed.put(r.cluster(), why);
          book.registration(
              new ClusterRegistration(
                  r.cluster(), r.context(), ClusterRegistration.State.FAILED, r.runs(), why));
        }
      }
    }
    return failed;
  }
}

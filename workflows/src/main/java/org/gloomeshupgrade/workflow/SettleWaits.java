package org.gloomeshupgrade.workflow;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.gloomeshupgrade.discovery.DiscoveryCounts;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.UpgradeRequest;
import org.gloomeshupgrade.verify.NetworkingStatus;

/**
 * The waits of steps 8 and 10, on durable timers between short polls: discovery until its inventory
 * is back or stays put for the settle window, networking until every resource is ACCEPTED.
 */
final class SettleWaits {
  /** Resources whose errors the networking wait follows, to report those that cleared. */
  static final int MAX_TRACKED = 200;

  /** Resources that cleared named in the status; the rest counted. */
  static final int RECOVERED_SHOWN = 20;

  private final UpgradeRun run;

  SettleWaits(UpgradeRun run) {
    this.run = run;
  }

  /**
   * Until discovery finds what preflight found, or settles below it; fails past the discovery
   * timeout.
   */
  void awaitDiscovery(String ctx, Map<String, Integer> preflightInventory) {
    UpgradeRequest request = run.request();
    RunBook book = run.book;
    Map<String, Integer> inventory = new TreeMap<>(preflightInventory);
    long start = Workflow.currentTimeMillis();
    long lastChange = start;
    Map<String, Integer> last = null;
    int polls = 0;
    while (true) {
      DiscoveryCounts counts = run.on(Step.DISCOVERY).poll.discovery.count(ctx);
      polls++;
      Map<String, Integer> current = new TreeMap<>(counts.byKind());
      long t = Workflow.currentTimeMillis();
      if (!current.equals(last)) {
        last = current;
        lastChange = t;
      }
      String settled = "";
      if (EndStateJudge.covers(current, inventory)) {
        settled = "inventory back: " + current;
      } else if ((counts.total() > 0 || total(inventory) == 0)
          && t - lastChange >= request.discoverySettleWindow().toMillis()) {
        settled =
            "stable for %s at %s (inventory was %s)"
                .formatted(
                    DurationText.format(request.discoverySettleWindow()), current, inventory);
        book.warn(
            "discovery settled below the inventory of preflight: %s < %s"
                .formatted(current, inventory));
      }
      book.discovery(new DiscoveryProgress(inventory, current, polls, settled));
      if (!settled.isEmpty()) {
        book.detail(Step.DISCOVERY, "%s after %d polls".formatted(settled, polls));
        return;
      }
      if (t - start >= request.discoveryTimeout().toMillis()) {
        throw ApplicationFailure.newFailure(
            """
            discovery did not settle within %s: found %s, expected %s. Check the discovery pod's logs; retry to \
            wait again, or skip to go on."""
                .formatted(DurationText.format(request.discoveryTimeout()), current, inventory),
            FailureTypes.NOT_SETTLED);
      }
      book.detail(
          Step.DISCOVERY, "waiting: %s of %s after %d polls".formatted(current, inventory, polls));
      Workflow.sleep(request.discoveryPollInterval());
    }
  }

  /**
   * Until every networking resource is ACCEPTED at its current generation. Errors while networking
   * starts its watches are expected (the runbook says they settle): they are tolerated until the
   * networking timeout, and those that cleared are reported; those still there at the end stop the
   * step with their errors.
   */
  void awaitNetworking(String ctx) {
    UpgradeRequest request = run.request();
    RunBook book = run.book;
    long start = Workflow.currentTimeMillis();
    Map<String, String> firstProblem = new TreeMap<>();
    Map<String, Long> troubledAt = new TreeMap<>();
    Map<String, Long> clearedAt = new TreeMap<>();
    int polls = 0;
    while (true) {
      NetworkingStatus s = run.on(Step.NETWORKING).poll.verify.networkingStatus(ctx);
      polls++;
      long t = Workflow.currentTimeMillis();
      Map<String, String> bad = new TreeMap<>();
      s.notAccepted().forEach(line -> bad.put(resourceOf(line), line));
      bad.forEach(
          (resource, line) -> {
            // Bounded, as the status names a bounded few: a mesh with thousands of resources
            // passing through errors must not grow the workflow's state with each of them.
            if (!firstProblem.containsKey(resource) && firstProblem.size() >= MAX_TRACKED) {
              return;
            }
            firstProblem.putIfAbsent(
                resource, line.substring(resource.length()).replaceFirst("^: ", ""));
            troubledAt.putIfAbsent(resource, t);
            clearedAt.remove(resource);
          });
      firstProblem.keySet().stream()
          .filter(r -> !bad.containsKey(r))
          .forEach(r -> clearedAt.putIfAbsent(r, t));
      List<String> recovered =
          clearedAt.entrySet().stream()
              .map(
                  e ->
                      "%s (%s, ACCEPTED after %s)"
                          .formatted(
                              e.getKey(),
                              firstProblem.get(e.getKey()),
                              DurationText.format(
                                  Duration.ofSeconds(
                                      Math.round(
                                          (e.getValue() - troubledAt.get(e.getKey())) / 1000.0)))))
              .toList();
      List<String> shown = recovered.subList(0, Math.min(recovered.size(), RECOVERED_SHOWN));
      String more =
          recovered.size() > shown.size()
              ? "; and %d more".formatted(recovered.size() - shown.size())
              : "";
      if (s.steady()) {
        String settled =
            "%d of %d networking resources ACCEPTED%s"
                .formatted(
                    s.accepted(),
                    s.total(),
                    recovered.isEmpty()
                        ? ""
                        : "; settled after transient errors: " + String.join("; ", shown) + more);
        book.networking(
            new NetworkingProgress(s.total(), s.accepted(), List.of(), shown, polls, settled));
        book.detail(Step.NETWORKING, settled);
        return;
      }
      book.networking(
          new NetworkingProgress(s.total(), s.accepted(), s.notAccepted(), shown, polls, ""));
      book.detail(Step.NETWORKING, "waiting: %d of %d ACCEPTED".formatted(s.accepted(), s.total()));
      if (t - start >= request.networkingTimeout().toMillis()) {
        throw ApplicationFailure.newFailure(
            """
            networking resources not ACCEPTED after %s: %s. Read their status.errors and the networking pod's \
            logs."""
                .formatted(
                    DurationText.format(request.networkingTimeout()), s.describeNotAccepted()),
            FailureTypes.NOT_SETTLED);
      }
      Workflow.sleep(request.discoveryPollInterval());
    }
  }

  /**
   * "Kind namespace/name" of a line of {@link NetworkingStatus#notAccepted()}: Kubernetes names
   * hold no ':'.
   */
  private static String resourceOf(String notAcceptedLine) {
    int colon = notAcceptedLine.indexOf(": ");
    return colon < 0 ? notAcceptedLine : notAcceptedLine.substring(0, colon);
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}

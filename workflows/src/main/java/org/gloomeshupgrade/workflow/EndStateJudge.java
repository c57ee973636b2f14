package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.gloomeshupgrade.preflight.PreflightReport;
import org.gloomeshupgrade.preflight.RegisteredCluster;
import org.gloomeshupgrade.verify.CheckLevel;
import org.gloomeshupgrade.verify.EndState;

/**
 * Whether the end state a step of an earlier run left still holds on the management plane, as later
 * steps leave it: once step 8 is done, or is the step the earlier run stopped in, discovery may be
 * up, and networking once step 10 is; they are then checked by their own step, or done again by it.
 * Pure: it judges what was read.
 */
final class EndStateJudge {
  private final EndState seen;
  private final PreflightReport pre;
  private final String discovery;
  private final String networking;
  private final boolean meshctlAppliesCrds;

  /**
   * Null when the earlier run's approval stands for this run; else why not. Asked only when step 9
   * is judged.
   */
  private final Function<Approval, String> approvalRefusal;

  EndStateJudge(
      EndState seen,
      PreflightReport pre,
      String discovery,
      String networking,
      boolean meshctlAppliesCrds,
      Function<Approval, String> approvalRefusal) {
    this.seen = seen;
    this.pre = pre;
    this.discovery = discovery;
    this.networking = networking;
    this.meshctlAppliesCrds = meshctlAppliesCrds;
    this.approvalRefusal = approvalRefusal;
  }

  /** What holds, or what does not: one of the two is null. */
  record Verdict(String holds, String wrong) {
    boolean held() {
      return wrong == null;
    }
  }

  /**
   * @param unfinished the first step the earlier run did not finish
   * @param approval the earlier run's approval, for step 9
   */
  Verdict judge(Step s, Step unfinished, Approval approval) {
    List<String> holds = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    switch (s) {
      case SCALE_DOWN -> {
        if (unfinished.compareTo(Step.NETWORKING) < 0) {
          replicas(networking, 0, holds, wrong);
        }
        if (unfinished.compareTo(Step.DISCOVERY) < 0) {
          replicas(discovery, 0, holds, wrong);
        }
        if (holds.isEmpty() && wrong.isEmpty()) {
          holds.add("discovery and networking scaled up since, by steps 8 and 10");
        }
      }
      case DELETE_DISCOVERY -> {
        if (unfinished.compareTo(Step.DISCOVERY) >= 0) {
          holds.add("discovery recreates its resources from step 8 on");
        } else if (seen.discoveryTotal() == 0) {
          holds.add("no discovery resources");
        } else {
          wrong.add(
              "%d discovery resources %s"
                  .formatted(seen.discoveryTotal(), new TreeMap<>(seen.discovery())));
        }
      }
      case CRDS -> {
        if (meshctlAppliesCrds) {
          holds.add("meshctl applies the CRDs itself");
        } else if (seen.crds().level() == CheckLevel.GREEN) {
          holds.add(seen.crds().detail());
        } else {
          wrong.add(
              "%s %s: %s".formatted(seen.crds().name(), seen.crds().level(), seen.crds().detail()));
        }
      }
      case CONTROL_PLANE ->
          (seen.controlPlane().level() == CheckLevel.GREEN ? holds : wrong)
              .add(seen.controlPlane().detail());
      case CONFORMANCE -> holds.add("checked again at step 6");
      case REREGISTER -> {
        List<String> missing =
            pre.clusters().stream()
                .map(RegisteredCluster::name)
                .filter(c -> !seen.registeredClusters().contains(c))
                .toList();
        if (missing.isEmpty()) {
          holds.add("%d cluster(s) registered with their secrets".formatted(pre.clusters().size()));
        } else {
          wrong.add("not registered: " + missing);
        }
      }
      case DISCOVERY -> {
        scaledUp(discovery, holds, wrong);
        if (covers(seen.discovery(), pre.discoveryInventory())) {
          holds.add("discovery " + new TreeMap<>(seen.discovery()));
        } else {
          wrong.add(
              "discovery %s short of %s"
                  .formatted(
                      new TreeMap<>(seen.discovery()), new TreeMap<>(pre.discoveryInventory())));
        }
      }
      case APPROVAL -> {
        String refusal = approvalRefusal.apply(approval);
        if (refusal == null) {
          holds.add("approved by %s: %s".formatted(approval.by(), approval.reason()));
        } else {
          wrong.add("the approval does not stand for this run: " + refusal);
        }
      }
      case NETWORKING -> {
        scaledUp(networking, holds, wrong);
        if (seen.networking().steady()) {
          holds.add(
              "%d of %d networking resources ACCEPTED"
                  .formatted(seen.networking().accepted(), seen.networking().total()));
        } else {
          wrong.add(
              "networking resources not ACCEPTED: " + seen.networking().describeNotAccepted());
        }
      }
      default -> throw new IllegalArgumentException("no end state for step " + s);
    }
    return wrong.isEmpty()
        ? new Verdict(String.join(", ", holds), null)
        : new Verdict(null, String.join(", ", wrong));
  }

  /** At the count steps 8 and 10 scale it back to, with a replica available. */
  private void scaledUp(String deployment, List<String> holds, List<String> wrong) {
    replicas(deployment, pre.replicasToScaleUp(deployment), holds, wrong);
    if (seen.available().getOrDefault(deployment, 0) < 1) {
      wrong.add(deployment + " has no available replica");
    }
  }

  private void replicas(String deployment, int want, List<String> holds, List<String> wrong) {
    Integer now = seen.replicas().get(deployment);
    if (now == null) {
      wrong.add("deployment %s not found".formatted(deployment));
    } else if (now == want) {
      holds.add("%s at %d replicas".formatted(deployment, want));
    } else {
      wrong.add("%s at %d replicas, not %d".formatted(deployment, now, want));
    }
  }

  /** Whether {@code current} has at least the count of each kind of {@code inventory}. */
  static boolean covers(Map<String, Integer> current, Map<String, Integer> inventory) {
    return inventory.entrySet().stream()
        .allMatch(e -> current.getOrDefault(e.getKey(), 0) >= e.getValue());
  }
}

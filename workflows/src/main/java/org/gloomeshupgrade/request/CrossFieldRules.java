package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * Rules between fields, each naming the field to change. A field already reported bad reads as null
 * here and its rules are not checked, so one mistake is reported once.
 */
final class CrossFieldRules {
  /** Polls of one wait a run's history can hold, with room for everything else. */
  static final long MAX_POLLS = 2_000;

  private final JsonNode root;
  private final List<String> problems;

  CrossFieldRules(JsonNode root, List<String> problems) {
    this.root = root;
    this.problems = problems;
  }

  void pollShorterThanTimeout(Duration poll, Duration discoveryTimeout) {
    if (poll != null && discoveryTimeout != null && discoveryTimeout.compareTo(poll) <= 0) {
      problems.add(
          "discoveryTimeout: %s must be longer than discoveryPollInterval (%s)"
              .formatted(DurationText.format(discoveryTimeout), DurationText.format(poll)));
    }
  }

  void settleShorterThanTimeout(Duration settle, Duration discoveryTimeout) {
    if (settle != null && discoveryTimeout != null && settle.compareTo(discoveryTimeout) >= 0) {
      problems.add(
          "discoverySettleWindow: %s must be shorter than discoveryTimeout (%s)"
              .formatted(DurationText.format(settle), DurationText.format(discoveryTimeout)));
    }
  }

  void meshctlPathOnlyWithMeshctl(InstallMethod install, RegistrationMethod registration) {
    if (install != InstallMethod.MESHCTL
        && registration != RegistrationMethod.MESHCTL
        && root.has("meshctlPath")) {
      problems.add(
          """
          meshctlPath: only used with installMethod or registrationMethod "meshctl", \
          but installMethod is "%s" and registrationMethod "%s"\
          """
              .formatted(install.wireName(), registration.wireName()));
    }
  }

  void reminderShorterThanTimeout(Duration reminder, Duration approvalTimeout) {
    if (reminder != null
        && approvalTimeout != null
        && reminder.compareTo(approvalTimeout) >= 0
        && root.has("approvalReminder")) {
      problems.add(
          "approvalReminder: %s must be shorter than approvalTimeout (%s)"
              .formatted(DurationText.format(reminder), DurationText.format(approvalTimeout)));
    }
  }

  void someoneElseMayApprove(
      String requestedBy, boolean allowSelfApproval, List<String> approvers) {
    if (!requestedBy.isBlank()
        && !allowSelfApproval
        && approvers.size() == 1
        && approvers.get(0).equalsIgnoreCase(requestedBy.trim())) {
      problems.add(
          """
          approvers: the only approver, "%s", is the requester (requestedBy), who may not \
          approve their own upgrade: add another approver or set allowSelfApproval\
          """
              .formatted(approvers.get(0)));
    }
  }

  void agentChartsOnlyWithNative(RegistrationMethod registration) {
    if (registration == RegistrationMethod.MESHCTL && root.has("agentCharts")) {
      problems.add(
          """
          agentCharts: meshctl cluster register installs the agent charts itself; \
          remove agentCharts or use registrationMethod "native"\
          """);
    }
  }

  void valuesFilesOnlyWithHelmOrManifests(InstallMethod install, List<String> helmValuesFiles) {
    if (install == InstallMethod.MESHCTL && !helmValuesFiles.isEmpty()) {
      problems.add(
          """
          helmValuesFiles: only used with installMethod "helm" or "manifests", \
          but installMethod is "meshctl"\
          """);
    }
  }

  void noResumeInDryRun(ResumeFrom resumeFrom, boolean dryRun) {
    if (resumeFrom != null && dryRun) {
      problems.add(
          """
          resumeFrom: a dry run changes nothing, so it has nothing to carry on; \
          remove dryRun or resumeFrom\
          """);
    }
  }

  void distinctDeployments(String discovery, String networking) {
    if (discovery.equals(networking)) {
      problems.add(
          """
          networkingDeployment: "%s" is also discoveryDeployment; they are two deployments, scaled \
          up at different steps (networking only after the approval)\
          """
              .formatted(networking));
    }
  }

  void settleWindowCoversAPoll(Duration poll, Duration settle) {
    if (poll != null && settle != null && settle.compareTo(poll) < 0) {
      problems.add(
          """
          discoverySettleWindow: %s is shorter than discoveryPollInterval (%s), so no poll could \
          see discovery stay put; make it at least one poll long\
          """
              .formatted(DurationText.format(settle), DurationText.format(poll)));
    }
  }

  /**
   * Each poll adds events to the run's history, which Temporal bounds: the waits for discovery and
   * for networking may take at most {@link #MAX_POLLS} polls each.
   */
  void pollsWithinTheHistoryBudget(
      Duration poll, Duration discoveryTimeout, Duration networkingTimeout) {
    pollBudget(poll, "discoveryTimeout", discoveryTimeout);
    pollBudget(poll, "networkingTimeout", networkingTimeout);
  }

  private void pollBudget(Duration poll, String wait, Duration timeout) {
    if (poll == null || timeout == null || timeout.dividedBy(poll) <= MAX_POLLS) {
      return;
    }
    problems.add(
        """
        discoveryPollInterval: %s polls %d times in %s %s, more than the %d a run's history \
        holds; poll less often or shorten %s\
        """
            .formatted(
                DurationText.format(poll),
                timeout.dividedBy(poll),
                wait,
                DurationText.format(timeout),
                MAX_POLLS,
                wait));
  }

  /** Native registration names Gloo Mesh's ServiceAccount and token Secret after the cluster. */
  void clusterNamesRegistrationAccepts(List<String> clusters, RegistrationMethod registration) {
    if (registration != RegistrationMethod.NATIVE) {
      return;
    }
    for (int i = 0; i < clusters.size(); i++) {
      String problem = NameRules.dnsLabel(clusters.get(i));
      if (problem != null) {
        problems.add(
            "clusters[%d]: \"%s\" %s, as native registration (step 7) needs"
                .formatted(i, clusters.get(i), problem));
      }
    }
  }
}

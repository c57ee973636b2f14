package org.gloomeshupgrade.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * Rules between fields, each naming the field to change. A field already reported bad reads as null
 * here and its rules are not checked, so one mistake is reported once.
 */
final class CrossFieldRules {
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
}

package org.gloomeshupgrade.workflow;

import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.request.DurationText;
import org.gloomeshupgrade.request.InstallMethod;
import org.gloomeshupgrade.request.UpgradeRequest;

/**
 * What a request will do, for the Temporal UI's static summary and details of the run a client
 * starts.
 */
public final class UpgradePlan {
  private UpgradePlan() {}

  /** One line, for example "Gloo Mesh upgrade to 0.11.3 on mgmt". */
  public static String summary(UpgradeRequest r, String context) {
    return "Gloo Mesh upgrade to "
        + r.targetVersion()
        + " on "
        + context
        + (r.dryRun() ? " (dry run)" : "");
  }

  /** The steps as this request runs them, in Markdown. */
  public static String markdown(UpgradeRequest r, String context) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "**"
            + summary(r, context)
            + "**, namespace `"
            + r.namespace()
            + "`, control plane by "
            + r.installMethod().wireName()
            + ", clusters re-registered "
            + r.registrationMethod().wireName()
            + " ("
            + (r.clusters().isEmpty()
                ? "every registered cluster"
                : String.join(", ", r.clusters()))
            + ", "
            + r.registrationConcurrency()
            + " at a time)");
    lines.add("");
    lines.add("| # | step | this run |");
    lines.add("|---|---|---|");
    row(
        lines,
        Step.PREFLIGHT,
        "reach every cluster, check permissions, the running version, the user's resources "
            + "against the "
            + r.targetVersion()
            + " CRDs; nothing changes");
    row(
        lines,
        Step.TOOLING,
        r.installMethod() == InstallMethod.MESHCTL
            ? "meshctl " + r.targetVersion()
            : "the chart and the complete CRD set of " + r.targetVersion());
    if (r.dryRun()) {
      row(lines, Step.CRDS, "server-side dry run of the CRDs");
      row(
          lines,
          Step.CONTROL_PLANE,
          "server-side dry run of the control plane; the run ends there");
      return String.join("\n", lines);
    }
    row(lines, Step.SCALE_DOWN, "back up the configuration, then networking and discovery to 0");
    row(lines, Step.DELETE_DISCOVERY, "delete the discovery resources (recreated at step 8)");
    row(lines, Step.CRDS, "apply the " + r.targetVersion() + " CRDs");
    row(lines, Step.CONTROL_PLANE, "upgrade the control plane to " + r.targetVersion());
    row(lines, Step.CONFORMANCE, "check the user's resources against the installed CRDs");
    row(lines, Step.REREGISTER, "re-register the clusters");
    row(
        lines,
        Step.DISCOVERY,
        "discovery back up; wait up to "
            + DurationText.format(r.discoveryTimeout())
            + " for it to settle");
    row(
        lines,
        Step.APPROVAL,
        r.requireApproval()
            ? "wait up to "
                + DurationText.format(r.approvalTimeout())
                + " for "
                + (r.approvers().isEmpty()
                    ? "an approval"
                    : "one of " + r.approvers() + " to approve")
            : "approved by the request (requireApproval false)");
    row(
        lines,
        Step.NETWORKING,
        "networking back up; wait up to "
            + DurationText.format(r.networkingTimeout())
            + " for every networking resource to be ACCEPTED");
    row(lines, Step.VERIFY, "the final report, green, yellow or red per check");
    return String.join("\n", lines);
  }

  private static void row(List<String> lines, Step step, String what) {
    lines.add("| " + step.number() + " | " + step.title() + " | " + what + " |");
  }
}

package org.gloomeshupgrade.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.gloomeshupgrade.backup.BackupActivities;
import org.gloomeshupgrade.conformance.ConformanceActivities;
import org.gloomeshupgrade.controlplane.ControlPlaneActivities;
import org.gloomeshupgrade.crds.CrdActivities;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.discovery.DiscoveryActivities;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.registration.RegistrationActivities;
import org.gloomeshupgrade.resume.ResumeActivities;
import org.gloomeshupgrade.verify.VerifyActivities;

/** The workflow's activity stubs, each with its options from {@link UpgradeActivityOptions}. */
final class UpgradeActivities {
  final PreflightActivities preflight;
  final DeploymentActivities deployments;
  final DiscoveryActivities discovery;
  final CrdActivities crds;
  final BackupActivities backup;
  final ControlPlaneActivities controlPlane;
  final ConformanceActivities conformance;
  final RegistrationActivities registration;
  final VerifyActivities verify;
  final ResumeActivities resume;

  /** Reads polled in loops, with short timeouts. */
  final Polls poll;

  private final Duration scaleTimeout;

  UpgradeActivities(Duration scaleTimeout) {
    this(scaleTimeout, null);
  }

  private UpgradeActivities(Duration scaleTimeout, String summary) {
    this.scaleTimeout = scaleTimeout;
    preflight = stub(PreflightActivities.class, UpgradeActivityOptions.preflight(), summary);
    deployments =
        stub(DeploymentActivities.class, UpgradeActivityOptions.scale(scaleTimeout), summary);
    discovery = stub(DiscoveryActivities.class, UpgradeActivityOptions.deleteDiscovery(), summary);
    crds = stub(CrdActivities.class, UpgradeActivityOptions.crds(), summary);
    backup = stub(BackupActivities.class, UpgradeActivityOptions.backup(), summary);
    controlPlane =
        stub(ControlPlaneActivities.class, UpgradeActivityOptions.controlPlane(), summary);
    conformance = stub(ConformanceActivities.class, UpgradeActivityOptions.conformance(), summary);
    registration = stub(RegistrationActivities.class, UpgradeActivityOptions.reRegister(), summary);
    verify = stub(VerifyActivities.class, UpgradeActivityOptions.verify(), summary);
    resume = stub(ResumeActivities.class, UpgradeActivityOptions.preflight(), summary);
    poll = new Polls(summary);
  }

  /**
   * The same stubs, each call carrying {@code summary}, which the Temporal UI shows on the activity
   * ("step 4: the 0.11.3 CRDs on mgmt"). A summary is metadata: replays do not compare it.
   */
  UpgradeActivities about(String summary) {
    return new UpgradeActivities(scaleTimeout, summary);
  }

  private static <T> T stub(Class<T> type, ActivityOptions options, String summary) {
    return Workflow.newActivityStub(
        type,
        summary == null
            ? options
            : ActivityOptions.newBuilder(options).setSummary(summary).build());
  }

  static final class Polls {
    final DiscoveryActivities discovery;
    final VerifyActivities verify;

    Polls(String summary) {
      discovery = stub(DiscoveryActivities.class, UpgradeActivityOptions.poll(), summary);
      verify = stub(VerifyActivities.class, UpgradeActivityOptions.poll(), summary);
    }
  }
}

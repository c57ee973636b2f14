package org.gloomeshupgrade.workflow;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.gloomeshupgrade.conformance.ConformanceActivities;
import org.gloomeshupgrade.controlplane.ControlPlaneActivities;
import org.gloomeshupgrade.backup.BackupActivities;
import org.gloomeshupgrade.crds.CrdActivities;
import org.gloomeshupgrade.deployments.DeploymentActivities;
import org.gloomeshupgrade.discovery.DiscoveryActivities;
import org.gloomeshupgrade.preflight.PreflightActivities;
import org.gloomeshupgrade.registration.RegistrationActivities;
import org.gloomeshupgrade.verify.VerifyActivities;

/** The workflow's activity stubs, each with its options from {@link UpgradeActivityOptions}. */
final class UpgradeActivities {
  final PreflightActivities preflight =
      Workflow.newActivityStub(PreflightActivities.class, UpgradeActivityOptions.preflight());
  final DeploymentActivities deployments;
  final DiscoveryActivities discovery =
      Workflow.newActivityStub(DiscoveryActivities.class, UpgradeActivityOptions.deleteDiscovery());
  final CrdActivities crds = Workflow.newActivityStub(CrdActivities.class, UpgradeActivityOptions.crds());
  final BackupActivities backup = Workflow.newActivityStub(BackupActivities.class, UpgradeActivityOptions.backup());
  final ControlPlaneActivities controlPlane =
      Workflow.newActivityStub(ControlPlaneActivities.class, UpgradeActivityOptions.controlPlane());
  final ConformanceActivities conformance =
      Workflow.newActivityStub(ConformanceActivities.class, UpgradeActivityOptions.conformance());
  final RegistrationActivities registration =
      Workflow.newActivityStub(RegistrationActivities.class, UpgradeActivityOptions.reRegister());
  final VerifyActivities verify = Workflow.newActivityStub(VerifyActivities.class, UpgradeActivityOptions.verify());
  /** Reads polled in loops, with short timeouts. */
  final Polls poll = new Polls();

  UpgradeActivities(Duration scaleTimeout) {
    deployments = Workflow.newActivityStub(DeploymentActivities.class, UpgradeActivityOptions.scale(scaleTimeout));
  }

  static final class Polls {
    final DiscoveryActivities discovery =
        Workflow.newActivityStub(DiscoveryActivities.class, UpgradeActivityOptions.poll());
    final VerifyActivities verify = Workflow.newActivityStub(VerifyActivities.class, UpgradeActivityOptions.poll());
  }
}

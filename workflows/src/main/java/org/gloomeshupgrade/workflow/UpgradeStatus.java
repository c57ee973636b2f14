package org.gloomeshupgrade.workflow;

import java.util.List;
import org.gloomeshupgrade.notify.NotificationDelivery;
import org.gloomeshupgrade.verify.VerifyReport;

/**
 * The full state of a run, as the {@code status} query returns it.
 *
 * @param awaiting what the run waits for from a person, "" when nothing
 * @param attention the failure a person must act on, "" when none
 * @param backup where the configuration saved before the first change is; null until then, and in
 *     runs recorded before backups existed
 * @param conformance each conformance check and what became of its problems; empty before the first
 * @param networking step 10's wait for a steady state; null before it starts
 * @param registrations each cluster's re-registration in step 7, empty before it starts
 * @param gate the ID of the open gate (an approval or a decision awaited), "" when none; an answer
 *     must name it
 * @param resumedFrom the earlier run this one carries on ("workflowId/runId"), "" when it started
 *     afresh
 * @param backupId the ID of that backup, as {@code gmu restore --backup} takes it; null until then
 * @param gateOpenedAt when the open gate opened, ISO-8601 workflow time; "" when none (and in
 *     answers of workers from before it was kept)
 * @param notifications each notification at each destination and what became of it, in the order of
 *     their latest news; empty when the worker has no destinations (null in answers of workers from
 *     before notifications)
 */
public record UpgradeStatus(
    RunState state,
    String managementContext,
    String fromVersion,
    String targetVersion,
    Step currentStep,
    List<StepStatus> steps,
    DiscoveryProgress discovery,
    String awaiting,
    String attention,
    Approval approval,
    List<String> decisions,
    List<String> warnings,
    VerifyReport verify,
    String backup,
    List<ConformanceReview> conformance,
    NetworkingProgress networking,
    List<ClusterRegistration> registrations,
    String gate,
    String resumedFrom,
    String backupId,
    String gateOpenedAt,
    List<NotificationDelivery> notifications) {}

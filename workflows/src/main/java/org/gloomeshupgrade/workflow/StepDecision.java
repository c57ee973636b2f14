package org.gloomeshupgrade.workflow;

/**
 * @param step the failed step the decision is for (its name, for example "DISCOVERY"); guards
 *     against a decision meant for one failure being applied to another
 * @param gate the ID of the gate this answers, as the status shows it while the run waits; null in
 *     signals recorded before gates had IDs
 */
public record StepDecision(Step step, Decision decision, String by, String reason, String gate) {}

package org.gloomeshupgrade.workflow;

/**
 * @param step the failed step the decision is for (its name, for example "DISCOVERY"); guards against
 *     a decision meant for one failure being applied to another
 */
public record StepDecision(Step step, Decision decision, String by, String reason) {}

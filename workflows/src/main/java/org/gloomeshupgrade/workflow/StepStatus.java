package org.gloomeshupgrade.workflow;

/**
 * @param startedAt ISO-8601 workflow time, "" before the step started
 * @param finishedAt ISO-8601 workflow time, "" until it ends
 * @param detail what happened, one line a person can read
 * @param attempts how many times a person had the step run (1 unless retried after a failure)
 */
public record StepStatus(
    Step step,
    StepState state,
    String startedAt,
    String finishedAt,
    long elapsedMillis,
    String detail,
    int attempts) {}

package org.gloomeshupgrade.workflow;

/**
 * One cluster's re-registration in step 7.
 *
 * @param context the kubeconfig context the cluster is reached by
 * @param runs how many times the worker ran its registration (each run has its own retries); 0
 *     while pending
 * @param detail what was created and updated, or why it failed, or who skipped it and why
 */
public record ClusterRegistration(
    String cluster, String context, State state, int runs, String detail) {
  public enum State {
    PENDING,
    RUNNING,
    REGISTERED,
    FAILED,
    SKIPPED
  }
}

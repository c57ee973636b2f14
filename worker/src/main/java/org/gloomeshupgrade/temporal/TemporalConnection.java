package org.gloomeshupgrade.temporal;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;

/**
 * A resolved connection to Temporal.
 *
 * @param describe what a log line may say of it: the address, namespace, TLS and whether an API key
 *     is used, never the key
 */
public record TemporalConnection(
    WorkflowServiceStubsOptions stubsOptions, String address, String namespace, String describe) {

  /** Plain text to an address, with nothing read from the environment or a profile file. */
  public static TemporalConnection plain(String address, String namespace) {
    return new TemporalConnection(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(),
        address,
        namespace,
        "%s namespace %s, plain text".formatted(address, namespace));
  }

  @Override
  public String toString() {
    return describe;
  }
}

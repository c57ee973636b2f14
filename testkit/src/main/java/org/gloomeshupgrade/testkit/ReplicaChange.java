package org.gloomeshupgrade.testkit;

import java.time.Instant;

/**
 * A request that set a deployment's {@code spec.replicas}, found in a {@link RequestJournal}.
 *
 * @param sequence the request's {@link RecordedCall#sequence()}
 * @param method PUT or PATCH
 * @param path the request path, ending in the deployment name or {@code /scale}
 * @param replicas the replica count the request asked for
 * @param responseCode what the server answered (an injected fault or a conflict means it did not
 *     happen)
 * @param time when the request arrived
 */
public record ReplicaChange(
    long sequence, String method, String path, int replicas, int responseCode, Instant time) {

  /** True when the server accepted the change. */
  public boolean succeeded() {
    return responseCode >= 200 && responseCode < 300;
  }
}

package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Supplier;

/**
 * Runs a read-modify-write again when the API server answers 409 Conflict: on a real cluster
 * controllers write the status of Deployments and CRDs all the time, so the copy read a moment ago
 * is often stale by the write.
 */
public final class ConflictRetry {
  static final int ATTEMPTS = 5;

  private ConflictRetry() {}

  /** {@code readModifyWrite} must read the object afresh each time it runs. */
  public static <T> T onConflict(Supplier<T> readModifyWrite) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readModifyWrite.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}

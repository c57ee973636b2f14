package org.gloomeshupgrade.testkit;

import java.time.Instant;

/**
 * A pod of a deployment that a simulated API server created, found in a {@link RequestJournal}.
 *
 * @param sequence the request's {@link RecordedCall#sequence()}, comparable with the sequences of
 *     the run's own requests
 * @param namespace the pod's namespace
 * @param name the pod's name
 * @param replicaSet the ReplicaSet that controls it, named after the deployment and its pod
 *     template
 * @param createdBy the user that created it on a real API server (the ReplicaSet controller's
 *     service account), the User-Agent on the mock
 * @param time when the request arrived
 */
public record PodCreation(
    long sequence,
    String namespace,
    String name,
    String replicaSet,
    String createdBy,
    Instant time) {

  /**
   * True when {@code replicaSet} is one the Deployment controller made for {@code deployment}: its
   * name, a dash and a pod-template hash (letters and digits only).
   */
  static boolean ownedBy(String replicaSet, String deployment) {
    String prefix = deployment + "-";
    return replicaSet.startsWith(prefix)
        && replicaSet.length() > prefix.length()
        && replicaSet.substring(prefix.length()).chars().allMatch(Character::isLetterOrDigit);
  }
}

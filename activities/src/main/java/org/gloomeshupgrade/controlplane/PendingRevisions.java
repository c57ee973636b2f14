package org.gloomeshupgrade.controlplane;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attempt of the control-plane step that died inside Helm ({@code helm upgrade}, or meshctl,
 * which runs Helm) leaves its revision {@code pending-upgrade}, and Helm refuses every later
 * operation on the release. A pending revision made during this run, newer than the revision the
 * tooling step found, is that attempt's: its record is removed, so the release is back at the
 * revision before it, and the retry upgrades again over whatever the attempt had written. A pending
 * revision from before the run is someone else's operation and is left alone: Helm then refuses,
 * and the step says so.
 */
final class PendingRevisions {
  private static final Logger log = LoggerFactory.getLogger(PendingRevisions.class);

  private PendingRevisions() {}

  /**
   * @param revisionBeforeRun the release's revision the tooling step found; 0 when unknown, and
   *     then nothing is removed
   */
  static void recover(
      KubernetesClient client,
      String context,
      String namespace,
      String release,
      int revisionBeforeRun) {
    String id = namespace + "/" + release;
    HelmReleaseStorage.latest(client, context, namespace, release)
        .filter(HelmReleaseStorage.Revision::pending)
        .filter(r -> revisionBeforeRun > 0 && r.revision() > revisionBeforeRun)
        .ifPresent(
            pending -> {
              KubernetesFailures.call(
                  "removing the record of pending revision %d of Helm release %s"
                      .formatted(pending.revision(), id),
                  context,
                  () ->
                      client
                          .secrets()
                          .inNamespace(namespace)
                          .withName(pending.secretName())
                          .delete());
              log.warn(
                  "control-plane: cluster={} release={} revision {} was left {} by an earlier"
                      + " attempt of this run: its record removed, upgrading again from revision {}",
                  context,
                  id,
                  pending.revision(),
                  pending.status(),
                  revisionBeforeRun);
            });
  }
}

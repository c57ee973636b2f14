package org.gloomeshupgrade.deployments;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Optional;
import org.gloomeshupgrade.kube.KubernetesFailures;

/**
 * The replica count a deployment had before a run scaled it to 0, kept on the deployment itself: a
 * run that ends without scaling it back (aborted, rejected, timed out, terminated) leaves it, so
 * the next run brings the deployment back to that count instead of to the 0 it finds.
 */
public final class ReplicasBeforeUpgrade {
  public static final String ANNOTATION = "gloo-mesh-upgrade.io/replicas-before-upgrade";

  private ReplicasBeforeUpgrade() {}

  /** The count an earlier run recorded, if the deployment carries a valid one. */
  public static Optional<Integer> recorded(Deployment d) {
    Map<String, String> annotations = d.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(ANNOTATION);
    try {
      int replicas = value == null ? 0 : Integer.parseInt(value.trim());
      return replicas > 0 ? Optional.of(replicas) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static void record(
      KubernetesClient client, String context, String ns, String name, int replicas) {
    patch(
        client,
        context,
        ns,
        name,
        "recording",
        PatchType.JSON_MERGE,
        "{\"metadata\":{\"annotations\":{\"%s\":\"%d\"}}}".formatted(ANNOTATION, replicas));
  }

  /** A JSON patch's remove: unlike a merge patch's null, every server removes the key with it. */
  static void clear(KubernetesClient client, String context, String ns, String name) {
    patch(
        client,
        context,
        ns,
        name,
        "clearing",
        PatchType.JSON,
        "[{\"op\":\"remove\",\"path\":\"/metadata/annotations/%s\"}]"
            .formatted(ANNOTATION.replace("~", "~0").replace("/", "~1")));
  }

  private static void patch(
      KubernetesClient client,
      String context,
      String ns,
      String name,
      String what,
      PatchType type,
      String body) {
    KubernetesFailures.call(
        "%s the replica count before the upgrade on deployment %s/%s".formatted(what, ns, name),
        context,
        () ->
            client
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName(name)
                .patch(PatchContext.of(type), body));
  }
}

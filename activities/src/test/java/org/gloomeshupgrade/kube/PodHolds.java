package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Pod holds as a step that died would leave them. */
public final class PodHolds {
  private PodHolds() {}

  /** Creates the hold's quota in the namespace with a pod limit and no status. */
  public static void leftBehind(KubernetesClient client, String namespace, int pods) {
    client
        .resourceQuotas()
        .inNamespace(namespace)
        .resource(
            new ResourceQuotaBuilder()
                .withNewMetadata()
                .withName(PodCreationHold.NAME)
                .endMetadata()
                .withNewSpec()
                .addToHard("pods", new Quantity(Integer.toString(pods)))
                .endSpec()
                .build())
        .create();
  }
}

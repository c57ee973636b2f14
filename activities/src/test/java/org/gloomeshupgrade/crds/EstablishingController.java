package org.gloomeshupgrade.crds;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the API server's part the CRUD mock lacks: marks CRDs Established a moment after they are
 * written, through the v1 or the v1beta1 API.
 */
final class EstablishingController implements AutoCloseable {
  private final KubernetesClient client;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "establishing-controller");
            t.setDaemon(true);
            return t;
          });

  EstablishingController(KubernetesClient client) {
    this.client = client;
    executor.scheduleWithFixedDelay(this::reconcile, 20, 20, TimeUnit.MILLISECONDS);
  }

  private void reconcile() {
    try {
      for (CustomResourceDefinition crd :
          client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
        boolean established =
            crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                    .anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!established) {
          crd.setStatus(
              new CustomResourceDefinitionStatusBuilder()
                  .addToConditions(
                      new CustomResourceDefinitionConditionBuilder()
                          .withType("NamesAccepted")
                          .withStatus("True")
                          .build())
                  .addToConditions(
                      new CustomResourceDefinitionConditionBuilder()
                          .withType("Established")
                          .withStatus("True")
                          .build())
                  .build());
          client.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
        }
      }
      for (var crd :
          client.apiextensions().v1beta1().customResourceDefinitions().list().getItems()) {
        boolean established =
            crd.getStatus() != null
                && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                    .anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!established) {
          crd.setStatus(
              new io.fabric8.kubernetes.api.model.apiextensions.v1beta1
                      .CustomResourceDefinitionStatusBuilder()
                  .addNewCondition()
                  .withType("Established")
                  .withStatus("True")
                  .endCondition()
                  .build());
          client.apiextensions().v1beta1().customResourceDefinitions().resource(crd).updateStatus();
        }
      }
    } catch (RuntimeException raceWithTheActivity) {
      // A write in between changed the resourceVersion: the next round sees the new object.
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

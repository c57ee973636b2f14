package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports the kinds the installed CRDs serve. On the mock it also plays the API server's CRD
 * controller: a CRD written without {@code Established=True} gets it, so clients that wait for
 * establishment go on.
 *
 * <p>The mock keeps v1 and v1beta1 CRDs apart (a v1beta1 CRD is not listed under v1), so both are
 * read.
 */
final class CrdController {

  private final boolean realApiServer;

  /**
   * @param realApiServer true where a real API server establishes CRDs and serves no v1beta1: then
   *     only report kinds
   */
  CrdController(boolean realApiServer) {
    this.realApiServer = realApiServer;
  }

  List<InstalledKind> reconcile(KubernetesClient client) {
    Map<String, InstalledKind> kinds = new LinkedHashMap<>();
    for (CustomResourceDefinition crd :
        client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (realApiServer) {
        if (established(crd.getStatus() == null ? null : crd.getStatus().getConditions())) {
          InstalledKind.of(crd).ifPresent(k -> kinds.put(k.crdName(), k));
        }
        continue;
      }
      if (!established(crd.getStatus() == null ? null : crd.getStatus().getConditions())) {
        crd.setStatus(establishedStatus(crd));
        client.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
      }
      InstalledKind.of(crd).ifPresent(k -> kinds.put(k.crdName(), k));
    }
    if (realApiServer) {
      return new ArrayList<>(kinds.values());
    }
    for (var crd : client.apiextensions().v1beta1().customResourceDefinitions().list().getItems()) {
      var status = crd.getStatus();
      boolean ok =
          status != null
              && status.getConditions() != null
              && status.getConditions().stream()
                  .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!ok) {
        crd.setStatus(establishedStatus(crd));
        client.apiextensions().v1beta1().customResourceDefinitions().resource(crd).updateStatus();
      }
      InstalledKind.of(crd).ifPresent(k -> kinds.putIfAbsent(k.crdName(), k));
    }
    return new ArrayList<>(kinds.values());
  }

  static boolean established(List<CustomResourceDefinitionCondition> conditions) {
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static CustomResourceDefinitionStatus establishedStatus(CustomResourceDefinition crd) {
    String now = Instant.now().toString();
    List<String> stored = new ArrayList<>();
    if (crd.getSpec() != null && crd.getSpec().getVersions() != null) {
      crd.getSpec().getVersions().stream()
          .filter(v -> Boolean.TRUE.equals(v.getStorage()))
          .map(CustomResourceDefinitionVersion::getName)
          .forEach(stored::add);
    }
    if (stored.isEmpty()
        && crd.getSpec() != null
        && crd.getSpec().getVersions() != null
        && !crd.getSpec().getVersions().isEmpty()) {
      stored.add(crd.getSpec().getVersions().get(0).getName());
    }
    return new CustomResourceDefinitionStatusBuilder()
        .withAcceptedNames(crd.getSpec() == null ? null : crd.getSpec().getNames())
        .withStoredVersions(stored)
        .withConditions(
            new CustomResourceDefinitionConditionBuilder()
                .withType("NamesAccepted")
                .withStatus("True")
                .withReason("NoConflicts")
                .withMessage("no conflicts found")
                .withLastTransitionTime(now)
                .build(),
            new CustomResourceDefinitionConditionBuilder()
                .withType("Established")
                .withStatus("True")
                .withReason("InitialNamesAccepted")
                .withMessage("the initial names have been accepted")
                .withLastTransitionTime(now)
                .build())
        .build();
  }

  static io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinitionStatus
      establishedStatus(
          io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition crd) {
    String now = Instant.now().toString();
    var spec = crd.getSpec();
    List<String> stored = new ArrayList<>();
    if (spec != null && spec.getVersions() != null) {
      spec.getVersions().stream()
          .filter(v -> Boolean.TRUE.equals(v.getStorage()))
          .forEach(v -> stored.add(v.getName()));
    }
    if (stored.isEmpty() && spec != null && spec.getVersion() != null) {
      stored.add(spec.getVersion());
    }
    return new io.fabric8.kubernetes.api.model.apiextensions.v1beta1
            .CustomResourceDefinitionStatusBuilder()
        .withAcceptedNames(spec == null ? null : spec.getNames())
        .withStoredVersions(stored)
        .addNewCondition()
        .withType("NamesAccepted")
        .withStatus("True")
        .withReason("NoConflicts")
        .withMessage("no conflicts found")
        .withLastTransitionTime(now)
        .endCondition()
        .addNewCondition()
        .withType("Established")
        .withStatus("True")
        .withReason("InitialNamesAccepted")
        .withMessage("the initial names have been accepted")
        .withLastTransitionTime(now)
        .endCondition()
        .build();
  }
}

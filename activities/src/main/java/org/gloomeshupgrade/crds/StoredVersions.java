package org.gloomeshupgrade.crds;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * Refuses, before anything changes, a CRD set that drops a version the API server still stores
 * objects in (a live CRD's {@code status.storedVersions}): the API server would refuse the CRD
 * update in step 4, after discovery was deleted.
 */
final class StoredVersions {

  private StoredVersions() {}

  static void requireKept(KubernetesClient client, String context, CrdSource.Loaded loaded) {
    List<String> dropped = new ArrayList<>();
    for (CrdSource.Crd crd : loaded.crds()) {
      CustomResourceDefinition live =
          KubernetesFailures.call(
              "reading CRD " + crd.name(),
              context,
              () ->
                  client
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(crd.name())
                      .get());
      if (live == null
          || live.getStatus() == null
          || live.getStatus().getStoredVersions() == null) {
        continue;
      }
      Set<String> kept = versions(crd.manifest());
      for (String stored : live.getStatus().getStoredVersions()) {
        if (!kept.contains(stored)) {
          dropped.add("%s drops %s (it has %s)".formatted(crd.name(), stored, kept));
        }
      }
    }
    if (!dropped.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          """
          the new CRDs drop versions the API server of %s still stores objects in: %s. \
          Nothing was changed. Migrate the stored objects to a version the new CRD keeps \
          (read and write each object back), remove the old version from the CRD's \
          status.storedVersions, then start the upgrade again."""
              .formatted(context, String.join("; ", dropped)),
          FailureTypes.CRD_SOURCE);
    }
  }

  /** The versions a CRD manifest serves: spec.versions[].name, and a v1beta1 spec.version. */
  static Set<String> versions(JsonNode manifest) {
    Set<String> versions = new LinkedHashSet<>();
    for (JsonNode version : manifest.path("spec").path("versions")) {
      versions.add(version.path("name").asText());
    }
    String single = manifest.path("spec").path("version").asText("");
    if (!single.isEmpty()) {
      versions.add(single);
    }
    return versions;
  }
}

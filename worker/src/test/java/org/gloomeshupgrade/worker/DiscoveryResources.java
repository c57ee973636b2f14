package org.gloomeshupgrade.worker;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.gloomeshupgrade.mesh.GlooMeshGroups;

/**
 * The discovery group, which an upgrade deletes and discovery writes anew: only how many there are
 * is compared (the rest of Gloo Mesh is compared field by field, with the test kit's
 * ConfigurationSnapshot).
 */
final class DiscoveryResources {
  private DiscoveryResources() {}

  static int count(KubernetesClient client) {
    int n = 0;
    for (CustomResourceDefinition crd :
        client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (!GlooMeshGroups.DISCOVERY.equals(crd.getSpec().getGroup())) {
        continue;
      }
      String version =
          crd.getSpec().getVersions().stream()
              .filter(CustomResourceDefinitionVersion::getStorage)
              .findFirst()
              .orElseThrow()
              .getName();
      ResourceDefinitionContext ctx =
          new ResourceDefinitionContext.Builder()
              .withGroup(crd.getSpec().getGroup())
              .withVersion(version)
              .withKind(crd.getSpec().getNames().getKind())
              .withPlural(crd.getSpec().getNames().getPlural())
              .withNamespaced(true)
              .build();
      n += client.genericKubernetesResources(ctx).inAnyNamespace().list().getItems().size();
    }
    return n;
  }
}

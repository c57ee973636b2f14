package org.gloomeshupgrade.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.TreeMap;
import org.gloomeshupgrade.mesh.GlooMeshGroups;

/** Every Gloo Mesh resource outside the discovery group: spec, labels and annotations, by identity. */
final class MeshSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MeshSnapshot() {}

  static Map<String, JsonNode> userResources(KubernetesClient client) {
    Map<String, JsonNode> result = new TreeMap<>();
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      String group = crd.getSpec().getGroup();
      if (!GlooMeshGroups.isGlooMeshGroup(group) || GlooMeshGroups.DISCOVERY.equals(group)) {
        continue;
      }
      String version = crd.getSpec().getVersions().stream().filter(CustomResourceDefinitionVersion::getStorage)
          .findFirst().orElseThrow().getName();
      ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
          .withKind(crd.getSpec().getNames().getKind()).withPlural(crd.getSpec().getNames().getPlural())
          .withNamespaced(true).build();
      for (GenericKubernetesResource r : client.genericKubernetesResources(ctx).inAnyNamespace().list().getItems()) {
        ObjectNode kept = JSON.createObjectNode();
        kept.set("spec", JSON.valueToTree(r.getAdditionalProperties().get("spec")));
        kept.set("labels", JSON.valueToTree(r.getMetadata().getLabels()));
        kept.set("annotations", JSON.valueToTree(r.getMetadata().getAnnotations()));
        result.put(group + "/" + r.getKind() + " " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
            kept);
      }
    }
    return result;
  }

  static int discoveryCount(KubernetesClient client) {
    int n = 0;
    for (CustomResourceDefinition crd : client.apiextensions().v1().customResourceDefinitions().list().getItems()) {
      if (!GlooMeshGroups.DISCOVERY.equals(crd.getSpec().getGroup())) {
        continue;
      }
      String version = crd.getSpec().getVersions().stream().filter(CustomResourceDefinitionVersion::getStorage)
          .findFirst().orElseThrow().getName();
      ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder().withGroup(crd.getSpec().getGroup())
          .withVersion(version).withKind(crd.getSpec().getNames().getKind())
          .withPlural(crd.getSpec().getNames().getPlural()).withNamespaced(true).build();
      n += client.genericKubernetesResources(ctx).inAnyNamespace().list().getItems().size();
    }
    return n;
  }
}

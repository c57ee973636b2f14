package org.gloomeshupgrade.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.mesh.GlooMeshGroups;

/** Gloo Mesh CRDs and resources in a mock API server, shaped like the 0.11 ones. */
public final class MeshFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;

  public MeshFixtures(KubernetesClient client) {
    this.client = client;
  }

  public static String plural(String kind) {
    String lower = kind.toLowerCase();
    if (lower.endsWith("y")) {
      return lower.substring(0, lower.length() - 1) + "ies";
    }
    if (lower.endsWith("h") || lower.endsWith("s")) {
      return lower.equals("settings") ? lower : lower + "es";
    }
    return lower + "s";
  }

  public CustomResourceDefinition crd(String group, String kind, String version) {
    return crd(group, kind, version, null, null);
  }

  /**
   * @param schema openAPIV3Schema as JSON, or null for none
   * @param versionAnnotation value of the CRD version annotation, or null for none
   */
  public CustomResourceDefinition crd(
      String group, String kind, String version, String schema, String versionAnnotation) {
    String plural = plural(kind);
    CustomResourceDefinitionBuilder b =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName(plural + "." + group)
            .endMetadata()
            .withNewSpec()
            .withGroup(group)
            .withScope("Namespaced")
            .withNewNames()
            .withKind(kind)
            .withPlural(plural)
            .withSingular(kind.toLowerCase())
            .withListKind(kind + "List")
            .endNames()
            .addNewVersion()
            .withName(version)
            .withServed(true)
            .withStorage(true)
            .withNewSubresources()
            .withNewStatus()
            .endStatus()
            .endSubresources()
            .endVersion()
            .endSpec();
    CustomResourceDefinition crd = b.build();
    if (versionAnnotation != null) {
      crd.getMetadata()
          .setAnnotations(Map.of(GlooMeshGroups.CRD_VERSION_ANNOTATION, versionAnnotation));
    }
    if (schema != null) {
      try {
        crd.getSpec()
            .getVersions()
            .get(0)
            .setSchema(
                new io.fabric8.kubernetes.api.model.apiextensions.v1
                        .CustomResourceValidationBuilder()
                    .withOpenAPIV3Schema(JSON.readValue(schema, JSONSchemaProps.class))
                    .build());
      } catch (Exception e) {
        throw new IllegalArgumentException(e);
      }
    }
    return client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
  }

  /** The 0.11 CRDs of every Gloo Mesh group, without schemas. */
  public void glooMesh011Crds(String annotation) {
    crd(GlooMeshGroups.DISCOVERY, "Mesh", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.DISCOVERY, "TrafficTarget", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.DISCOVERY, "Workload", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.NETWORKING, "TrafficPolicy", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.NETWORKING, "AccessPolicy", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.NETWORKING, "VirtualMesh", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.NETWORKING, "FailoverService", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.SETTINGS, "Settings", "v1alpha2", null, annotation);
    crd(GlooMeshGroups.MULTICLUSTER, "KubernetesCluster", "v1alpha1", null, annotation);
  }

  public static ResourceDefinitionContext context(String group, String version, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(plural(kind))
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }

  public GenericKubernetesResource resource(
      String group,
      String version,
      String kind,
      String namespace,
      String name,
      Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(group + "/" + version)
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .endMetadata()
            .build();
    if (spec != null) {
      r.setAdditionalProperty("spec", spec);
    }
    return client.genericKubernetesResources(context(group, version, kind)).resource(r).create();
  }

  /** Sets status the way the networking controller does. */
  public GenericKubernetesResource status(
      GenericKubernetesResource r, String state, Long observedGeneration, List<String> errors) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("state", state);
    if (observedGeneration != null) {
      status.put("observedGeneration", observedGeneration);
    }
    if (errors != null) {
      status.put("errors", errors);
    }
    r.setAdditionalProperty("status", status);
    String[] gv = r.getApiVersion().split("/");
    return client
        .genericKubernetesResources(context(gv[0], gv[1], r.getKind()))
        .resource(r)
        .updateStatus();
  }

  /**
   * Sets status as networking does on kinds without a state field: the generation it saw and any
   * error.
   */
  public GenericKubernetesResource observed(
      GenericKubernetesResource r, long observedGeneration, String error) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("observedGeneration", observedGeneration);
    if (error != null) {
      status.put("error", error);
    }
    r.setAdditionalProperty("status", status);
    String[] gv = r.getApiVersion().split("/");
    return client
        .genericKubernetesResources(context(gv[0], gv[1], r.getKind()))
        .resource(r)
        .updateStatus();
  }

  public List<GenericKubernetesResource> list(String group, String version, String kind) {
    return client
        .genericKubernetesResources(context(group, version, kind))
        .inAnyNamespace()
        .list()
        .getItems();
  }
}

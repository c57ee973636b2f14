package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A kind as a CRD installed in a simulated cluster serves it, which after an upgrade may differ
 * from the seeded one.
 */
record InstalledKind(
    String crdName,
    String group,
    String version,
    String kind,
    String plural,
    boolean namespaced,
    boolean statusSubresource,
    boolean statusHasState) {

  String apiVersion() {
    return group + "/" + version;
  }

  ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }

  static InstalledKind of(SimulatedKind kind) {
    return new InstalledKind(
        kind.crdName(),
        kind.group(),
        kind.version(),
        kind.kind(),
        kind.plural(),
        kind.namespaced(),
        true,
        declaresState(Json.KUBE.convertValue(kind.schema(), JSONSchemaProps.class)));
  }

  /**
   * Whether the status schema has a {@code state} field. Most Gloo Mesh kinds report ACCEPTED
   * there; some (WasmDeployment) have none, and a real API server prunes a state written to them.
   * Without a schema anything is kept, as on a server that does not prune.
   */
  static boolean declaresState(JSONSchemaProps schema) {
    if (schema == null || schema.getProperties() == null || schema.getProperties().isEmpty()) {
      return true;
    }
    JSONSchemaProps status = schema.getProperties().get("status");
    if (status == null) {
      return false;
    }
    return Boolean.TRUE.equals(status.getXKubernetesPreserveUnknownFields())
        || (status.getProperties() != null && status.getProperties().containsKey("state"));
  }

  private static boolean declaresStateV1beta1(
      io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceValidation validation) {
    if (validation == null || validation.getOpenAPIV3Schema() == null) {
      return true;
    }
    return declaresState(
        Json.KUBE.convertValue(validation.getOpenAPIV3Schema(), JSONSchemaProps.class));
  }

  static Optional<InstalledKind> of(CustomResourceDefinition crd) {
    if (crd.getSpec() == null
        || crd.getSpec().getNames() == null
        || crd.getSpec().getVersions() == null) {
      return Optional.empty();
    }
    // The storage version when it is served, else any served one: what a client would read.
    Optional<CustomResourceDefinitionVersion> served =
        crd.getSpec().getVersions().stream()
            .filter(v -> Boolean.TRUE.equals(v.getServed()))
            .min(Comparator.comparing(v -> Boolean.TRUE.equals(v.getStorage()) ? 0 : 1));
    return served.map(
        v ->
            new InstalledKind(
                crd.getMetadata().getName(),
                crd.getSpec().getGroup(),
                v.getName(),
                crd.getSpec().getNames().getKind(),
                crd.getSpec().getNames().getPlural(),
                !"Cluster".equals(crd.getSpec().getScope()),
                v.getSubresources() != null && v.getSubresources().getStatus() != null,
                declaresState(v.getSchema() == null ? null : v.getSchema().getOpenAPIV3Schema())));
  }

  static Optional<InstalledKind> of(
      io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    if (spec == null || spec.getNames() == null) {
      return Optional.empty();
    }
    String version = spec.getVersion();
    List<io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinitionVersion>
        versions = spec.getVersions();
    if (versions != null && !versions.isEmpty()) {
      version =
          versions.stream()
              .filter(v -> Boolean.TRUE.equals(v.getServed()))
              .min(Comparator.comparing(v -> Boolean.TRUE.equals(v.getStorage()) ? 0 : 1))
              .map(
                  io.fabric8.kubernetes.api.model.apiextensions.v1beta1
                          .CustomResourceDefinitionVersion
                      ::getName)
              .orElse(version);
    }
    if (version == null) {
      return Optional.empty();
    }
    boolean status = spec.getSubresources() != null && spec.getSubresources().getStatus() != null;
    return Optional.of(
        new InstalledKind(
            crd.getMetadata().getName(),
            spec.getGroup(),
            version,
            spec.getNames().getKind(),
            spec.getNames().getPlural(),
            !"Cluster".equals(spec.getScope()),
            status,
            declaresStateV1beta1(spec.getValidation())));
  }
}

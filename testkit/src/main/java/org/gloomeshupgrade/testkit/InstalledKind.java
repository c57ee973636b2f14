package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** A kind as a CRD installed in a simulated cluster serves it, which after an upgrade may differ from the seeded one. */
record InstalledKind(String crdName, String group, String version, String kind, String plural, boolean namespaced,
    boolean statusSubresource) {

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
    return new InstalledKind(kind.crdName(), kind.group(), kind.version(), kind.kind(), kind.plural(),
        kind.namespaced(), true);
  }

  static Optional<InstalledKind> of(CustomResourceDefinition crd) {
    if (crd.getSpec() == null || crd.getSpec().getNames() == null || crd.getSpec().getVersions() == null) {
      return Optional.empty();
    }
    // The storage version when it is served, else any served one: what a client would read.
    Optional<CustomResourceDefinitionVersion> served = crd.getSpec().getVersions().stream()
        .filter(v -> Boolean.TRUE.equals(v.getServed()))
        .min(Comparator.comparing(v -> Boolean.TRUE.equals(v.getStorage()) ? 0 : 1));
    return served.map(v -> new InstalledKind(crd.getMetadata().getName(), crd.getSpec().getGroup(), v.getName(),
        crd.getSpec().getNames().getKind(), crd.getSpec().getNames().getPlural(),
        !"Cluster".equals(crd.getSpec().getScope()),
        v.getSubresources() != null && v.getSubresources().getStatus() != null));
  }

  static Optional<InstalledKind> of(io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    if (spec == null || spec.getNames() == null) {
      return Optional.empty();
    }
    String version = spec.getVersion();
    List<io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinitionVersion> versions =
        spec.getVersions();
    if (versions != null && !versions.isEmpty()) {
      version = versions.stream()
          .filter(v -> Boolean.TRUE.equals(v.getServed()))
          .min(Comparator.comparing(v -> Boolean.TRUE.equals(v.getStorage()) ? 0 : 1))
          .map(io.fabric8.kubernetes.api.model.apiextensions.v1beta1.CustomResourceDefinitionVersion::getName)
          .orElse(version);
    }
    if (version == null) {
      return Optional.empty();
    }
    boolean status = spec.getSubresources() != null && spec.getSubresources().getStatus() != null;
    return Optional.of(new InstalledKind(crd.getMetadata().getName(), spec.getGroup(), version,
        spec.getNames().getKind(), spec.getNames().getPlural(), !"Cluster".equals(spec.getScope()), status));
  }
}

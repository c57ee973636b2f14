package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A kind as the cluster's CustomResourceDefinition describes it. Gloo Mesh's kinds change between
 * versions, so the activities read them from the installed CRDs instead of hard-coding them.
 *
 * @param version the version to read and write with: the storage version, else the first served one
 */
public record CrdKind(
    String group,
    String kind,
    String plural,
    String version,
    List<String> servedVersions,
    List<String> storedVersions,
    boolean namespaced,
    CustomResourceDefinition crd) {

  public static CrdKind of(CustomResourceDefinition crd) {
    var spec = crd.getSpec();
    List<String> served = new ArrayList<>();
    String storage = null;
    for (CustomResourceDefinitionVersion v : spec.getVersions()) {
      if (Boolean.TRUE.equals(v.getServed())) {
        served.add(v.getName());
      }
      if (Boolean.TRUE.equals(v.getStorage())) {
        storage = v.getName();
      }
    }
    String version =
        storage != null
            ? storage
            : served.isEmpty() ? spec.getVersions().get(0).getName() : served.get(0);
    List<String> stored =
        crd.getStatus() == null || crd.getStatus().getStoredVersions() == null
            ? List.of()
            : List.copyOf(crd.getStatus().getStoredVersions());
    return new CrdKind(
        spec.getGroup(),
        spec.getNames().getKind(),
        spec.getNames().getPlural(),
        version,
        List.copyOf(served),
        stored,
        !"Cluster".equals(spec.getScope()),
        crd);
  }

  public ResourceDefinitionContext context() {
    return context(version);
  }

  public ResourceDefinitionContext context(String apiVersion) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(apiVersion)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(namespaced)
        .build();
  }

  /**
   * The versions objects of this kind may exist at: those the cluster stored, then those the CRD
   * lists.
   */
  public List<String> knownVersions() {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add(version);
    all.addAll(storedVersions);
    crd.getSpec().getVersions().forEach(v -> all.add(v.getName()));
    return List.copyOf(all);
  }

  public Optional<CustomResourceDefinitionVersion> versionSpec(String name) {
    return crd.getSpec().getVersions().stream().filter(v -> v.getName().equals(name)).findFirst();
  }

  /** "Mesh (meshes.discovery.mesh.gloo.solo.io/v1alpha2)", for messages. */
  public String describe() {
    return kind + " (" + plural + "." + group + "/" + version + ")";
  }
}

package org.gloomeshupgrade.crds;

import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;

/**
 * The management-plane CRDs each Gloo Mesh version publishes: the one table the published file
 * names and the completeness check are both read from. Checked against the published CRDs of
 * 0.10.10, 0.11.3, 0.12.0 and 0.12.8.
 */
public final class ManagementCrds {
  /**
   * One published file: a group at one API version, its plurals, and the first Gloo Mesh version
   * that has it.
   */
  record GroupFile(String group, String apiVersion, Semver since, List<String> plurals) {
    String fileName() {
      return group + "_" + apiVersion + "_crds.yaml";
    }

    List<String> crdNames() {
      return plurals.stream().map(p -> p + "." + group).toList();
    }
  }

  private static final Semver FIRST_GLOO_MESH = Semver.of(0, 10, 0);

  /** The enterprise networking and rbac groups appear in 0.10.8. */
  private static final Semver ENTERPRISE_GROUPS_FROM = Semver.of(0, 10, 8);

  private static final Semver OBSERVABILITY_FROM = Semver.of(0, 12, 3);
  private static final Semver FIRST_V1 = Semver.of(1, 0, 0);
  private static final Semver FIRST_V2 = Semver.of(2, 0, 0);

  private static final List<GroupFile> ZERO_X =
      List.of(
          new GroupFile(
              GlooMeshGroups.DISCOVERY,
              "v1alpha2",
              FIRST_GLOO_MESH,
              List.of("meshes", "traffictargets", "workloads")),
          new GroupFile(
              GlooMeshGroups.MULTICLUSTER,
              "v1alpha1",
              FIRST_GLOO_MESH,
              List.of("kubernetesclusters")),
          new GroupFile(
              GlooMeshGroups.NETWORKING_ENTERPRISE,
              "v1alpha1",
              ENTERPRISE_GROUPS_FROM,
              List.of("wasmdeployments")),
          new GroupFile(
              GlooMeshGroups.NETWORKING,
              "v1alpha2",
              FIRST_GLOO_MESH,
              List.of("accesspolicies", "failoverservices", "trafficpolicies", "virtualmeshes")),
          new GroupFile(
              GlooMeshGroups.OBSERVABILITY_ENTERPRISE,
              "v1alpha1",
              OBSERVABILITY_FROM,
              List.of("accesslogrecords")),
          new GroupFile(
              GlooMeshGroups.RBAC_ENTERPRISE,
              "v1alpha1",
              ENTERPRISE_GROUPS_FROM,
              List.of("rolebindings", "roles")),
          new GroupFile(GlooMeshGroups.SETTINGS, "v1alpha2", FIRST_GLOO_MESH, List.of("settings")));

  private ManagementCrds() {}

  /** The published files of a 0.x version, in the order the repository lists them. */
  static List<GroupFile> files(Semver version) {
    if (version.isLowerThan(FIRST_GLOO_MESH) || version.isGreaterThanOrEqualTo(FIRST_V1)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the published CRD file names are known for Gloo Mesh 0.10.0 to 0.12.x, not for "
              + version.getVersion()
              + ": set crdSource to a local folder or chart holding that version's CRDs",
          FailureTypes.CRD_SOURCE);
    }
    return ZERO_X.stream()
        .filter(f -> version.isGreaterThanOrEqualTo(f.since()))
        .sorted(Comparator.comparing(GroupFile::fileName))
        .toList();
  }

  /**
   * Group to the CRD names a version must have. For 1.x only the groups are known (every group of
   * {@link GlooMeshGroups#ALL}); their kinds are not checked one by one.
   */
  public static Map<String, List<String>> expected(Semver version) {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    if (version.isGreaterThanOrEqualTo(FIRST_V1) && version.isLowerThan(FIRST_V2)) {
      GlooMeshGroups.ALL.forEach(group -> expected.put(group, List.of()));
      return expected;
    }
    for (GroupFile file : files(version)) {
      expected.put(file.group(), file.crdNames());
    }
    return expected;
  }

  /**
   * Refuses, before anything is applied, a CRD set that lacks a group or a CRD the target version
   * has: applying part of a version's CRDs leaves a control plane that watches kinds the cluster
   * does not serve.
   */
  public static void requireComplete(CrdSource.Loaded loaded, String targetVersion) {
    Semver target = Semver.parse(targetVersion);
    Map<String, List<String>> expected = expected(target);
    Set<String> names = loaded.crds().stream().map(CrdSource.Crd::name).collect(Collectors.toSet());
    Set<String> groups =
        loaded.crds().stream().map(CrdSource.Crd::group).collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    expected.forEach(
        (group, crds) -> {
          if (!groups.contains(group)) {
            missing.add(
                "group " + group + (crds.isEmpty() ? "" : " (" + String.join(", ", crds) + ")"));
            return;
          }
          crds.stream()
              .filter(crd -> !names.contains(crd))
              .map(crd -> "CRD " + crd)
              .forEach(missing::add);
        });
    if (!missing.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "CRD source "
              + loaded.source()
              + " is not the complete set of"
              + " Gloo Mesh "
              + target.getVersion()
              + ": it lacks "
              + String.join("; ", missing)
              + " (found "
              + new TreeSet<>(groups)
              + "). Nothing was applied. Point crdSource at the whole crds/ folder of the "
              + target.getVersion()
              + " chart.",
          FailureTypes.CRD_SOURCE);
    }
  }
}

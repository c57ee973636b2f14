package org.gloomeshupgrade.mesh;

import java.util.List;

/** Gloo Mesh API groups (0.10 to 0.12). */
public final class GlooMeshGroups {
  public static final String DISCOVERY = "discovery.mesh.gloo.solo.io";
  public static final String NETWORKING = "networking.mesh.gloo.solo.io";
  public static final String NETWORKING_ENTERPRISE = "networking.enterprise.mesh.gloo.solo.io";
  public static final String SETTINGS = "settings.mesh.gloo.solo.io";
  public static final String RBAC_ENTERPRISE = "rbac.enterprise.mesh.gloo.solo.io";
  public static final String MULTICLUSTER = "multicluster.solo.io";
  public static final String OBSERVABILITY_ENTERPRISE =
      "observability.enterprise.mesh.gloo.solo.io";

  /** Groups whose resources carry user configuration that an upgrade must keep. */
  public static final List<String> USER_CONFIGURATION =
      List.of(NETWORKING, NETWORKING_ENTERPRISE, SETTINGS, RBAC_ENTERPRISE);

  /** Groups whose resources report {@code status.state} and must end ACCEPTED. */
  public static final List<String> NETWORKING_STATUS = List.of(NETWORKING, NETWORKING_ENTERPRISE);

  /** Every Gloo Mesh management-plane group. */
  public static final List<String> ALL =
      List.of(
          DISCOVERY,
          NETWORKING,
          NETWORKING_ENTERPRISE,
          SETTINGS,
          RBAC_ENTERPRISE,
          MULTICLUSTER,
          OBSERVABILITY_ENTERPRISE);

  /**
   * Annotation the CRD step puts on each CRD it applies, so verify can tell which version is
   * installed.
   */
  public static final String CRD_VERSION_ANNOTATION = "gloo-mesh-upgrade.io/gloo-mesh-version";

  private GlooMeshGroups() {}

  public static boolean isGlooMeshGroup(String group) {
    return ALL.contains(group);
  }
}

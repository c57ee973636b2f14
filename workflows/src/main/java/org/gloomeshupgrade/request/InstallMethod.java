package org.gloomeshupgrade.request;

import java.util.Arrays;
import java.util.Optional;

/** How the control plane is upgraded in step 5. */
public enum InstallMethod {
  /** {@code helm upgrade} of the existing release (Helm 3, through helm-java). */
  HELM("helm"),
  /**
   * The chart rendered by Helm and applied through the Kubernetes API, keeping the deployments'
   * replica counts.
   */
  MANIFESTS("manifests"),
  /** {@code meshctl install --version <target>}. */
  MESHCTL("meshctl");

  private final String wireName;

  InstallMethod(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<InstallMethod> fromWireName(String name) {
    return Arrays.stream(values()).filter(m -> m.wireName.equalsIgnoreCase(name)).findFirst();
  }
}

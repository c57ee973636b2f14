package org.gloomeshupgrade.request;

import java.util.Arrays;
import java.util.Optional;

/** How step 7 re-registers each cluster. */
public enum RegistrationMethod {
  /**
   * Every object written through the Kubernetes API as an upsert, the agent charts through the Helm
   * interface.
   */
  NATIVE("native"),
  /** {@code meshctl cluster register} with the flags of the target's version line. */
  MESHCTL("meshctl");

  private final String wireName;

  RegistrationMethod(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<RegistrationMethod> fromWireName(String name) {
    return Arrays.stream(values()).filter(m -> m.wireName.equalsIgnoreCase(name)).findFirst();
  }
}

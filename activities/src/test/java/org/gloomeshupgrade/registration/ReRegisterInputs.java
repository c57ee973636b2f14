package org.gloomeshupgrade.registration;

/** ReRegisterInput values for tests. */
final class ReRegisterInputs {
  private ReRegisterInputs() {}

  /**
   * Native registration of the objects only, leaving the agent charts alone: an input as recorded
   * before the agent charts and meshctl registration, whose later fields decode as null.
   */
  static ReRegisterInput nativeObjectsOnly(
      String managementContext,
      String namespace,
      String cluster,
      String remoteContext,
      String remoteNamespace,
      String clusterDomain) {
    return new ReRegisterInput(
        managementContext,
        namespace,
        cluster,
        remoteContext,
        remoteNamespace,
        clusterDomain,
        null,
        null,
        null,
        null,
        null,
        null);
  }
}

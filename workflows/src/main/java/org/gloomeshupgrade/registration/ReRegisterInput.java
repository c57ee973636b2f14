package org.gloomeshupgrade.registration;

public record ReRegisterInput(
    String managementContext,
    String namespace,
    String cluster,
    String remoteContext,
    String remoteNamespace,
    String clusterDomain) {}

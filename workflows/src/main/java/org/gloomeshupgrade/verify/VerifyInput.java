package org.gloomeshupgrade.verify;

public record VerifyInput(String context, String namespace, String targetVersion) {}

package org.gloomeshupgrade.verify;

/**
 * @param hint what a person should look at when the check is not green; empty when green
 */
public record VerifyCheck(String name, CheckLevel level, String detail, String hint) {}

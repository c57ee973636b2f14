package org.gloomeshupgrade.workflow;

/** A person's approve or reject: who, and why. */
public record Approval(String by, String reason) {}

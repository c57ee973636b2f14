package org.gloomeshupgrade.fleet;

/** A person's approval of every plane's approval gate in one wave. */
public record WaveApproval(String wave, String by, String reason) {}

package org.gloomeshupgrade.verify;

/** Outcome of one check in a report. */
public enum CheckLevel {
  GREEN,
  YELLOW,
  RED
}

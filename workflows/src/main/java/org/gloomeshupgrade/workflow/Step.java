package org.gloomeshupgrade.workflow;

/** The runbook's steps, made safe (docs/runbook.md). */
public enum Step {
  PREFLIGHT(0, "preflight", false),
  TOOLING(1, "tooling", true),
  SCALE_DOWN(2, "scale down", false),
  DELETE_DISCOVERY(3, "delete discovery", true),
  CRDS(4, "CRDs", true),
  CONTROL_PLANE(5, "control plane", true),
  CONFORMANCE(6, "conformance", true),
  REREGISTER(7, "re-register", true),
  DISCOVERY(8, "discovery", true),
  APPROVAL(9, "approval", false),
  NETWORKING(10, "networking", true),
  VERIFY(11, "verify", true);

  private final int number;
  private final String title;
  private final boolean skippable;

  Step(int number, String title, boolean skippable) {
    this.number = number;
    this.title = title;
    this.skippable = skippable;
  }

  public int number() {
    return number;
  }

  public String title() {
    return title;
  }

  /** "step 7 (re-register)": how messages and logs name the step. */
  public String label() {
    return "step %d (%s)".formatted(number, title);
  }

  /**
   * Whether a person may skip this step after it failed: never for the steps that keep the mesh
   * safe.
   */
  public boolean skippable() {
    return skippable;
  }
}

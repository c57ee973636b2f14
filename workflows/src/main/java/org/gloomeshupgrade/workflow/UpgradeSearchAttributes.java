package org.gloomeshupgrade.workflow;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import java.util.Map;

/**
 * The search attributes a run keeps current, so that people can list upgrades by target, step and
 * state in the Temporal UI and CLI (for example {@code GlooMeshState = "NEEDS_ATTENTION"}). The
 * worker registers them at start-up when the namespace lacks them: an upsert of an unknown
 * attribute would fail the run's workflow task.
 */
public final class UpgradeSearchAttributes {
  public static final SearchAttributeKey<String> TARGET_VERSION =
      SearchAttributeKey.forKeyword("GlooMeshTargetVersion");
  public static final SearchAttributeKey<String> STEP =
      SearchAttributeKey.forKeyword("GlooMeshStep");
  public static final SearchAttributeKey<String> STATE =
      SearchAttributeKey.forKeyword("GlooMeshState");

  /**
   * True from the approval reminder until the approval is answered or times out: {@code
   * GlooMeshApprovalOverdue = true}.
   */
  public static final SearchAttributeKey<Boolean> APPROVAL_OVERDUE =
      SearchAttributeKey.forBoolean("GlooMeshApprovalOverdue");

  /** Name to type, for registering them. */
  public static final Map<String, IndexedValueType> ALL =
      Map.of(
          TARGET_VERSION.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          STEP.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          STATE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
          APPROVAL_OVERDUE.getName(), IndexedValueType.INDEXED_VALUE_TYPE_BOOL);

  private UpgradeSearchAttributes() {}
}

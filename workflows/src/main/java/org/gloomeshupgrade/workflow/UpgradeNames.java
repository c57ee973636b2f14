package org.gloomeshupgrade.workflow;

/**
 * The names people type: task queue, workflow type, signal, update and query names, workflow IDs.
 */
public final class UpgradeNames {
  public static final String TASK_QUEUE = "gloo-mesh-upgrade";
  public static final String WORKFLOW_TYPE = "GlooMeshUpgrade";
  public static final String RESTORE_WORKFLOW_TYPE = "GlooMeshRestore";
  public static final String BACKUP_LIST_WORKFLOW_TYPE = "GlooMeshBackupList";
  public static final String NOTIFY_TEST_WORKFLOW_TYPE = "GlooMeshNotifyTest";
  public static final String FLEET_WORKFLOW_TYPE = "GlooMeshFleetUpgrade";

  public static final String SIGNAL_APPROVE = "approve";
  public static final String SIGNAL_REJECT = "reject";
  public static final String SIGNAL_DECIDE = "decide";
  public static final String UPDATE_APPROVE = "approveNow";
  public static final String UPDATE_REJECT = "rejectNow";
  public static final String UPDATE_DECIDE = "decideNow";
  public static final String QUERY_STATUS = "status";

  /** What a child upgrade tells its fleet each time it starts, waits or needs a person. */
  public static final String SIGNAL_PLANE_CHANGED = "planeChanged";

  public static final String UPDATE_APPROVE_WAVE = "approveWave";
  public static final String UPDATE_CONTINUE_FLEET = "continueFleet";

  /** The memo key under which a fleet keeps the waves that have soaked, for a later resume. */
  public static final String MEMO_FLEET_PROGRESS = "fleetProgress";

  /**
   * The memo key under which a run keeps what a later run needs to carry it on ({@link
   * ResumePoint}).
   */
  public static final String MEMO_RESUME_POINT = "resumePoint";

  private static final String WORKFLOW_ID_PREFIX = "gloo-mesh-upgrade-";
  private static final String RESTORE_ID_PREFIX = "gloo-mesh-restore-";
  private static final String FLEET_ID_PREFIX = "gloo-mesh-fleet-";

  private UpgradeNames() {}

  /** A restore of an upgrade's backup; one at a time per backup. */
  public static String restoreWorkflowId(String backupId) {
    return RESTORE_ID_PREFIX + backupId;
  }

  /** True for the workflow IDs {@link #restoreWorkflowId} makes. */
  public static boolean isRestoreWorkflowId(String workflowId) {
    return workflowId.startsWith(RESTORE_ID_PREFIX);
  }

  /**
   * The backup of one upgrade run: its workflow ID and the ID of its first run, so a second upgrade
   * under the same workflow ID saves its own, and a retried run keeps its first run's.
   */
  public static String backupId(String workflowId, String firstRunId) {
    return workflowId + "@" + firstRunId;
  }

  /** A listing of one cluster's backups: what `gmu backups` starts. */
  public static String backupListWorkflowId(String managementContext, String unique) {
    return "gloo-mesh-backups-%s-%s".formatted(managementContext, unique);
  }

  /** A sample notification `gmu notify-test` asks the worker for. */
  public static String notifyTestWorkflowId(String unique) {
    return "gloo-mesh-notify-test-" + unique;
  }

  /** One upgrade per management cluster: the workflow ID is derived from its kubeconfig context. */
  public static String workflowId(String managementContext) {
    return WORKFLOW_ID_PREFIX + managementContext;
  }

  /** One fleet upgrade per fleet name. */
  public static String fleetWorkflowId(String fleetName) {
    return FLEET_ID_PREFIX + fleetName;
  }
}

package org.gloomeshupgrade.workflow;

import java.util.List;

/** Application failure types shared by activities and the workflow. */
public final class FailureTypes {
  public static final String INVALID_REQUEST = "InvalidRequest";
  public static final String VERSION_POLICY = "VersionPolicyRefused";
  public static final String UNKNOWN_CONTEXT = "UnknownKubeContext";
  public static final String MISSING_PERMISSIONS = "MissingPermissions";
  public static final String UNAUTHORIZED = "KubernetesUnauthorized";
  public static final String FORBIDDEN = "KubernetesForbidden";
  public static final String NOT_FOUND = "KubernetesNotFound";
  public static final String INVALID_OBJECT = "KubernetesInvalidObject";
  public static final String SERVER_ERROR = "KubernetesServerError";
  public static final String WAIT_TIMED_OUT = "WaitTimedOut";
  public static final String TOOLING = "ToolingUnavailable";
  public static final String CRD_SOURCE = "CrdSourceInvalid";

  /**
   * A chart, CRD source, agent chart location, values file or binary the worker's operator has not
   * trusted: refused in the tooling step, before any change.
   */
  public static final String UNTRUSTED_SOURCE = "UntrustedSource";

  public static final String CRD_SOURCE_UNREACHABLE = "CrdSourceUnreachable";
  public static final String CHART_REPOSITORY_UNREACHABLE = "ChartRepositoryUnreachable";
  public static final String HELM_UPGRADE_FAILED = "HelmUpgradeFailed";
  public static final String MESHCTL_INSTALL_FAILED = "MeshctlInstallFailed";

  /** meshctl cluster register ran and failed; retried like a failed install. */
  public static final String MESHCTL_REGISTER_FAILED = "MeshctlRegisterFailed";

  public static final String NOT_SETTLED = "NotSettled";
  public static final String VERIFY_FAILED = "VerifyFailed";
  public static final String NEEDS_ATTENTION_TIMEOUT = "NobodyDecided";
  public static final String APPROVAL_TIMEOUT = "ApprovalTimedOut";
  public static final String ABORTED = "AbortedByPerson";
  public static final String REJECTED = "RejectedByPerson";

  /** A rollback a person chose could not finish; the message says what is left to do by hand. */
  public static final String ROLLBACK_FAILED = "RollbackFailed";

  /**
   * A backup that is missing chunks or does not match its digest: restoring part of it would do
   * harm.
   */
  public static final String BACKUP_INVALID = "BackupInvalid";

  public static final String LIVE_EDIT_CONFLICT = "LiveEditConflict";

  /** A notification's destination did not answer, or answered 429 or 5xx: retried. */
  public static final String NOTIFICATION_UNDELIVERED = "NotificationUndelivered";

  /**
   * A notification's destination is not configured on this worker, or refused the message (4xx): no
   * retry helps.
   */
  public static final String NOTIFICATION_REFUSED = "NotificationRefused";

  /**
   * Errors no retry can fix: activities throw them as non-retryable, and retry policies list them.
   */
  public static final List<String> NON_RETRYABLE =
      List.of(
          INVALID_REQUEST,
          VERSION_POLICY,
          UNKNOWN_CONTEXT,
          MISSING_PERMISSIONS,
          UNAUTHORIZED,
          FORBIDDEN,
          NOT_FOUND,
          INVALID_OBJECT,
          TOOLING,
          CRD_SOURCE,
          UNTRUSTED_SOURCE,
          BACKUP_INVALID,
          LIVE_EDIT_CONFLICT,
          NOTIFICATION_REFUSED);

  private FailureTypes() {}
}

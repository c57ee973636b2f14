package org.gloomeshupgrade.request;

import java.time.Duration;
import java.util.List;

/** The one place for request defaults. */
public final class RequestDefaults {
  /** Empty: the worker's configured (or kubeconfig's current) context. */
  public static final String MANAGEMENT_CONTEXT = "";

  public static final String NAMESPACE = "gloo-mesh";
  public static final InstallMethod INSTALL_METHOD = InstallMethod.HELM;

  /**
   * Empty: the release is found from the cluster (the discovery deployment's Helm annotations, else
   * helm list).
   */
  public static final String HELM_RELEASE = "";

  /**
   * The release name the {@code manifests} method renders the chart with when none is given
   * (meshctl's name).
   */
  public static final String RENDERED_RELEASE = "gloo-mesh";

  public static final String CHART_REPOSITORY =
      "https://storage.googleapis.com/gloo-mesh/gloo-mesh";

  /** Empty: the target version's CRDs from the public repository paths the runbook names. */
  public static final String CRD_SOURCE = "";

  /** Empty: {@code meshctl} on the worker's PATH. */
  public static final String MESHCTL_PATH = "";

  public static final String REMOTE_NAMESPACE = "gloo-mesh";
  public static final RegistrationMethod REGISTRATION_METHOD = RegistrationMethod.NATIVE;

  /** How many clusters are re-registered at once. */
  public static final int REGISTRATION_CONCURRENCY = 5;

  /**
   * Empty: the agent charts {@code agent-crds} and {@code cert-agent} from the repositories beside
   * {@link #CHART_REPOSITORY} ({@code .../gloo-mesh/agent-crds}, {@code .../gloo-mesh/cert-agent}).
   * {@value #AGENT_CHARTS_NONE}: the agents are left as they are.
   */
  public static final String AGENT_CHARTS = "";

  public static final String AGENT_CHARTS_NONE = "none";
  public static final String CLUSTER_DOMAIN = "cluster.local";
  public static final String DISCOVERY_DEPLOYMENT = "discovery";
  public static final String NETWORKING_DEPLOYMENT = "networking";
  public static final Duration DISCOVERY_POLL_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DISCOVERY_SETTLE_WINDOW = Duration.ofMinutes(2);
  public static final Duration DISCOVERY_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration NETWORKING_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration SCALE_TIMEOUT = Duration.ofMinutes(5);
  public static final boolean REQUIRE_APPROVAL = true;
  public static final Duration APPROVAL_TIMEOUT = Duration.ofHours(24);

  /**
   * After this long waiting for approval, a reminder: a log line, the status and the UI's current
   * details.
   */
  public static final Duration APPROVAL_REMINDER = Duration.ofHours(1);

  /** Empty: anyone may approve. */
  public static final List<String> APPROVERS = List.of();

  /** Empty: not known, so the rule against approving one's own upgrade cannot apply. */
  public static final String REQUESTED_BY = "";

  public static final String NOTIFY_NOTE = "";

  /** Long enough for a channel and a few handles, short enough for a Slack context line. */
  public static final int NOTIFY_NOTE_MAX = 200;

  public static final boolean ALLOW_SELF_APPROVAL = false;
  public static final Duration ATTENTION_TIMEOUT = Duration.ofDays(3);
  public static final boolean ALLOW_DOWNGRADE = false;
  public static final boolean DRY_RUN = false;

  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_TIMEOUT = Duration.ofDays(30);
  static final int MAX_REGISTRATION_CONCURRENCY = 50;

  private RequestDefaults() {}
}

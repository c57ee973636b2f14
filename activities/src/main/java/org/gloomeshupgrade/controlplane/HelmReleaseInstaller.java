package org.gloomeshupgrade.controlplane;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code helm upgrade} of the existing Gloo Mesh release, through helm-java (Helm 3 in-process).
 */
public class HelmReleaseInstaller implements ControlPlaneInstaller {
  private static final Logger log = LoggerFactory.getLogger(HelmReleaseInstaller.class);

  /** Failure type when Helm ran and refused or failed the upgrade. */
  public static final String UPGRADE_FAILED = FailureTypes.HELM_UPGRADE_FAILED;

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final KubernetesClients clients;
  private final ChartResolver charts;
  private final HelmReleaseLocator releases;

  /** Applies the rendered objects as a server-side dry run, for the diff of a dry run. */
  private final RenderedManifestInstaller objects;

  public HelmReleaseInstaller(KubernetesClients clients, ChartResolver charts) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.charts = Objects.requireNonNull(charts, "charts");
    this.releases = new HelmReleaseLocator(clients);
    this.objects = new RenderedManifestInstaller(clients, charts);
  }

  @Override
  public ToolingReport resolveTooling(InstallSpec spec) {
    ChartResolver.ResolvedChart chart = charts.resolve(spec.chart(), spec.targetVersion());
    String helm = helmVersion();
    HelmReleaseLocator.Located release = releases.locate(spec);
    ChartPermissions.Checked permissions =
        HelmPermissions.check(
            clients, charts, spec.withRelease(release.name()), release.namespace());
    int revision = currentRevision(spec.context(), release);
    log.info(
        "control-plane: cluster={} method=helm release={} revision={} ({}) chart={} version={} resolved (helm {}),"
            + " {}",
        spec.context(),
        release.id(),
        revision,
        release.how(),
        chart.location(),
        chart.version(),
        helm,
        permissions.describe());
    return new ToolingReport(
        "helm",
        chart.location(),
        helm,
        "helm upgrade of release "
            + release.id()
            + " at revision "
            + revision
            + " ("
            + release.how()
            + ") to chart "
            + ChartResolver.CHART_NAME
            + " "
            + chart.version()
            + "; "
            + permissions.describe(),
        revision);
  }

  @Override
  public InstallOutcome upgrade(InstallSpec spec) {
    Upgraded upgraded = helmUpgrade(spec, DryRun.NONE);
    Release result = upgraded.release();
    int after = parseRevision(result.getRevision());
    OutputTail tail = new OutputTail();
    if (result.getOutput() != null) {
      result
          .getOutput()
          .lines()
          .forEach(
              line -> {
                log.info("helm: {}", line);
                tail.line(line);
              });
    }
    log.info(
        "control-plane: cluster={} method=helm release={} upgraded to {} (revision {} -> {}, status {})",
        spec.context(),
        upgraded.id(),
        upgraded.version(),
        upgraded.revisionBefore(),
        after,
        result.getStatus());
    return new InstallOutcome(
        upgraded.revisionBefore(), after, List.of(), tail.toString(), upgraded.id());
  }

  /**
   * {@code helm upgrade --dry-run=server}, then the diff: the chart rendered with the release's
   * values and the request's values files, each object sent to the API server as a dry-run create
   * or update, and the answer compared with the live object. Nothing is stored.
   */
  @Override
  public InstallOutcome dryRun(InstallSpec spec) {
    Upgraded upgraded = helmUpgrade(spec, DryRun.SERVER);
    log.info(
        "control-plane: cluster={} method=helm release={} dry run of {} accepted (revision stays {})",
        spec.context(),
        upgraded.id(),
        upgraded.version(),
        upgraded.revisionBefore());
    InstallOutcome diff = diff(spec.withRelease(upgraded.name()), upgraded);
    return new InstallOutcome(
        upgraded.revisionBefore(),
        upgraded.revisionBefore(),
        diff.applied(),
        "helm upgrade --dry-run=server of "
            + upgraded.id()
            + " to "
            + upgraded.version()
            + ": "
            + upgraded.release().getStatus()
            + "\n"
            + diff.output(),
        upgraded.id());
  }

  private InstallOutcome diff(InstallSpec spec, Upgraded upgraded) {
    String kubeconfig = kubeconfigFor(clients.kubeconfigFor(spec.context()), spec.context());
    String values =
        helm(
            "reading the values of release " + upgraded.id(),
            spec.context(),
            () ->
                Helm.get(upgraded.name())
                    .values()
                    .withNamespace(upgraded.namespace())
                    .withKubeConfigContents(kubeconfig)
                    .call());
    Path file = null;
    try {
      // The release's values may hold secrets: a file only
      // the worker's user can read, deleted right after.
      file =
          Files.createTempFile(
              "gmu-release-values-",
              ".yaml",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, userValues(values));
      return objects.apply(
          spec.withRelease(upgraded.name()),
          RenderedManifestInstaller.render(charts, spec, List.of(file)),
          true,
          "helm",
          false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the release's values to a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // The temporary folder's cleanup will take it.
        }
      }
    }
  }

  /**
   * {@code helm get values} prints a heading before the YAML; Helm's values parser needs the YAML
   * alone.
   */
  static String userValues(String output) {
    String text = output == null ? "" : output.strip();
    if (text.startsWith("USER-SUPPLIED VALUES:")) {
      text = text.substring("USER-SUPPLIED VALUES:".length()).strip();
    }
    return text.equals("null") ? "" : text;
  }

  private record Upgraded(
      String name, String namespace, String version, int revisionBefore, Release release) {
    String id() {
      return namespace + "/" + name;
    }
  }

  /**
   * {@code helm upgrade} of the existing release to the target chart; with DryRun.SERVER the API
   * server only validates.
   */
  private Upgraded helmUpgrade(InstallSpec spec, DryRun dryRun) {
    String kubeconfig = kubeconfigFor(clients.kubeconfigFor(spec.context()), spec.context());
    HelmReleaseLocator.Located located = releases.locate(spec);
    String release = located.id();
    if (dryRun == DryRun.NONE) {
      PendingRevisions.recover(
          clients.forContext(spec.context()),
          spec.context(),
          located.namespace(),
          located.name(),
          spec.revisionBeforeRun());
    }
    int current = currentRevision(spec.context(), located);
    // An earlier attempt of the step may have made a revision already: the one to
    // roll back to is the one from before the run, as the tooling step found it.
    int before = spec.revisionBeforeRun() > 0 ? spec.revisionBeforeRun() : current;
    if (before != current) {
      log.info(
          "control-plane: cluster={} release={} at revision {}, an earlier attempt's; the revision"
              + " before the run was {}",
          spec.context(),
          release,
          current,
          before);
    }
    ChartResolver.ResolvedChart resolved = charts.resolve(spec.chart(), spec.targetVersion());
    String action =
        dryRun == DryRun.NONE ? "upgrading release " : "dry-running the upgrade of release ";
    Heartbeats.beat(action + release);
    try (ChartResolver.LocalChart chart = charts.fetch(resolved)) {
      UpgradeCommand command =
          Helm.upgrade(chart.path().toString())
              .withName(located.name())
              .withNamespace(located.namespace())
              // The values the operator gave the release, over the new chart's
              // defaults. Not --reuse-values: it renders the new chart with the old
              // chart's defaults, so whatever a new version changed there is lost.
              .resetThenReuseValues()
              .withDryRunOption(dryRun)
              // Waiting for readiness makes no sense: discovery and
              // networking stay at 0 replicas until later steps.
              .withKubeConfigContents(kubeconfig);
      for (Path file : ValuesFiles.read(spec)) {
        command = command.withValuesFile(file);
      }
      UpgradeCommand upgrade = command;
      Release result = helm(action + release, spec.context(), upgrade::call);
      return new Upgraded(located.name(), located.namespace(), resolved.version(), before, result);
    }
  }

  /** The release's newest revision, from Helm's own record of it; refused when there is none. */
  private int currentRevision(String context, HelmReleaseLocator.Located release) {
    return HelmReleaseStorage.latest(
            clients.forContext(context), context, release.namespace(), release.name())
        .map(HelmReleaseStorage.Revision::revision)
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "Helm release "
                        + release.id()
                        + " ("
                        + release.how()
                        + ") does not exist on cluster "
                        + context
                        + ": the helm method upgrades an existing release. Check"
                        + " helmRelease and namespace, or leave helmRelease empty to find the release.",
                    FailureTypes.NOT_FOUND));
  }

  static <T> T helm(String action, String context, HelmCall<T> call) {
    try {
      return call.run();
    } catch (IllegalStateException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("release: not found") || lower.contains("has no deployed releases")) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Helm found no release while "
                + action
                + " on cluster "
                + context
                + ": "
                + message
                + ". The helm method upgrades an existing release.",
            FailureTypes.NOT_FOUND);
      }
      if (lower.contains("another operation") && lower.contains("in progress")) {
        throw ApplicationFailure.newNonRetryableFailure(
            "Helm refused "
                + action
                + " on cluster "
                + context
                + ": "
                + message
                + ". Finish or roll back the other operation (helm history, helm rollback), then retry the step.",
            UPGRADE_FAILED);
      }
      throw ApplicationFailure.newFailure(
          "Helm failed " + action + " on cluster " + context + ": " + OutputTail.of(message),
          UPGRADE_FAILED);
    }
  }

  private static String helmVersion() {
    try {
      return Helm.version().call();
    } catch (IllegalStateException e) {
      throw ChartResolver.tooling(
          "the Helm library does not load on this worker: " + e.getMessage());
    }
  }

  private static int parseRevision(String revision) {
    try {
      return revision == null ? 0 : Integer.parseInt(revision.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The worker's kubeconfig reduced to one context and made current, for Helm, which has no context
   * option. It stays in memory: credentials are never written to another file. Relative certificate
   * and key paths are made absolute, since they were relative to the kubeconfig's folder.
   */
  static String kubeconfigFor(Path kubeconfig, String context) {
    Config config;
    try {
      config = KubeConfigUtils.parseConfigFromString(Files.readString(kubeconfig));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
    NamedContext named =
        config.getContexts().stream()
            .filter(c -> context.equals(c.getName()))
            .findFirst()
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "kubeconfig context \"" + context + "\" is not in the worker's kubeconfig",
                        FailureTypes.UNKNOWN_CONTEXT));
    String clusterName = named.getContext().getCluster();
    String userName = named.getContext().getUser();
    Path base = kubeconfig.toAbsolutePath().getParent();
    Function<String, String> absolute =
        p ->
            p == null || p.isBlank() || Path.of(p).isAbsolute() || base == null
                ? p
                : base.resolve(p).normalize().toString();

    List<NamedCluster> clusters =
        config.getClusters() == null
            ? List.of()
            : config.getClusters().stream()
                .filter(c -> Objects.equals(c.getName(), clusterName))
                .toList();
    for (NamedCluster c : clusters) {
      Cluster cluster = c.getCluster();
      if (cluster != null) {
        cluster.setCertificateAuthority(absolute.apply(cluster.getCertificateAuthority()));
      }
    }
    List<NamedAuthInfo> users =
        config.getUsers() == null
            ? List.of()
            : config.getUsers().stream()
                .filter(u -> Objects.equals(u.getName(), userName))
                .toList();
    for (NamedAuthInfo u : users) {
      AuthInfo user = u.getUser();
      if (user != null) {
        user.setClientCertificate(absolute.apply(user.getClientCertificate()));
        user.setClientKey(absolute.apply(user.getClientKey()));
        user.setTokenFile(absolute.apply(user.getTokenFile()));
      }
    }
    config.setClusters(clusters);
    config.setUsers(users);
    config.setContexts(List.of(named));
    config.setCurrentContext(context);
    return SERIALIZATION.asYaml(config);
  }

  @FunctionalInterface
  interface HelmCall<T> {
    T run();
  }
}

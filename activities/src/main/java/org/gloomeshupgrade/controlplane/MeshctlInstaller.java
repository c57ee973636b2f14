package org.gloomeshupgrade.controlplane;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meshctl install --version <target>}, which upgrades an existing installation (there is no
 * {@code meshctl upgrade}). The binary must be the target version: meshctl installs the chart it
 * was built for.
 */
public class MeshctlInstaller implements ControlPlaneInstaller {
  private static final Logger log = LoggerFactory.getLogger(MeshctlInstaller.class);

  /** Failure type when meshctl ran and failed. */
  public static final String INSTALL_FAILED = FailureTypes.MESHCTL_INSTALL_FAILED;

  /**
   * From 1.0 the community install is a subcommand; plain {@code install} only prints help there.
   * Which 1.0.0 beta introduced it is not known here, so betas get the 0.x form.
   */
  private static final Semver COMMUNITY_SUBCOMMAND_FROM = Semver.of(1, 0, 0);

  /** The release meshctl installs the chart as. */
  static final String RELEASE = "gloo-mesh";

  private final MeshctlRunner meshctl;
  private final Duration installTimeout;

  /** To check, in the tooling step, what Helm inside meshctl will write; null: not checked. */
  private final KubernetesClients clients;

  private final ChartResolver charts;

  public MeshctlInstaller(KubernetesClients clients) {
    // Shorter than the activity's own limit, so a hung install still reports its output.
    this(MeshctlRunner.onPath(clients), Duration.ofMinutes(15), clients, new ChartResolver());
  }

  /**
   * @param searchPath where to look for {@code meshctl} when the request names no binary (PATH
   *     syntax)
   */
  public MeshctlInstaller(
      KubernetesClients clients,
      String searchPath,
      Duration versionTimeout,
      Duration installTimeout) {
    this(new MeshctlRunner(clients, searchPath, versionTimeout), installTimeout);
  }

  /**
   * Without the permission check of the tooling step: for a worker that cannot read the chart
   * meshctl installs.
   */
  public MeshctlInstaller(MeshctlRunner meshctl, Duration installTimeout) {
    this(meshctl, installTimeout, null, null);
  }

  /**
   * @param charts finds the target's chart (the request's chart field, by default the public
   *     repository), whose objects and release Secrets the tooling step checks the worker may
   *     write, as Helm inside meshctl will
   */
  public MeshctlInstaller(
      MeshctlRunner meshctl,
      Duration installTimeout,
      KubernetesClients clients,
      ChartResolver charts) {
    this.meshctl = Objects.requireNonNull(meshctl, "meshctl");
    this.installTimeout = installTimeout;
    this.clients = clients;
    this.charts = charts;
  }

  @Override
  public ToolingReport resolveTooling(InstallSpec spec) {
    Path binary = meshctl.locate(spec.meshctlPath());
    String version = meshctl.checkedVersion(binary, spec.targetVersion());
    String permissions = "";
    int revision = 0;
    if (charts != null) {
      permissions =
          "; "
              + HelmPermissions.check(clients, charts, spec.withRelease(RELEASE), spec.namespace())
                  .describe();
      revision =
          HelmReleaseStorage.latest(
                  clients.forContext(spec.context()), spec.context(), spec.namespace(), RELEASE)
              .map(HelmReleaseStorage.Revision::revision)
              .orElse(0);
    }
    log.info(
        "control-plane: cluster={} method=meshctl binary={} version={} matches the target{}",
        spec.context(),
        binary,
        version,
        permissions);
    return new ToolingReport(
        "meshctl", "", version, "meshctl at " + binary + permissions, revision);
  }

  @Override
  public InstallOutcome dryRun(InstallSpec spec) {
    log.info(
        "control-plane: cluster={} method=meshctl dry run: meshctl has no server-side dry run, not checked",
        spec.context());
    return new InstallOutcome(
        0, 0, List.of(), "meshctl has no server-side dry run: the control plane was not checked");
  }

  @Override
  public InstallOutcome upgrade(InstallSpec spec) {
    Path binary = meshctl.locate(spec.meshctlPath());
    meshctl.checkedVersion(binary, spec.targetVersion());
    if (clients != null) {
      PendingRevisions.recover(
          clients.forContext(spec.context()),
          spec.context(),
          spec.namespace(),
          RELEASE,
          spec.revisionBeforeRun());
    }
    List<String> command = installCommand(binary, spec);
    log.info("control-plane: cluster={} method=meshctl running {}", spec.context(), command);
    MeshctlRunner.Run run =
        meshctl.run(command, installTimeout, line -> log.info("meshctl: {}", line));
    if (run.timedOut()) {
      throw ApplicationFailure.newFailure(
          "meshctl install did not finish within "
              + installTimeout.toMinutes()
              + " minutes on cluster "
              + spec.context()
              + "; last output:\n"
              + run.output(),
          INSTALL_FAILED);
    }
    if (run.exitCode() != 0) {
      throw ApplicationFailure.newFailure(
          "meshctl install exited with "
              + run.exitCode()
              + " on cluster "
              + spec.context()
              + "; last output:\n"
              + run.output(),
          INSTALL_FAILED);
    }
    log.info(
        "control-plane: cluster={} method=meshctl installed {} in namespace {}",
        spec.context(),
        spec.targetVersion(),
        spec.namespace());
    return new InstallOutcome(0, 0, List.of(), run.output());
  }

  /**
   * The exact argument list, never a shell string: nothing in the request can become shell syntax.
   * The flags are those of meshctl's CLI reference in solo-io/gloo-mesh: 0.10 to 0.12 {@code
   * meshctl install} has {@code --version}, {@code --kubecontext} and {@code --namespace} (default
   * gloo-mesh); 1.0 {@code meshctl install community} inherits the same three from {@code install}.
   */
  static List<String> installCommand(Path binary, InstallSpec spec) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.add("install");
    if (Semver.parse(spec.targetVersion()).isGreaterThanOrEqualTo(COMMUNITY_SUBCOMMAND_FROM)) {
      command.add("community");
    }
    // Always name the version: without it some meshctl
    // versions pick the first entry of the chart index.
    command.add("--version");
    command.add(Semver.parse(spec.targetVersion()).getVersion());
    command.add("--kubecontext");
    command.add(spec.context());
    command.add("--namespace");
    command.add(spec.namespace());
    return command;
  }
}

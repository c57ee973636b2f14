package org.gloomeshupgrade.registration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meshctl cluster register} with the flag set of the target's version line, as an argument
 * list (never a shell string), through the same binary rules as {@code meshctl install}: the binary
 * must be the target version.
 */
final class MeshctlRegistration {
  private static final Logger log = LoggerFactory.getLogger(MeshctlRegistration.class);

  static final String REGISTER_FAILED = FailureTypes.MESHCTL_REGISTER_FAILED;

  /** Re-registering where the registration objects already exist panicked before this version. */
  static final Semver UPSERTS_FROM = Semver.parse("0.12.4");

  /** The cluster name became positional and --federation-namespace became --mgmt-namespace. */
  static final Semver POSITIONAL_NAME_FROM = Semver.parse("1.0.0-beta7");

  /**
   * From 1.0 registration is a subcommand per edition, as install is ({@code meshctl cluster
   * register community}); which beta introduced it is not known here, so betas get the form without
   * it, the same rule as install.
   */
  static final Semver COMMUNITY_SUBCOMMAND_FROM = Semver.of(1, 0, 0);

  /**
   * Where meshctl is told to register one cluster; contexts already checked against the worker's
   * kubeconfig.
   */
  record Target(
      String cluster,
      String mgmtContext,
      String remoteContext,
      String namespace,
      String remoteNamespace,
      String clusterDomain,
      String apiServer) {}

  private final MeshctlRunner meshctl;
  private final Duration timeout;

  MeshctlRegistration(MeshctlRunner meshctl, Duration timeout) {
    this.meshctl = Objects.requireNonNull(meshctl, "meshctl");
    this.timeout = timeout;
  }

  ReRegisterResult register(
      Target target,
      String targetVersion,
      String meshctlPath,
      KubernetesClient mgmt,
      KubernetesClient remote) {
    Semver version = Semver.parse(targetVersion == null ? "" : targetVersion.trim());
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "targetVersion \""
              + targetVersion
              + "\" is not a semantic"
              + " version: meshctl registration picks its flags by version",
          FailureTypes.INVALID_REQUEST);
    }
    if (version.isLowerThan(UPSERTS_FROM)) {
      refuseReRegistration(target, version, mgmt, remote);
    }
    Path binary = meshctl.locate(meshctlPath);
    meshctl.checkedVersion(binary, version.getVersion());
    List<String> command = command(binary, version, target);
    log.info("re-register: cluster={} method=meshctl running {}", target.cluster(), command);
    MeshctlRunner.Run run =
        meshctl.run(
            command,
            timeout,
            line ->
                log.info(
                    "re-register: cluster={} meshctl: {}",
                    target.cluster(),
                    ToolOutput.scrub(line)));
    String output = ToolOutput.scrub(run.output());
    if (run.timedOut()) {
      throw ApplicationFailure.newFailure(
          "meshctl cluster register of cluster "
              + target.cluster()
              + " did not finish"
              + " within "
              + timeout.toSeconds()
              + "s; last output:\n"
              + output,
          REGISTER_FAILED);
    }
    if (run.exitCode() != 0) {
      throw ApplicationFailure.newFailure(
          "meshctl cluster register of cluster "
              + target.cluster()
              + " exited with "
              + run.exitCode()
              + "; last output:\n"
              + output,
          REGISTER_FAILED);
    }
    log.info(
        "re-register: cluster={} method=meshctl mgmt={} remote={}: registered by meshctl {}",
        target.cluster(),
        target.mgmtContext(),
        target.remoteContext(),
        version.getVersion());
    // meshctl does not say which objects it created or
    // updated, nor what Helm did with the agent charts.
    return new ReRegisterResult(
        target.cluster(),
        List.of(),
        List.of(),
        target.apiServer(),
        "meshctl",
        List.of(),
        "meshctl "
            + version.getVersion()
            + " cluster register (it installs the agent charts itself, from its own"
            + " chart locations); output:\n"
            + output);
  }

  /**
   * The exact argument list for the target's version line. The API server address is always given:
   * it is the one the worker reaches the remote cluster at, which native registration writes too,
   * so both methods register the same address whatever meshctl's own default is.
   */
  static List<String> command(Path binary, Semver version, Target t) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "cluster", "register"));
    boolean positional = version.isGreaterThanOrEqualTo(POSITIONAL_NAME_FROM);
    if (version.isGreaterThanOrEqualTo(COMMUNITY_SUBCOMMAND_FROM)) {
      command.add("community");
    }
    if (positional) {
      command.add(t.cluster());
    } else {
      command.addAll(List.of("--cluster-name", t.cluster()));
    }
    command.addAll(
        List.of(
            "--mgmt-context",
            t.mgmtContext(),
            "--remote-context",
            t.remoteContext(),
            positional ? "--mgmt-namespace" : "--federation-namespace",
            t.namespace(),
            "--remote-namespace",
            t.remoteNamespace(),
            "--api-server-address",
            t.apiServer(),
            "--cluster-domain",
            t.clusterDomain()));
    return command;
  }

  /**
   * Before 0.12.4 meshctl panicked when the registration objects already existed, and a
   * re-registration is exactly that. Deleting them first would leave the cluster unregistered if
   * meshctl then failed, so the run is refused instead, before anything changes; a cluster none of
   * whose objects exist (cleaned up by hand) is registered. The namespace is not counted: it exists
   * on any cluster that runs the agents.
   */
  private static void refuseReRegistration(
      Target t, Semver version, KubernetesClient mgmt, KubernetesClient remote) {
    String binding =
        t.cluster() + "-" + RegistrationActivitiesImpl.CLUSTER_ROLE + "-clusterrole-binding";
    List<String> existing = new ArrayList<>();
    present(
        existing,
        "KubernetesCluster " + t.namespace() + "/" + t.cluster() + "@" + t.mgmtContext(),
        t.mgmtContext(),
        () ->
            mgmt.genericKubernetesResources(RegistrationActivitiesImpl.KUBERNETES_CLUSTER)
                .inNamespace(t.namespace())
                .withName(t.cluster())
                .get());
    present(
        existing,
        "Secret " + t.namespace() + "/" + t.cluster() + "@" + t.mgmtContext(),
        t.mgmtContext(),
        () -> mgmt.secrets().inNamespace(t.namespace()).withName(t.cluster()).get());
    present(
        existing,
        "ServiceAccount " + t.remoteNamespace() + "/" + t.cluster() + "@" + t.remoteContext(),
        t.remoteContext(),
        () ->
            remote.serviceAccounts().inNamespace(t.remoteNamespace()).withName(t.cluster()).get());
    present(
        existing,
        "ClusterRole " + RegistrationActivitiesImpl.CLUSTER_ROLE + "@" + t.remoteContext(),
        t.remoteContext(),
        () -> remote.rbac().clusterRoles().withName(RegistrationActivitiesImpl.CLUSTER_ROLE).get());
    present(
        existing,
        "ClusterRoleBinding " + binding + "@" + t.remoteContext(),
        t.remoteContext(),
        () -> remote.rbac().clusterRoleBindings().withName(binding).get());
    if (existing.isEmpty()) {
      log.info(
          "re-register: cluster={} method=meshctl {}: no registration object exists, so meshctl can register it",
          t.cluster(),
          version.getVersion());
      return;
    }
    log.warn(
        "re-register: cluster={} method=meshctl {}: refused, {} already exist",
        t.cluster(),
        version.getVersion(),
        existing);
    throw ApplicationFailure.newNonRetryableFailure(
        "meshctl "
            + version.getVersion()
            + " cannot re-register cluster "
            + t.cluster()
            + ": before "
            + UPSERTS_FROM.getVersion()
            + " meshctl cluster register panics when the"
            + " registration already exists, and these do: "
            + existing
            + ". Use registrationMethod \"native\", which"
            + " re-registers as an upsert (or skip this step).",
        FailureTypes.VERSION_POLICY);
  }

  private static void present(
      List<String> existing, String what, String context, Supplier<Object> read) {
    if (KubernetesFailures.call("reading " + what, context, read::get) != null) {
      existing.add(what);
    }
  }
}

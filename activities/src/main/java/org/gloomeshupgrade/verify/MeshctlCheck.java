package org.gloomeshupgrade.verify;

import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code meshctl check} for a control plane installed with meshctl, with the same binary and
 * version rule as the install, and turns its output into one report line. Its exit code says
 * nothing about the checks (see {@link MeshctlCheckOutput}); a non-zero one means meshctl itself
 * could not run them.
 */
public class MeshctlCheck {
  private static final Logger log = LoggerFactory.getLogger(MeshctlCheck.class);
  static final String NAME = "meshctl check";

  private final MeshctlRunner meshctl;
  private final Duration checkTimeout;

  public MeshctlCheck(MeshctlRunner meshctl, Duration checkTimeout) {
    this.meshctl = Objects.requireNonNull(meshctl, "meshctl");
    this.checkTimeout = checkTimeout;
  }

  /**
   * meshctl on the worker's PATH; with the version check, well inside the verify activity's 3
   * minutes.
   */
  public static MeshctlCheck onPath(KubernetesClients clients) {
    return new MeshctlCheck(MeshctlRunner.onPath(clients), Duration.ofSeconds(90));
  }

  /**
   * The argument list, never a shell string. meshctl 0.10, 0.11, 0.12 and 1.0 all take {@code
   * --kubecontext} and {@code --namespace} (default gloo-mesh) on {@code check}. (Some Service Mesh
   * Hub releases, before the rename to Gloo Mesh, bound {@code --namespace} to the context; no
   * supported target is that old.)
   */
  static List<String> checkCommand(Path binary, String context, String namespace) {
    return List.of(binary.toString(), "check", "--kubecontext", context, "--namespace", namespace);
  }

  public VerifyCheck run(
      String context, String namespace, String targetVersion, String meshctlPath) {
    Path binary;
    try {
      binary = meshctl.locate(meshctlPath);
      meshctl.checkedVersion(binary, targetVersion);
    } catch (ApplicationFailure refused) {
      // A report line rather than a failed activity: the other checks still reach the report.
      log.info(
          "verify: cluster={} method=meshctl check not run: {}",
          context,
          refused.getOriginalMessage());
      return new VerifyCheck(
          NAME,
          CheckLevel.RED,
          "not run: " + refused.getOriginalMessage(),
          "Install meshctl "
              + targetVersion
              + " on the worker (or set meshctlPath) and verify again.");
    }
    List<String> command = checkCommand(binary, context, namespace);
    String rerun = "meshctl check --kubecontext " + context + " --namespace " + namespace;
    log.info("verify: cluster={} method=meshctl running {}", context, command);
    MeshctlCheckOutput output = new MeshctlCheckOutput();
    MeshctlRunner.Run run =
        meshctl.run(
            command,
            checkTimeout,
            line -> {
              log.info("meshctl: {}", line);
              output.line(line);
            });
    VerifyCheck check;
    if (run.timedOut()) {
      check =
          new VerifyCheck(
              NAME,
              CheckLevel.RED,
              "did not finish within "
                  + checkTimeout.toSeconds()
                  + "s; last output: "
                  + run.output(),
              "Run \"" + rerun + "\" on the worker and see where it hangs.");
    } else if (run.exitCode() != 0) {
      check =
          new VerifyCheck(
              NAME,
              CheckLevel.RED,
              "meshctl check exited with "
                  + run.exitCode()
                  + ", so it could not run its checks: "
                  + run.output(),
              "Run \""
                  + rerun
                  + "\" on the worker; meshctl exits non-zero only when it cannot start its checks.");
    } else {
      check = output.verdict(NAME, rerun, run.output());
    }
    log.info(
        "verify: cluster={} method=meshctl check: {} failed line(s), {} warning(s), {} passed, exit {}: {}",
        context,
        output.failed().size(),
        output.warned().size(),
        output.passed(),
        run.timedOut() ? "timed out" : run.exitCode(),
        check.level());
    return check;
  }
}

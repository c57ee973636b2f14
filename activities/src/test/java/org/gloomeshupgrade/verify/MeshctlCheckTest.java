package org.gloomeshupgrade.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.gloomeshupgrade.controlplane.FakeMeshctl;
import org.gloomeshupgrade.controlplane.MeshctlRunner;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeshctlCheckTest {
  private static final List<String> CHECK =
      List.of("check", "--kubecontext", "mgmt", "--namespace", "gloo-mesh");

  @TempDir Path tmp;
  private FakeMeshctl meshctl;
  private KubernetesClients clients;
  private MeshctlCheck check;

  @BeforeEach
  void setUp() {
    meshctl = FakeMeshctl.installIn(tmp.resolve("bin"));
    // No API server is contacted: meshctl only gets the kubeconfig's path.
    clients = new MockKubeconfig().with("mgmt", "https://127.0.0.1:6443").clients(tmp);
    check = checkWithin(Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  /**
   * meshctl 0.10 to 1.0 all take --kubecontext and --namespace on check: the same list on every
   * line.
   */
  @ParameterizedTest(name = "meshctl {0}")
  @CsvSource({
    "0.10.10, check-0.11-passed.out",
    "0.11.3, check-0.11-passed.out",
    "0.12.8, check-0.12-passed.out",
    "1.0.11, check-1.0-passed.out"
  })
  void checkRunsWithTheExactArgumentsOfEachVersionLine(String version, String output) {
    meshctl.prints("version", "version-" + version + ".out").prints("check", output);
    VerifyCheck result = check.run("mgmt", "gloo-mesh", "v" + version, meshctl.binary().toString());
    assertThat(meshctl.calls()).containsExactly(List.of("version"), CHECK);
    assertThat(meshctl.kubeconfig()).isEqualTo(clients.kubeconfig().toAbsolutePath().toString());
    assertThat(result.name()).isEqualTo("meshctl check");
    assertThat(result.level()).isEqualTo(CheckLevel.GREEN);
  }

  @Test
  void aFailedLineIsRedAlthoughMeshctlExitedZero() {
    meshctl.prints("check", "check-0.11-failed.out");
    VerifyCheck result = check.run("mgmt", "gloo-mesh", "0.11.3", "");
    assertThat(meshctl.calls()).containsExactly(List.of("version"), CHECK);
    assertThat(result.level()).isEqualTo(CheckLevel.RED);
    assertThat(result.detail())
        .contains(
            "❌ Gloo Mesh pods are running", "deployment \"networking\" has no available pods");
  }

  @Test
  void aMeshctlOfAnotherVersionIsRefusedBeforeCheckRuns() {
    meshctl.prints("version", "version-0.12.8.out");
    VerifyCheck result = check.run("mgmt", "gloo-mesh", "0.11.3", "");
    assertThat(meshctl.calls()).containsExactly(List.of("version"));
    assertThat(result.level()).isEqualTo(CheckLevel.RED);
    assertThat(result.detail())
        .startsWith("not run: ")
        .contains("is version 0.12.8", "the target is 0.11.3");
    assertThat(result.hint()).contains("Install meshctl 0.11.3");
  }

  @Test
  void aMissingMeshctlIsRedWithoutRunningAnything() {
    VerifyCheck result =
        check.run("mgmt", "gloo-mesh", "0.11.3", tmp.resolve("nowhere/meshctl").toString());
    assertThat(result.level()).isEqualTo(CheckLevel.RED);
    assertThat(result.detail()).contains("is not an executable file");
    assertThat(meshctl.calls()).isEmpty();
  }

  @Test
  void aNonZeroExitIsRedEvenWithPassedLines() {
    meshctl
        .with(
            "check.out",
            "✅ Gloo Mesh pods are running\nError: listing traffic policies: Unauthorized\n")
        .with("check-exit-code", "1\n");
    VerifyCheck result = check.run("mgmt", "gloo-mesh", "0.11.3", "");
    assertThat(result.level()).isEqualTo(CheckLevel.RED);
    assertThat(result.detail()).contains("exited with 1", "Unauthorized");
  }

  @Test
  void aHungCheckIsRedAfterItsTimeout() {
    meshctl.with("check-sleep", "30\n");
    VerifyCheck result = checkWithin(Duration.ofSeconds(1)).run("mgmt", "gloo-mesh", "0.11.3", "");
    assertThat(result.level()).isEqualTo(CheckLevel.RED);
    assertThat(result.detail()).startsWith("did not finish within 1s");
  }

  private MeshctlCheck checkWithin(Duration timeout) {
    return new MeshctlCheck(
        new MeshctlRunner(clients, meshctl.dir().toString(), Duration.ofSeconds(20)), timeout);
  }
}

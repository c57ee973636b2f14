package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.temporal.failure.ApplicationFailure;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeshctlInstallerTest {
  @TempDir Path tmp;
  private FakeMeshctl meshctl;
  private KubernetesClients clients;
  private MeshctlInstaller installer;

  @BeforeEach
  void setUp() {
    meshctl = FakeMeshctl.installIn(tmp.resolve("bin"));
    // No API server is contacted: meshctl only gets the kubeconfig's path.
    clients = new MockKubeconfig().with("mgmt", "https://127.0.0.1:6443").clients(tmp);
    String path = tmp.resolve("empty").toString() + File.pathSeparator + meshctl.dir();
    installer = new MeshctlInstaller(clients, path, Duration.ofSeconds(20), Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void resolveFindsMeshctlOnThePathAndChecksItsVersion() {
    ToolingReport report = installer.resolveTooling(spec("0.11.3", ""));
    assertThat(report.tool()).isEqualTo("meshctl");
    assertThat(report.toolVersion()).isEqualTo("0.11.3");
    assertThat(report.detail()).contains(meshctl.binary().toString());
    assertThat(meshctl.calls()).containsExactly(List.of("version"));
  }

  @Test
  void upgradeRunsInstallWithTheExactArguments() {
    InstallOutcome outcome = installer.upgrade(spec("0.11.3", ""));
    assertThat(meshctl.calls())
        .containsExactly(
            List.of("version"),
            List.of(
                "install",
                "--version",
                "0.11.3",
                "--kubecontext",
                "mgmt",
                "--namespace",
                "gloo-mesh"));
    assertThat(meshctl.kubeconfig())
        .as("the worker's kubeconfig, by path")
        .isEqualTo(clients.kubeconfig().toAbsolutePath().toString());
    assertThat(outcome.output()).contains("Finished installing chart 'gloo-mesh'");
    assertThat(outcome.revisionBefore()).isZero();
    assertThat(outcome.applied()).isEmpty();
  }

  /**
   * 0.10 to 0.12: {@code meshctl install} takes --version, --kubecontext and --namespace itself.
   * 1.0: the community install is {@code meshctl install community}, which inherits those flags
   * from {@code install}.
   */
  @ParameterizedTest(name = "meshctl {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "0.10.10 | install --version 0.10.10 --kubecontext mgmt --namespace gloo-mesh",
        "0.11.3  | install --version 0.11.3 --kubecontext mgmt --namespace gloo-mesh",
        "0.12.8  | install --version 0.12.8 --kubecontext mgmt --namespace gloo-mesh",
        "1.0.11  | install community --version 1.0.11 --kubecontext mgmt --namespace gloo-mesh"
      })
  void installArgumentsFollowTheVersionLine(String version, String arguments) {
    meshctl.prints("version", "version-" + version + ".out");
    installer.upgrade(spec("v" + version, meshctl.binary().toString()));
    assertThat(meshctl.calls()).containsExactly(List.of("version"), List.of(arguments.split(" ")));
  }

  @Test
  void aMeshctlOfAnotherVersionIsRefusedBeforeInstalling() {
    meshctl.prints("version", "version-0.11.3.out");
    for (Runnable call :
        List.<Runnable>of(
            () -> installer.resolveTooling(spec("0.11.2", "")),
            () -> installer.upgrade(spec("0.11.2", "")))) {
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call::run);
      assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage())
          .contains("is version 0.11.3", "the target is 0.11.2");
    }
    assertThat(meshctl.calls()).containsExactly(List.of("version"), List.of("version"));
  }

  @Test
  void theServerVersionsInMeshctlVersionAreNotMistakenForTheClients() {
    // The fixture's server images run 1.0.10; the client, which is what installs, is 1.0.11.
    meshctl.prints("version", "version-1.0.11.out");
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> installer.upgrade(spec("1.0.10", "")));
    assertThat(failure.getOriginalMessage()).contains("is version 1.0.11");
    assertThat(meshctl.calls()).containsExactly(List.of("version"));
  }

  @Test
  void aMissingMeshctlIsRefused() {
    MeshctlInstaller nowhere =
        new MeshctlInstaller(
            clients, tmp.resolve("empty").toString(), Duration.ofSeconds(5), Duration.ofSeconds(5));
    ApplicationFailure onPath =
        catchThrowableOfType(
            ApplicationFailure.class, () -> nowhere.resolveTooling(spec("0.11.3", "")));
    assertThat(onPath.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(onPath.isNonRetryable()).isTrue();
    assertThat(onPath.getOriginalMessage()).contains("not on the worker's PATH");

    String named = tmp.resolve("no-such-meshctl").toString();
    ApplicationFailure explicit =
        catchThrowableOfType(
            ApplicationFailure.class, () -> installer.upgrade(spec("0.11.3", named)));
    assertThat(explicit.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(explicit.getOriginalMessage()).contains(named);
  }

  @Test
  void aFailedInstallReportsTheTailOfItsOutput() {
    String lines =
        IntStream.rangeClosed(1, 2000)
            .mapToObj(i -> "installing step " + i)
            .collect(Collectors.joining("\n"));
    meshctl
        .with("install.out", lines + "\nError: chart gloo-mesh not found\n")
        .with("exit-code", "3\n");
    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> installer.upgrade(spec("0.11.3", "")));
    assertThat(failure.getType()).isEqualTo(MeshctlInstaller.INSTALL_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains("exited with 3", "Error: chart gloo-mesh not found", "installing step 2000")
        .doesNotContain("installing step 1\n");
    assertThat(failure.getOriginalMessage().length()).isLessThan(OutputTail.LIMIT + 200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "version-0.10.10.out, 0.10.10",
    "version-0.11.3.out, 0.11.3",
    "version-0.12.8.out, 0.12.8",
    "version-1.0.11.out, 1.0.11"
  })
  void meshctlsOwnVersionOutputGivesTheClientVersion(String fixture, String client) {
    assertThat(MeshctlRunner.parseVersion(FakeMeshctl.fixture(fixture)).getVersion())
        .isEqualTo(client);
  }

  @Test
  void versionOutputIsReadFromJsonOrText() {
    assertThat(
            MeshctlRunner.parseVersion(
                    "{\"client\":{\"version\":\"0.12.8\"},\"server\":[{\"Namespace\":\"gloo-mesh\"}]}")
                .getVersion())
        .isEqualTo("0.12.8");
    assertThat(
            MeshctlRunner.parseVersion(
                    "time=... level=warn msg=\"cannot reach server\"\n"
                        + "{\n  \"client\": {\n    \"version\": \"v0.11.3\"\n  }\n}")
                .getVersion())
        .isEqualTo("0.11.3");
    assertThat(MeshctlRunner.parseVersion("meshctl version 0.10.10\n").getVersion())
        .isEqualTo("0.10.10");
    assertThat(MeshctlRunner.parseVersion("Client: 1.0.0-beta7\nServer: 0.11.3").getVersion())
        .isEqualTo("1.0.0-beta7");
    assertThat(MeshctlRunner.parseVersion("no version here")).isNull();
  }

  private static InstallSpec spec(String version, String meshctlPath) {
    return new InstallSpec(
        "mgmt", "gloo-mesh", "gloo-mesh", "", meshctlPath, version, "discovery", "networking");
  }
}

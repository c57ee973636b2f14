package org.gloomeshupgrade.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
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

class MeshctlInstallerTest {
  @TempDir Path tmp;
  private Path bin;
  private KubernetesClients clients;
  private MeshctlInstaller installer;

  @BeforeEach
  void setUp() throws Exception {
    bin = Files.createDirectories(tmp.resolve("bin"));
    Path script = bin.resolve("meshctl");
    try (var in = MeshctlInstallerTest.class.getResourceAsStream("/controlplane/fake-meshctl.sh")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(script.toFile().setExecutable(true)).isTrue();
    // No API server is contacted: meshctl only gets the kubeconfig's path.
    clients = new MockKubeconfig().with("mgmt", "https://127.0.0.1:6443").clients(tmp);
    String path = tmp.resolve("empty").toString() + java.io.File.pathSeparator + bin;
    installer = new MeshctlInstaller(clients, path, Duration.ofSeconds(20), Duration.ofSeconds(20));
  }

  @AfterEach
  void tearDown() {
    clients.close();
  }

  @Test
  void resolveFindsMeshctlOnThePathAndChecksItsVersion() throws IOException {
    ToolingReport report = installer.resolveTooling(spec("0.11.3", ""));
    assertThat(report.tool()).isEqualTo("meshctl");
    assertThat(report.toolVersion()).isEqualTo("0.11.3");
    assertThat(report.detail()).contains(bin.resolve("meshctl").toString());
    assertThat(calls()).containsExactly(List.of("version"));
  }

  @Test
  void upgradeRunsInstallWithTheExactArguments() throws IOException {
    InstallOutcome outcome = installer.upgrade(spec("0.11.3", ""));
    assertThat(calls()).containsExactly(
        List.of("version"),
        List.of("install", "--version", "0.11.3", "--kubecontext", "mgmt", "--namespace", "gloo-mesh"));
    assertThat(Files.readString(bin.resolve("kubeconfig")).strip())
        .as("the worker's kubeconfig, by path").isEqualTo(clients.kubeconfig().toAbsolutePath().toString());
    assertThat(outcome.output()).contains("Finished installing chart 'gloo-mesh'");
    assertThat(outcome.revisionBefore()).isZero();
    assertThat(outcome.applied()).isEmpty();
  }

  @Test
  void fromOneZeroTheCommunityInstallIsASubcommand() throws IOException {
    Files.writeString(bin.resolve("version.out"), "{\"client\":{\"version\":\"1.0.4\"},\"server\":[]}\n");
    installer.upgrade(spec("v1.0.4", bin.resolve("meshctl").toString()));
    assertThat(calls().get(1))
        .containsExactly("install", "community", "--version", "1.0.4", "--kubecontext", "mgmt", "--namespace", "gloo-mesh");
  }

  @Test
  void aMeshctlOfAnotherVersionIsRefusedBeforeInstalling() throws IOException {
    Files.writeString(bin.resolve("version.out"), "{\"client\":{\"version\":\"0.11.2\"},\"server\":[]}\n");
    for (Runnable call : List.<Runnable>of(() -> installer.resolveTooling(spec("0.11.3", "")),
        () -> installer.upgrade(spec("0.11.3", "")))) {
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call::run);
      assertThat(failure.getType()).isEqualTo(FailureTypes.TOOLING);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains("0.11.2", "0.11.3");
    }
    assertThat(calls()).containsOnly(List.of("version"));
  }

  @Test
  void aMissingMeshctlIsRefused() {
    MeshctlInstaller nowhere = new MeshctlInstaller(clients, tmp.resolve("empty").toString(), Duration.ofSeconds(5),
        Duration.ofSeconds(5));
    ApplicationFailure onPath = catchThrowableOfType(ApplicationFailure.class,
        () -> nowhere.resolveTooling(spec("0.11.3", "")));
    assertThat(onPath.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(onPath.isNonRetryable()).isTrue();
    assertThat(onPath.getOriginalMessage()).contains("not on the worker's PATH");

    String named = tmp.resolve("no-such-meshctl").toString();
    ApplicationFailure explicit = catchThrowableOfType(ApplicationFailure.class,
        () -> installer.upgrade(spec("0.11.3", named)));
    assertThat(explicit.getType()).isEqualTo(FailureTypes.TOOLING);
    assertThat(explicit.getOriginalMessage()).contains(named);
  }

  @Test
  void aFailedInstallReportsTheTailOfItsOutput() throws IOException {
    String lines = IntStream.rangeClosed(1, 2000).mapToObj(i -> "installing step " + i)
        .collect(Collectors.joining("\n"));
    Files.writeString(bin.resolve("install.out"), lines + "\nError: chart gloo-mesh not found\n");
    Files.writeString(bin.resolve("exit-code"), "3\n");
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> installer.upgrade(spec("0.11.3", "")));
    assertThat(failure.getType()).isEqualTo(MeshctlInstaller.INSTALL_FAILED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("exited with 3", "Error: chart gloo-mesh not found",
        "installing step 2000").doesNotContain("installing step 1\n");
    assertThat(failure.getOriginalMessage().length()).isLessThan(OutputTail.LIMIT + 200);
  }

  @Test
  void versionOutputIsReadFromJsonOrText() {
    assertThat(MeshctlRunner.parseVersion("{\"client\":{\"version\":\"0.12.8\"},\"server\":[{\"Namespace\":\"gloo-mesh\"}]}")
        .getVersion()).isEqualTo("0.12.8");
    assertThat(MeshctlRunner.parseVersion("time=... level=warn msg=\"cannot reach server\"\n"
        + "{\n  \"client\": {\n    \"version\": \"v0.11.3\"\n  }\n}").getVersion()).isEqualTo("0.11.3");
    assertThat(MeshctlRunner.parseVersion("meshctl version 0.10.10\n").getVersion()).isEqualTo("0.10.10");
    assertThat(MeshctlRunner.parseVersion("Client: 1.0.0-beta7\nServer: 0.11.3").getVersion())
        .isEqualTo("1.0.0-beta7");
    assertThat(MeshctlRunner.parseVersion("no version here")).isNull();
  }

  private static InstallSpec spec(String version, String meshctlPath) {
    return new InstallSpec("mgmt", "gloo-mesh", "gloo-mesh", "", meshctlPath, version, "discovery", "networking");
  }

  /** The argument lists the fake meshctl recorded, one list per call. */
  private List<List<String>> calls() throws IOException {
    Path file = bin.resolve("calls");
    List<List<String>> calls = new ArrayList<>();
    if (!Files.exists(file)) {
      return calls;
    }
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); ) {
      int count = Integer.parseInt(lines.get(i++));
      calls.add(List.copyOf(lines.subList(i, i + count)));
      i += count;
    }
    return calls;
  }
}

package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorkerMainTest {
  @TempDir Path tmp;

  private record Exit(int code, String stderr) {}

  private Exit run(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new WorkerMain()).execute(args);
      return new Exit(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  /** The worker started with this trusted-sources file and nothing to connect to. */
  private Exit startWith(String trustedSources) throws IOException {
    Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\n");
    Path trusted = Files.writeString(tmp.resolve("trusted.yaml"), trustedSources);
    return run(
        "--kubeconfig",
        kubeconfig.toString(),
        "--trusted-sources",
        trusted.toString(),
        // Nothing answers here: the worker must stop before it tries.
        "--temporal-address",
        "127.0.0.1:1");
  }

  @Test
  void aBadTrustedSourcesFileStopsTheWorkerBeforeItConnectsNamingTheKey() throws IOException {
    Exit exit = startWith("charts: [/srv/charts]\nvaluesFolder: [/etc/values]\n");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .contains("unknown key \"valuesFolder\"")
        .contains(tmp.resolve("trusted.yaml").toString());
  }

  @Test
  void anEntryWithCredentialsIsRefusedWithoutEchoingThem() throws IOException {
    Exit exit = startWith("charts: [\"https://token:s3cret@charts.example.com/\"]\n");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .contains("charts[0]: an entry with credentials")
        .doesNotContain("s3cret");
  }

  /** The worker started with an empty profile file, so that none on this machine is read. */
  private Exit startConnecting(String... temporalFlags) throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--kubeconfig",
            UnreachableKubeconfig.write(tmp).toString(),
            "--temporal-config-file",
            Files.writeString(tmp.resolve("temporal.toml"), "").toString()));
    args.addAll(List.of(temporalFlags));
    return run(args.toArray(String[]::new));
  }

  @Test
  void aMissingApiKeyFileStopsTheWorkerBeforeItConnectsNamingTheFile() throws IOException {
    Exit exit = startConnecting("--temporal-api-key-file", tmp.resolve("no-such-key").toString());

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .contains("the API key file %s is not readable".formatted(tmp.resolve("no-such-key")));
  }

  @Test
  void anUnreachableTemporalIsNamedWithHowTheWorkerTriedWithoutTheKey() throws IOException {
    Path key = Files.writeString(tmp.resolve("api-key"), "key-that-must-never-show");
    Exit exit =
        startConnecting(
            "--temporal-address",
            "127.0.0.1:1",
            "--temporal-namespace",
            "mesh",
            "--temporal-api-key-file",
            key.toString());

    assertThat(exit.code()).isEqualTo(3);
    assertThat(exit.stderr())
        .contains("cannot reach Temporal (UNAVAILABLE)")
        .contains("connecting to 127.0.0.1:1 namespace mesh, TLS, API key from a file")
        .doesNotContain("key-that-must-never-show");
  }

  @Test
  void anInClusterContextOutsideAPodStopsTheWorkerBeforeItConnectsNamingTheVariables()
      throws IOException {
    assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "this test runs in a pod");
    Exit exit =
        run(
            "--in-cluster-context",
            "mgmt",
            "--temporal-config-file",
            Files.writeString(tmp.resolve("temporal.toml"), "").toString(),
            "--temporal-address",
            "127.0.0.1:1");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderr())
        .contains("in-cluster context \"mgmt\" needs the pod's KUBERNETES_SERVICE_HOST")
        .doesNotContain("kubeconfig");
  }
}

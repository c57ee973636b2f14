package org.gloomeshupgrade.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.gloomeshupgrade.controlplane.FakeMeshctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeshctlCheckOutputTest {
  private static final String RERUN = "meshctl check --kubecontext mgmt --namespace gloo-mesh";

  @ParameterizedTest(name = "{0}")
  @CsvSource({"check-0.11-passed.out, 2", "check-0.12-passed.out, 3", "check-1.0-passed.out, 3"})
  void anOutputWhereEveryCheckPassedIsGreen(String fixture, int checks) {
    VerifyCheck check = verdict(fixture);
    assertThat(check.level()).isEqualTo(CheckLevel.GREEN);
    assertThat(check.detail()).isEqualTo(checks + " checks passed");
    assertThat(check.hint()).isEmpty();
  }

  @Test
  void everyFailedLineOfTheZeroElevenFormatIsNamedWithItsErrors() {
    MeshctlCheckOutput output = MeshctlCheckOutput.of(FakeMeshctl.fixture("check-0.11-failed.out"));
    assertThat(output.failed())
        .extracting(MeshctlCheckOutput.Flagged::line)
        .containsExactly(
            "❌ Gloo Mesh pods are running",
            "❌ Gloo Mesh networking configuration resources are in a valid state");
    assertThat(output.failed().get(1).errors())
        .containsExactly(
            "TrafficPolicy retries.bookinfo: approval state is INVALID",
            "AccessPolicy productpage.bookinfo: observed generation does not match generation");

    VerifyCheck check = output.verdict("meshctl check", RERUN, "");
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail())
        .startsWith("2 of 2 checks failed: ")
        .contains(
            "❌ Gloo Mesh pods are running (deployment \"networking\" has no available pods)",
            "TrafficPolicy retries.bookinfo: approval state is INVALID");
    assertThat(check.hint()).contains("exits 0 even when a check fails", RERUN);
  }

  @Test
  void aFailedLineAmongPassedOnesOfTheZeroTwelveFormatIsRed() {
    VerifyCheck check = verdict("check-0.12-failed.out");
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail())
        .isEqualTo(
            "1 of 3 checks failed: ❌ Gloo Mesh networking configuration resources "
                + "are in a valid state (VirtualMesh virtual-mesh.gloo-mesh: approval state is FAILED)");
  }

  @Test
  void theHintsOfTheOneZeroFormatReachTheReport() {
    VerifyCheck check = verdict("check-1.0-failed.out");
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail())
        .contains("❌ Gloo Mesh pods are running (deployment \"discovery\" has no available pods)");
    assertThat(check.hint())
        .startsWith(
            "meshctl says: check the status of Gloo Mesh deployments with "
                + "\"kubectl -n gloo-mesh get deployments -oyaml\"");
  }

  @Test
  void theAgentsTableAndLogLinesAreNeitherVerdictsNorHints() {
    MeshctlCheckOutput output =
        MeshctlCheckOutput.of(FakeMeshctl.fixture("check-1.0-enterprise-agent-down.out"));
    assertThat(output.passed()).isEqualTo(2);
    assertThat(output.failed())
        .singleElement()
        .satisfies(
            failed -> {
              assertThat(failed.line())
                  .isEqualTo(
                      "❌ Gloo Mesh agents are connected for each registered KubernetesCluster.");
              assertThat(failed.errors())
                  .containsExactly(
                      "cluster cluster2 registered but agent is not connected (pull: false, push: false)");
              assertThat(failed.hints())
                  .singleElement()
                  .asString()
                  .startsWith("check the logs of the agent on cluster2");
            });
  }

  @Test
  void theNewerTrafficLightFormatIsNotMistakenForAPass() {
    MeshctlCheckOutput output = MeshctlCheckOutput.of(FakeMeshctl.fixture("check-1.1-format.out"));
    assertThat(output.passed()).isEqualTo(2);
    assertThat(output.warned()).singleElement().satisfies(w -> assertThat(w.hints()).hasSize(2));
    VerifyCheck check = output.verdict("meshctl check", RERUN, "");
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail()).isEqualTo("1 of 4 checks failed: 🔴 Gloo Mesh CRD Versions");
  }

  @Test
  void warningsAloneAreYellow() {
    String output = FakeMeshctl.fixture("check-1.1-format.out").replace("🔴", "🟢");
    VerifyCheck check = MeshctlCheckOutput.of(output).verdict("meshctl check", RERUN, "");
    assertThat(check.level()).isEqualTo(CheckLevel.YELLOW);
    assertThat(check.hint()).contains("No registered clusters detected");
  }

  @Test
  void anOutputWithoutAnyCheckLineIsRedNotGreen() {
    String output = "Error: unknown flag: --kubecontext\n";
    VerifyCheck check =
        MeshctlCheckOutput.of(output).verdict("meshctl check", RERUN, output.strip());
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail()).contains("no check result", "unknown flag");
  }

  @Test
  void aVeryLongListOfFailuresIsCapped() {
    String output =
        "Management Configuration\n---------------------------\n"
            + "❌ Gloo Mesh networking configuration resources are in a valid state\n"
            + IntStream.range(0, 500)
                .mapToObj(i -> "  - TrafficPolicy tp-" + i + ".bookinfo: approval state is INVALID")
                .collect(Collectors.joining("\n"));
    VerifyCheck check = MeshctlCheckOutput.of(output).verdict("meshctl check", RERUN, "");
    assertThat(check.level()).isEqualTo(CheckLevel.RED);
    assertThat(check.detail()).contains("tp-0.bookinfo").endsWith("[...]").hasSizeLessThan(3100);
  }

  private static VerifyCheck verdict(String fixture) {
    return MeshctlCheckOutput.of(FakeMeshctl.fixture(fixture)).verdict("meshctl check", RERUN, "");
  }
}

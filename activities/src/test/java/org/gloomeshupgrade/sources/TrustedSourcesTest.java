package org.gloomeshupgrade.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedSourcesTest {
  private static final TrustedSources DEFAULTS = TrustedSources.defaults();

  @TempDir Path tmp;

  private static RequestedSources chart(String chart) {
    return new RequestedSources(chart, null, null, null, List.of(), "0.11.3");
  }

  @Test
  void theDefaultRequestReadsOnlyWhatTheDefaultsTrust() {
    // An empty chart, CRD source and agent charts: the public repositories, meshctl on the PATH.
    assertThat(DEFAULTS.problems(new RequestedSources("", "", "", "", List.of(), "0.12.8")))
        .isEmpty();
    assertThat(
            DEFAULTS.problems(
                new RequestedSources(
                    "https://storage.googleapis.com/gloo-mesh/gloo-mesh/gloo-mesh-0.11.3.tgz",
                    "https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.11.3/install/helm/gloo-mesh/crds/",
                    "https://storage.googleapis.com/gloo-mesh",
                    "",
                    List.of("/etc/gloo-mesh-upgrade/values/prod.yaml"),
                    "0.11.3")))
        .isEmpty();
  }

  @Test
  void aChartElsewhereIsRefusedNamingTheFieldAndWhatIsTrusted() {
    List<String> problems = DEFAULTS.problems(chart("https://charts.example.com/gloo-mesh"));

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("chart \"https://charts.example.com/gloo-mesh\" is outside the trusted chart")
        .contains("https://storage.googleapis.com/gloo-mesh/gloo-mesh");
  }

  @Test
  void lookalikeUrlsAreNotCoveredByATrustedPrefix() {
    for (String lookalike :
        List.of(
            "https://storage.googleapis.com/gloo-mesh/gloo-mesh-evil",
            "https://storage.googleapis.com.evil.example/gloo-mesh/gloo-mesh",
            "https://storage.googleapis.com:8443/gloo-mesh/gloo-mesh",
            "http://storage.googleapis.com/gloo-mesh/gloo-mesh",
            "https://storage.googleapis.com/gloo-mesh/gloo-mesh/../../other-bucket/chart",
            "https://storage.googleapis.com/gloo-mesh/gloo-mesh/%2e%2e/%2e%2e/other-bucket",
            "https://user:token@storage.googleapis.com/gloo-mesh/gloo-mesh",
            "https://storage.googleapis.com/gloo-mesh/gloo-mesh?token=x",
            "file:///etc/passwd")) {
      assertThat(DEFAULTS.problems(chart(lookalike))).as(lookalike).hasSize(1);
    }
  }

  @Test
  void aLocalChartIsTrustedOnlyInsideATrustedFolderWhereverItsLinksLead() throws IOException {
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    Path chart = Files.createDirectories(mirror.resolve("gloo-mesh"));
    Path outside = Files.createDirectories(tmp.resolve("outside/gloo-mesh"));
    Path link = Files.createSymbolicLink(mirror.resolve("link"), outside);
    TrustedSources trusted = DEFAULTS.withFolder(mirror);

    assertThat(trusted.problems(chart(chart.toString()))).isEmpty();
    assertThat(trusted.problems(chart(outside.toString()))).hasSize(1);
    assertThat(trusted.problems(chart(mirror + "/../outside/gloo-mesh"))).hasSize(1);
    assertThat(trusted.problems(chart(link.toString()))).as("a link out of the folder").hasSize(1);
    assertThat(DEFAULTS.problems(chart(chart.toString()))).as("not trusted by default").hasSize(1);
  }

  @Test
  void theWorkersKubeconfigCannotBeGivenAsValues() throws IOException {
    Path values = Files.createDirectories(tmp.resolve("values"));
    Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), "apiVersion: v1\n");
    Path linked = Files.createSymbolicLink(values.resolve("innocent.yaml"), kubeconfig);
    Path ok = Files.writeString(values.resolve("prod.yaml"), "replicas: 2\n");
    TrustedSources trusted =
        new TrustedSources(
            List.of(), List.of(), List.of(), List.of(SourceLocation.folder(values)), List.of());

    List<String> problems =
        trusted.problems(
            new RequestedSources(
                null,
                null,
                null,
                null,
                List.of(ok.toString(), kubeconfig.toString(), linked.toString()),
                "0.11.3"));

    assertThat(problems)
        .containsExactly(
            "helmValuesFiles[1] \"%s\" is outside the trusted values folders (%s)"
                .formatted(kubeconfig, values),
            "helmValuesFiles[2] \"%s\" is outside the trusted values folders (%s)"
                .formatted(linked, values));
  }

  @Test
  void meshctlIsRunFromThePathUnlessTheOperatorTrustsAnotherBinary() throws IOException {
    Path meshctl = Files.writeString(tmp.resolve("meshctl"), "#!/bin/sh\n");

    assertThat(DEFAULTS.problems(RequestedSources.meshctl(""))).isEmpty();
    assertThat(DEFAULTS.problems(RequestedSources.meshctl("/bin/sh")))
        .singleElement()
        .asString()
        .contains("meshctlPath \"/bin/sh\" is outside the trusted binaries (none)");
    assertThat(DEFAULTS.withBinary(meshctl).problems(RequestedSources.meshctl(meshctl.toString())))
        .isEmpty();
    assertThat(DEFAULTS.withBinary(meshctl).problems(RequestedSources.meshctl("/bin/sh")))
        .hasSize(1);
  }

  @Test
  void derivedLocationsAreCheckedAsWhatTheyRead() {
    // No agentCharts: beside the chart; no crdSource: the public repository at the target's tag.
    TrustedSources noPublicCrds =
        new TrustedSources(
            DEFAULTS.charts(), List.of(), DEFAULTS.agentCharts(), List.of(), List.of());

    assertThat(noPublicCrds.problems(new RequestedSources("", "", null, null, List.of(), "0.12.8")))
        .singleElement()
        .asString()
        .startsWith(
            "crdSource \"\" (which reads https://raw.githubusercontent.com/solo-io/gloo-mesh/v0.12.8/");
    assertThat(
            DEFAULTS
                .withChart("https://charts.example.com/gloo-mesh")
                .problems(
                    new RequestedSources(
                        "https://charts.example.com/gloo-mesh",
                        null,
                        "",
                        null,
                        List.of(),
                        "0.11.3")))
        .singleElement()
        .asString()
        .startsWith("agentCharts \"\" (which reads https://charts.example.com) is outside");
    assertThat(
            DEFAULTS.problems(
                RequestedSources.crds("chart", "https://charts.example.com/gloo-mesh", "0.11.3")))
        .as("crdSource chart reads the chart")
        .singleElement()
        .asString()
        .startsWith("chart ");
    assertThat(DEFAULTS.problems(new RequestedSources("", null, "none", null, List.of(), "0.11.3")))
        .isEmpty();
  }

  @Test
  void theRefusalNamesEveryUntrustedFieldAtOnceAsANonRetryableUntrustedSource() {
    ApplicationFailure refusal =
        catchThrowableOfType(
            () ->
                DEFAULTS.refuseUntrusted(
                    new RequestedSources(
                        "/srv/charts/gloo-mesh",
                        "https://crds.example.com/",
                        "none",
                        "/usr/bin/meshctl",
                        List.of("/root/.kube/config"),
                        "0.11.3")),
            ApplicationFailure.class);

    assertThat(refusal.getType()).isEqualTo(FailureTypes.UNTRUSTED_SOURCE);
    assertThat(refusal.isNonRetryable()).isTrue();
    assertThat(refusal.getOriginalMessage())
        .contains("chart \"/srv/charts/gloo-mesh\"")
        .contains("crdSource \"https://crds.example.com/\"")
        .contains("meshctlPath \"/usr/bin/meshctl\"")
        .contains("helmValuesFiles[0] \"/root/.kube/config\"")
        .contains("nothing was changed");
  }
}

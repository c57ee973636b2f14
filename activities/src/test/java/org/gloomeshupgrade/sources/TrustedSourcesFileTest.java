package org.gloomeshupgrade.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedSourcesFileTest {
  @TempDir Path tmp;

  private Path file(String yaml) throws IOException {
    return Files.writeString(tmp.resolve("trusted-sources.yaml"), yaml);
  }

  @Test
  void aKeyLeftOutKeepsItsDefaultAndAnEmptyListTrustsNothing() throws IOException {
    TrustedSources read =
        TrustedSourcesFile.read(
            file(
                """
                charts: [/srv/charts, https://charts.example.com/gloo-mesh]
                crdSources: []
                binaries: [/opt/meshctl/bin]
                """));

    assertThat(read.charts())
        .map(String::valueOf)
        .containsExactly("/srv/charts", "https://charts.example.com/gloo-mesh");
    assertThat(read.crdSources()).isEmpty();
    assertThat(read.agentCharts()).isEqualTo(TrustedSources.defaults().agentCharts());
    assertThat(read.valuesFolders()).isEqualTo(TrustedSources.defaults().valuesFolders());
    assertThat(read.problems(RequestedSources.meshctl("/opt/meshctl/bin/meshctl"))).isEmpty();
    assertThat(read.problems(RequestedSources.crds("", "", "0.11.3"))).hasSize(1);
  }

  @Test
  void anEmptyFileIsTheDefaults() throws IOException {
    assertThat(TrustedSourcesFile.read(file(""))).isEqualTo(TrustedSources.defaults());
  }

  @Test
  void anUnknownKeyIsRefusedNamingItAndTheKeys() throws IOException {
    Path f = file("chart: [/srv/charts]\n");

    assertThatThrownBy(() -> TrustedSourcesFile.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown key \"chart\"")
        .hasMessageContaining("charts")
        .hasMessageContaining(f.toString());
  }

  @Test
  void badEntriesAreRefusedNamingKeyAndIndexWithoutEchoingCredentials() throws IOException {
    Path f =
        file(
            """
            charts: [relative/charts, "https://user:s3cret@charts.example.com/"]
            valuesFolders: ["ftp://values.example.com/"]
            """);

    assertThatThrownBy(() -> TrustedSourcesFile.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("charts[0]: \"relative/charts\" is not an absolute path")
        .hasMessageContaining("charts[1]: an entry with credentials")
        .hasMessageContaining("valuesFolders[0]")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void aFileThatIsNotAMappingOfListsIsRefused() throws IOException {
    Path f = file("charts: /srv/charts\n");

    assertThatThrownBy(() -> TrustedSourcesFile.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(f.toString());
  }
}

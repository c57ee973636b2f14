package org.gloomeshupgrade.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalConnectionOptionsTest {
  private static final String KEY = "key-that-must-never-show";

  @TempDir Path tmp;

  /** Options with an empty profile file, so that none on this machine is read. */
  private TemporalConnectionOptions options(String address, Path apiKeyFile, Boolean tls) {
    Path empty = tmp.resolve("empty.toml");
    try {
      Files.writeString(empty, "");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new TemporalConnectionOptions(
        address, null, null, empty, apiKeyFile, tls, null, null, null, null);
  }

  private TemporalConnectionOptions noFlags() {
    return options(null, null, null);
  }

  @Test
  void withNothingGivenItIsPlainTextToTheLocalDefault() {
    TemporalConnection c = noFlags().resolve(Map.of());

    assertThat(c.address()).isEqualTo("127.0.0.1:7233");
    assertThat(c.namespace()).isEqualTo("default");
    assertThat(c.stubsOptions().getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(c.stubsOptions().getEnableHttps()).isFalse();
    assertThat(c.describe()).isEqualTo("127.0.0.1:7233 namespace default, plain text");
  }

  @Test
  void temporalsOwnVariablesSetAddressAndNamespaceAndFlagsGoOnTop() {
    Map<String, String> env =
        Map.of("TEMPORAL_ADDRESS", "temporal.example.com:7233", "TEMPORAL_NAMESPACE", "mesh");

    assertThat(noFlags().resolve(env).address()).isEqualTo("temporal.example.com:7233");
    assertThat(noFlags().resolve(env).namespace()).isEqualTo("mesh");
    assertThat(options("other:7233", null, null).resolve(env).stubsOptions().getTarget())
        .isEqualTo("other:7233");
  }

  @Test
  void anApiKeyTurnsTlsOnAndIsSentButNeverDescribed() {
    TemporalConnection c = noFlags().resolve(Map.of("TEMPORAL_API_KEY", KEY));

    WorkflowServiceStubsOptions stubs = c.stubsOptions();
    assertThat(stubs.getEnableHttps()).isTrue();
    assertThat(stubs.getGrpcMetadataProviders()).isNotEmpty();
    assertThat(c.describe()).contains("TLS", "API key").doesNotContain(KEY);
    assertThat(c.toString()).doesNotContain(KEY);
  }

  @Test
  void tlsTurnedOffOnPurposeStaysOffWithAnApiKey() {
    TemporalConnection c =
        noFlags().resolve(Map.of("TEMPORAL_API_KEY", KEY, "TEMPORAL_TLS", "false"));

    assertThat(c.stubsOptions().getEnableHttps()).isFalse();
    assertThat(c.describe()).contains("plain text");
  }

  @Test
  void anApiKeyFileIsReadAgainWhenItChanges() throws Exception {
    Path file = Files.writeString(tmp.resolve("api-key"), "first\n");
    ApiKeyFile key = ApiKeyFile.open(file);
    assertThat(key.supply()).isEqualTo("first");

    Files.writeString(file, "second");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

    assertThat(key.supply()).isEqualTo("second");
    TemporalConnection c = options(null, file, null).resolve(Map.of());
    assertThat(c.stubsOptions().getEnableHttps()).isTrue();
    assertThat(c.describe()).contains("API key from a file").doesNotContain("second");
  }

  @Test
  void anEmptyOrMissingApiKeyFileIsRefusedNamingIt() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");

    assertThatThrownBy(() -> options(null, empty, null).resolve(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the API key file %s is empty".formatted(empty));
    assertThatThrownBy(() -> options(null, tmp.resolve("absent"), null).resolve(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the API key file")
        .hasMessageContaining("absent");
  }

  @Test
  void aProfileFromTheFileIsUsedAndAMissingOneIsRefusedNamingIt() throws Exception {
    Path toml =
        Files.writeString(
            tmp.resolve("temporal.toml"),
            """
            [profile.prod]
            address = "prod.example.com:7233"
            namespace = "mesh-prod"
            """);
    TemporalConnectionOptions prod =
        new TemporalConnectionOptions(null, null, "prod", toml, null, null, null, null, null, null);
    TemporalConnectionOptions staging =
        new TemporalConnectionOptions(
            null, null, "staging", toml, null, null, null, null, null, null);

    assertThat(prod.resolve(Map.of()).address()).isEqualTo("prod.example.com:7233");
    assertThat(prod.resolve(Map.of()).namespace()).isEqualTo("mesh-prod");
    assertThat(
            TemporalConnectionOptions.none()
                .resolve(
                    Map.of("TEMPORAL_CONFIG_FILE", toml.toString(), "TEMPORAL_PROFILE", "prod"))
                .address())
        .isEqualTo("prod.example.com:7233");
    assertThatThrownBy(() -> staging.resolve(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("profile staging in " + toml);
  }

  @Test
  void aClientCertificateWithoutItsKeyOrAMissingCaIsRefusedBeforeConnecting() throws Exception {
    Path cert = Files.writeString(tmp.resolve("client.pem"), "not read before the check");

    assertThatThrownBy(
            () -> noFlags().resolve(Map.of("TEMPORAL_TLS_CLIENT_CERT_PATH", cert.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs its key");
    assertThatThrownBy(
            () ->
                noFlags()
                    .resolve(
                        Map.of(
                            "TEMPORAL_TLS_SERVER_CA_CERT_PATH", tmp.resolve("ca.pem").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the TLS server CA (TEMPORAL_TLS_SERVER_CA_CERT_PATH)")
        .hasMessageContaining("ca.pem");
  }
}

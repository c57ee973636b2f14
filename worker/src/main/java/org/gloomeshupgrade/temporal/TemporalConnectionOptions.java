package org.gloomeshupgrade.temporal;

import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How to reach Temporal, the way Temporal's own CLI and SDKs are told: the {@code TEMPORAL_*}
 * environment variables and the {@code temporal.toml} profile file (read by temporal-envconfig),
 * with what the command line gives on top. Every field is null when not given.
 *
 * @param address host:port of the frontend
 * @param profile the profile in the file (else {@code TEMPORAL_PROFILE}, else "default")
 * @param configFile the profile file (else {@code TEMPORAL_CONFIG_FILE}, else Temporal's default
 *     place)
 * @param apiKeyFile a file holding the API key, read again whenever it changes (a mounted Secret)
 * @param tls TLS on or off; on by default with an API key or a client certificate
 * @param tlsCert the client certificate (PEM) for mTLS
 * @param tlsKey its private key (PEM)
 * @param tlsCa the CA that signed the server's certificate, when not a public one
 * @param tlsServerName the name the server's certificate carries, when not the address's host
 */
public record TemporalConnectionOptions(
    String address,
    String namespace,
    String profile,
    Path configFile,
    Path apiKeyFile,
    Boolean tls,
    Path tlsCert,
    Path tlsKey,
    Path tlsCa,
    String tlsServerName) {

  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  /** Nothing given on the command line: the environment and the profile file decide. */
  public static TemporalConnectionOptions none() {
    return new TemporalConnectionOptions(
        null, null, null, null, null, null, null, null, null, null);
  }

  /** Only an address and a namespace, as tests and the demo connect. */
  public static TemporalConnectionOptions plain(String address, String namespace) {
    return new TemporalConnectionOptions(
        address, namespace, null, null, null, null, null, null, null, null);
  }

  /** With the process's own environment. */
  public TemporalConnection resolve() {
    return resolve(System.getenv());
  }

  /**
   * The connection these options, the environment given and the profile file make.
   *
   * @throws IllegalArgumentException naming the setting, when a file cannot be read or the profile
   *     is not there
   */
  public TemporalConnection resolve(Map<String, String> env) {
    ClientConfigProfile loaded = load(env);
    ClientConfigProfile.Builder profileBuilder = loaded.toBuilder();
    if (address != null) {
      profileBuilder.setAddress(address);
    }
    if (namespace != null) {
      profileBuilder.setNamespace(namespace);
    }
    ClientConfigTLS givenTls = loaded.getTls();
    ClientConfigTLS.Builder tlsBuilder =
        givenTls == null ? ClientConfigTLS.newBuilder() : givenTls.toBuilder();
    boolean tlsChanged = false;
    if (tls != null) {
      tlsBuilder.setDisabled(!tls);
      tlsChanged = true;
    }
    if (tlsCert != null) {
      tlsBuilder.setClientCertPath(readable(tlsCert, "the TLS client certificate").toString());
      tlsChanged = true;
    }
    if (tlsKey != null) {
      tlsBuilder.setClientKeyPath(readable(tlsKey, "the TLS client key").toString());
      tlsChanged = true;
    }
    if (tlsCa != null) {
      tlsBuilder.setServerCACertPath(readable(tlsCa, "the TLS server CA").toString());
      tlsChanged = true;
    }
    if (tlsServerName != null) {
      tlsBuilder.setServerName(tlsServerName);
      tlsChanged = true;
    }
    if (tlsChanged) {
      profileBuilder.setTls(tlsBuilder.build());
    }
    ClientConfigProfile profile = profileBuilder.build();
    checkFiles(profile.getTls());

    WorkflowServiceStubsOptions fromProfile;
    try {
      fromProfile = profile.toWorkflowServiceStubsOptions();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot set up the Temporal connection: %s".formatted(e.getMessage()), e);
    }
    WorkflowServiceStubsOptions.Builder stubs = WorkflowServiceStubsOptions.newBuilder(fromProfile);
    String resolvedAddress = profile.getAddress() == null ? DEFAULT_ADDRESS : profile.getAddress();
    stubs.setTarget(resolvedAddress);
    ApiKeyFile keyFile = null;
    if (apiKeyFile != null) {
      keyFile = ApiKeyFile.open(readable(apiKeyFile, "the API key file"));
      stubs.addApiKey(keyFile);
    }
    boolean apiKey = keyFile != null || notBlank(profile.getApiKey());
    ClientConfigTLS finalTls = profile.getTls();
    boolean tlsOff = finalTls != null && Boolean.TRUE.equals(finalTls.isDisabled());
    boolean tlsOn = !tlsOff && (finalTls != null || apiKey);
    if (tlsOn && fromProfile.getSslContext() == null) {
      // An API key goes over TLS unless TLS is turned off on purpose, as Temporal's CLI does.
      stubs.setEnableHttps(true);
    }
    if (tlsOff) {
      stubs.setEnableHttps(false);
    }
    String resolvedNamespace =
        notBlank(profile.getNamespace()) ? profile.getNamespace() : DEFAULT_NAMESPACE;
    return new TemporalConnection(
        stubs.build(),
        resolvedAddress,
        resolvedNamespace,
        describe(resolvedAddress, resolvedNamespace, finalTls, tlsOn, apiKey, keyFile != null));
  }

  private ClientConfigProfile load(Map<String, String> env) {
    LoadClientConfigProfileOptions.Builder options =
        LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env);
    if (profile != null) {
      options.setConfigFileProfile(profile);
    }
    if (configFile != null) {
      options.setConfigFilePath(readable(configFile, "the Temporal profile file").toString());
    }
    String file = configFile != null ? configFile.toString() : env.get("TEMPORAL_CONFIG_FILE");
    if (file != null && !file.isBlank() && blank(Path.of(file))) {
      // temporal-envconfig fails on a file with no profiles at all: it holds nothing anyway.
      options.setDisableFile(true);
    }
    try {
      return ClientConfigProfile.load(options.build());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the Temporal connection profile (%s): %s"
              .formatted(profileSource(env), e.getMessage()),
          e);
    }
  }

  private String profileSource(Map<String, String> env) {
    String file =
        configFile != null
            ? configFile.toString()
            : env.getOrDefault("TEMPORAL_CONFIG_FILE", "the default temporal.toml");
    String name = profile != null ? profile : env.getOrDefault("TEMPORAL_PROFILE", "default");
    return "profile %s in %s".formatted(name, file);
  }

  /** A file named in the profile or the environment that is not there fails here, naming it. */
  private static void checkFiles(ClientConfigTLS tls) {
    if (tls == null) {
      return;
    }
    checkPath(
        tls.getClientCertPath(), "the TLS client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH)");
    checkPath(tls.getClientKeyPath(), "the TLS client key (TEMPORAL_TLS_CLIENT_KEY_PATH)");
    checkPath(tls.getServerCACertPath(), "the TLS server CA (TEMPORAL_TLS_SERVER_CA_CERT_PATH)");
    boolean cert = tls.getClientCertPath() != null || tls.getClientCertData() != null;
    boolean key = tls.getClientKeyPath() != null || tls.getClientKeyData() != null;
    if (cert != key) {
      throw new IllegalArgumentException(
          "a TLS client certificate needs its key and a key its certificate: give both"
              + " (TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH)");
    }
  }

  private static void checkPath(String path, String what) {
    if (path != null && !path.isBlank()) {
      readable(Path.of(path), what);
    }
  }

  private static Path readable(Path path, String what) {
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException("%s %s is not readable".formatted(what, path));
    }
    return path;
  }

  private static boolean blank(Path file) {
    try {
      return Files.isRegularFile(file) && Files.readString(file).isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** What a log line may say of the connection: never a key or a certificate's content. */
  private static String describe(
      String address,
      String namespace,
      ClientConfigTLS tls,
      boolean tlsOn,
      boolean apiKey,
      boolean apiKeyFromFile) {
    List<String> parts = new ArrayList<>();
    parts.add("%s namespace %s".formatted(address, namespace));
    if (!tlsOn) {
      parts.add("plain text");
    } else {
      boolean clientCert =
          tls != null && (tls.getClientCertPath() != null || tls.getClientCertData() != null);
      parts.add(clientCert ? "mTLS" : "TLS");
      if (tls != null && tls.getServerName() != null) {
        parts.add("server name " + tls.getServerName());
      }
    }
    if (apiKey) {
      parts.add(apiKeyFromFile ? "API key from a file" : "API key");
    }
    return String.join(", ", parts);
  }
}

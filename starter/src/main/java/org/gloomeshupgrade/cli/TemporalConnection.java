package org.gloomeshupgrade.cli;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Path;
import org.gloomeshupgrade.temporal.TemporalConnectionOptions;
import picocli.CommandLine.Option;

/**
 * Where Temporal is and how to prove who we are: shared by every command that talks to it. Flags
 * named as the Temporal CLI names them, on top of its {@code TEMPORAL_*} variables and {@code
 * temporal.toml} profiles.
 */
public final class TemporalConnection {
  @Option(
      names = "--address",
      description =
          "Temporal frontend host:port (default: TEMPORAL_ADDRESS, the profile, else 127.0.0.1:7233).")
  String address;

  @Option(
      names = "--namespace",
      description = "Temporal namespace (default: TEMPORAL_NAMESPACE, the profile, else default).")
  String namespace;

  @Option(
      names = "--profile",
      description =
          "Profile in the Temporal profile file (default: TEMPORAL_PROFILE, else default).")
  String profile;

  @Option(
      names = "--config-file",
      description =
          "Temporal profile file, temporal.toml (default: TEMPORAL_CONFIG_FILE, else"
              + " ~/.config/temporalio/temporal.toml when there).")
  Path configFile;

  @Option(
      names = "--api-key-file",
      description =
          "File holding the Temporal API key (TEMPORAL_API_KEY gives the key itself). Turns TLS on.")
  Path apiKeyFile;

  @Option(
      names = "--tls",
      negatable = true,
      description =
          "TLS to Temporal (default: TEMPORAL_TLS, the profile, else on with an API key or a client"
              + " certificate).")
  Boolean tls;

  @Option(
      names = "--tls-cert-path",
      description = "Client certificate for mTLS, PEM (default: TEMPORAL_TLS_CLIENT_CERT_PATH).")
  Path tlsCert;

  @Option(
      names = "--tls-key-path",
      description = "Its private key, PEM (default: TEMPORAL_TLS_CLIENT_KEY_PATH).")
  Path tlsKey;

  @Option(
      names = "--tls-ca-path",
      description =
          "CA of the server's certificate, PEM (default: TEMPORAL_TLS_SERVER_CA_CERT_PATH).")
  Path tlsCa;

  @Option(
      names = "--tls-server-name",
      description = "Name on the server's certificate (default: TEMPORAL_TLS_SERVER_NAME).")
  String tlsServerName;

  private org.gloomeshupgrade.temporal.TemporalConnection resolved;
  private WorkflowServiceStubs service;

  private org.gloomeshupgrade.temporal.TemporalConnection resolved() {
    if (resolved == null) {
      resolved =
          new TemporalConnectionOptions(
                  address,
                  namespace,
                  profile,
                  configFile,
                  apiKeyFile,
                  tls,
                  tlsCert,
                  tlsKey,
                  tlsCa,
                  tlsServerName)
              .resolve();
    }
    return resolved;
  }

  /** The namespace in use, from the flag, the environment or the profile. */
  String namespace() {
    return resolved().namespace();
  }

  WorkflowClient client() {
    service = WorkflowServiceStubs.newServiceStubs(resolved().stubsOptions());
    return WorkflowClient.newInstance(
        service, WorkflowClientOptions.newBuilder().setNamespace(namespace()).build());
  }

  void close() {
    if (service != null) {
      service.shutdown();
    }
  }
}

package org.gloomeshupgrade.testkit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real kube-apiserver for one simulated cluster: HTTPS on a free loopback port, storage in the
 * shared etcd under the cluster's own prefix, RBAC authorization, and an audit log of every request
 * but the simulator's own reads, from which the cluster's {@link RequestJournal} is filled.
 */
final class ApiServerProcess implements AutoCloseable {

  /** The user the admin token authenticates as; a member of system:masters. */
  static final String ADMIN_USER = "gmu-admin";

  static final String AUDIT_POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived", "ResponseStarted"]
      rules:
        # The server's own loopback requests and the simulator's polling reads would bury the requests under test.
        - level: None
          users: ["system:apiserver"]
        - level: None
          users: ["%s"]
          verbs: ["get", "list", "watch"]
        - level: None
          nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
        - level: Request
          verbs: ["create", "update", "patch", "delete", "deletecollection"]
        - level: Metadata
      """
          .formatted(ADMIN_USER);

  private final ServerProcess process;
  private final String url;
  private final Path auditLog;
  private final Path folder;

  /** The same server started again, on a new port. */
  private final Supplier<ApiServerProcess> startAgain;

  private ApiServerProcess(
      ServerProcess process,
      String url,
      Path auditLog,
      Path folder,
      Supplier<ApiServerProcess> startAgain) {
    this.process = process;
    this.url = url;
    this.auditLog = auditLog;
    this.folder = folder;
    this.startAgain = startAgain;
  }

  /** Where the server started in {@code folder} logs. */
  static Path log(Path folder) {
    return folder.resolve("kube-apiserver.log");
  }

  /** Starts the server; {@link #awaitReady} waits for it, so several can start at once. */
  static ApiServerProcess start(
      String cluster,
      Path folder,
      EtcdProcess etcd,
      ClusterCertificates certificates,
      String adminToken) {
    return start(cluster, folder, etcd, certificates, adminToken, FreePort::pick);
  }

  /** As above, its port from {@code ports}, and from there again when it is started again. */
  static ApiServerProcess start(
      String cluster,
      Path folder,
      EtcdProcess etcd,
      ClusterCertificates certificates,
      String adminToken,
      IntSupplier ports) {
    try {
      Files.createDirectories(folder);
      Path tokens = folder.resolve("tokens.csv");
      Files.writeString(
          tokens,
          adminToken + "," + ADMIN_USER + "," + ADMIN_USER + ",\"system:masters\"\n",
          StandardCharsets.UTF_8);
      Path policy = folder.resolve("audit-policy.yaml");
      Files.writeString(policy, AUDIT_POLICY, StandardCharsets.UTF_8);
      Path auditLog = folder.resolve("audit.log");
      // A server started again after losing its port starts with an empty audit log too.
      Files.deleteIfExists(auditLog);
      Files.createFile(auditLog);
      int port = ports.getAsInt();
      String issuer = "https://kubernetes.default.svc.cluster.local";
      ServerProcess process =
          ServerProcess.start(
              "kube-apiserver of " + cluster,
              List.of(
                  KubeServerBinaries.kubeApiserver().toString(),
                  "--etcd-servers=" + etcd.url(),
                  "--etcd-prefix=/clusters/" + cluster,
                  "--bind-address=127.0.0.1",
                  "--advertise-address=127.0.0.1",
                  "--secure-port=" + port,
                  "--tls-cert-file=" + certificates.servingCertificate,
                  "--tls-private-key-file=" + certificates.servingKey,
                  "--client-ca-file=" + certificates.caCertificate,
                  "--token-auth-file=" + tokens,
                  "--authorization-mode=RBAC",
                  "--service-account-issuer=" + issuer,
                  "--api-audiences=" + issuer,
                  "--service-account-key-file=" + certificates.serviceAccountPublicKey,
                  "--service-account-signing-key-file=" + certificates.serviceAccountKey,
                  "--service-cluster-ip-range=10.96.0.0/16",
                  "--audit-policy-file=" + policy,
                  "--audit-log-path=" + auditLog,
                  // Nothing here needs request fairness or profiling, and both cost CPU on a small
                  // machine.
                  "--enable-priority-and-fairness=false",
                  "--profiling=false",
                  "--v=0"),
              log(folder));
      return new ApiServerProcess(
          process,
          "https://127.0.0.1:" + port,
          auditLog,
          folder,
          () -> start(cluster, folder, etcd, certificates, adminToken, ports));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until /readyz answers ok: storage reachable and the built-in RBAC roles written. A server
   * that lost its port to another process between pick and bind is started again on another, its
   * log kept apart; use the server this returns.
   */
  ApiServerProcess awaitReady(String caPem, String adminToken) {
    ApiServerProcess[] current = {this};
    try {
      return FreePort.retryingLostPort(
          n -> {
            if (n > 1) {
              current[0].close();
              keepLogApart(n - 1);
              current[0] = current[0].startAgain.get();
            }
            return current[0].awaitReadyOnce(caPem, adminToken);
          });
    } catch (RuntimeException e) {
      if (current[0] != this) {
        current[0].close();
      }
      throw e;
    }
  }

  private void keepLogApart(int attempt) {
    Path log = log(folder);
    try {
      Files.move(
          log,
          log.resolveSibling("kube-apiserver-lost-port-" + attempt + ".log"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ApiServerProcess awaitReadyOnce(String caPem, String adminToken) {
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(trusting(caPem))
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    process.awaitReady(
        Duration.ofSeconds(90),
        () -> {
          try {
            HttpResponse<String> ready =
                http.send(
                    HttpRequest.newBuilder(URI.create(url + "/readyz"))
                        .header("Authorization", "Bearer " + adminToken)
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
    return this;
  }

  String url() {
    return url;
  }

  Path auditLog() {
    return auditLog;
  }

  @Override
  public void close() {
    process.close();
  }

  private static SSLContext trusting(String caPem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry(
          "ca",
          CertificateFactory.getInstance("X.509")
              .generateCertificate(
                  new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not trust the simulated CA", e);
    }
  }
}

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

  static final String AUDIT_POLICY =
      """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived", "ResponseStarted"]
      rules:
        # The server's own loopback requests, the simulator's and the components' reads, leases
        # (heartbeats) and events would bury the requests under test.
        - level: None
          users: ["system:apiserver"]
        - level: None
          resources:
            - group: coordination.k8s.io
              resources: ["leases"]
            - group: ""
              resources: ["events"]
            - group: events.k8s.io
              resources: ["events"]
        - level: None
          users: ["%s", "%s", "%s", "%s"]
          verbs: ["get", "list", "watch"]
        - level: None
          userGroups: ["system:serviceaccounts:kube-system"]
          verbs: ["get", "list", "watch"]
        - level: None
          users: ["%s"]
          resources:
            - group: ""
              resources: ["nodes", "nodes/status"]
        - level: None
          nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
        # A ReplicaSet names its pods with generateName: the name is only in the response.
        - level: RequestResponse
          verbs: ["create"]
          resources:
            - group: ""
              resources: ["pods"]
        - level: Request
          verbs: ["create", "update", "patch", "delete", "deletecollection"]
        - level: Metadata
      """
          .formatted(
              ClusterTokens.ADMIN_USER,
              ClusterTokens.CONTROLLER_MANAGER_USER,
              ClusterTokens.SCHEDULER_USER,
              ClusterTokens.KWOK_USER,
              ClusterTokens.KWOK_USER);

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
      ClusterTokens tokens) {
    return start(cluster, folder, etcd, certificates, tokens, FreePort::pick);
  }

  /** As above, its port from {@code ports}, and from there again when it is started again. */
  static ApiServerProcess start(
      String cluster,
      Path folder,
      EtcdProcess etcd,
      ClusterCertificates certificates,
      ClusterTokens tokens,
      IntSupplier ports) {
    try {
      Files.createDirectories(folder);
      Path tokenFile = folder.resolve("tokens.csv");
      Files.writeString(tokenFile, tokens.tokenFile(), StandardCharsets.UTF_8);
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
                  "--token-auth-file=" + tokenFile,
                  "--authorization-mode=RBAC",
                  "--service-account-issuer=" + issuer,
                  "--api-audiences=" + issuer,
                  "--service-account-key-file=" + certificates.serviceAccountPublicKey,
                  "--service-account-signing-key-file=" + certificates.serviceAccountKey,
                  "--service-cluster-ip-range=10.96.0.0/16",
                  "--audit-policy-file=" + policy,
                  "--audit-log-path=" + auditLog,
                  // The journal reads this one file as it grows: it must never be rotated (0 means
                  // 100 MB, which a large benchmark passes).
                  "--audit-log-maxsize=" + Integer.MAX_VALUE,
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
          () -> start(cluster, folder, etcd, certificates, tokens, ports));
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

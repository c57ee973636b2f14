package org.gloomeshupgrade.testkit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated cluster: its API server (a CRUD mock in this JVM, or a real kube-apiserver
 * process), its journal, faults and controllers.
 */
final class SimulatedCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

  final String name;
  final boolean management;
  final ClusterBackend backend;
  final RequestJournal journal;
  final FaultInjector faults = new FaultInjector();
  final SimulatedAuthorizer authorizer = new SimulatedAuthorizer();
  final AtomicLong writes = new AtomicLong();
  final String token;
  private final KubernetesMockServer mockServer;
  private final ApiServerProcess apiServer;
  private final ClusterComponents components;
  private final AuditLogJournal auditLog;
  private final String caPem;
  private final String defaultNamespace;
  private KubernetesClient simulatorClient;
  private KubernetesClient testClient;
  private FaultProxy proxy;
  ClusterControllers controllers;

  /** The simulated networking of a management cluster; null elsewhere. */
  NetworkingController networking;

  /** A cluster served by a CRUD mock server on 127.0.0.1. */
  SimulatedCluster(
      String name,
      boolean management,
      String defaultNamespace,
      int simulatorCallLimit,
      VersionInfo kubernetesVersion) {
    this.name = name;
    this.management = management;
    this.backend = ClusterBackend.MOCK;
    this.defaultNamespace = defaultNamespace;
    this.journal = new RequestJournal(simulatorCallLimit);
    this.token = newToken(name);
    this.apiServer = null;
    this.components = null;
    this.auditLog = null;
    this.caPem = null;

    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    JournalingDispatcher dispatcher =
        new JournalingDispatcher(
            new KubernetesMixedDispatcher(responses), journal, faults, authorizer, writes);
    this.mockServer =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, dispatcher, false, kubernetesVersion);
    // Deployments have a status subresource on a real server; the
    // mock knows that only of CRDs unless told. Without it a PUT of a
    // Deployment, or of its scale with a stale copy, rewrites status.
    dispatcher.expectCustomResource(
        new CustomResourceDefinitionContext.Builder()
            .withGroup("apps")
            .withVersion("v1")
            .withKind("Deployment")
            .withPlural("deployments")
            .withScope("Namespaced")
            .withStatusSubresource(true)
            .build());
    try {
      mockServer.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A cluster served by a real, started and ready API server whose admin token is {@code token},
   * with Kubernetes' own controllers, scheduler and kwok's kubelets in {@code components}.
   */
  SimulatedCluster(
      String name,
      boolean management,
      String defaultNamespace,
      int simulatorCallLimit,
      ApiServerProcess apiServer,
      ClusterComponents components,
      String token,
      String caPem) {
    this.name = name;
    this.management = management;
    this.backend = ClusterBackend.API_SERVER;
    this.defaultNamespace = defaultNamespace;
    this.token = token;
    this.apiServer = apiServer;
    this.components = components;
    this.caPem = caPem;
    this.mockServer = null;
    this.auditLog = new AuditLogJournal(apiServer.auditLog(), simulatorCallLimit, writes);
    this.journal = auditLog.journal();
  }

  /**
   * Distinct per cluster so a mix-up shows in requests; on the mock it is no credential, as the
   * mock accepts any.
   */
  static String newToken(String cluster) {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return "gmu-simulated-" + cluster + "-" + HexFormat.of().formatHex(bytes);
  }

  /** The API server's own URL, for the simulator and Kubernetes' own components. */
  String url() {
    return mockServer != null ? "http://127.0.0.1:" + mockServer.getPort() : apiServer.url();
  }

  /** The URL clients under test reach the cluster at: the fault proxy's, when there is one. */
  String clientUrl() {
    return proxy != null ? proxy.url() : url();
  }

  /**
   * Puts a {@link FaultProxy} in front of the API server and hands it the faults.
   *
   * @param tls the API server's certificates; null on the plain-http mock
   */
  void startFaultProxy(FaultProxy.Tls tls) {
    proxy = FaultProxy.start(name, url(), faults, tls);
  }

  /** Fails with the end of its log if one of Kubernetes' own components has exited. */
  void requireComponentsAlive() {
    if (components != null) {
      components.requireAlive();
    }
  }

  Set<AuditedAccess> auditedAccesses() {
    if (auditLog == null) {
      throw new UnsupportedOperationException("no audit log on the MOCK backend");
    }
    return auditLog.accesses();
  }

  /** The end of the logs of Kubernetes' own components, for failure messages; "" on the mock. */
  String componentLogTails() {
    return components == null ? "" : components.logTails();
  }

  /**
   * Writes so far, for controllers that skip a round when nothing changed; reads the audit log
   * first on a real server.
   */
  long writes() {
    if (auditLog != null) {
      auditLog.catchUp();
    }
    return writes.get();
  }

  /**
   * A client config sending the simulator's User-Agent, so its requests are told apart in the
   * journal.
   */
  Config simulatorConfig() {
    ConfigBuilder builder =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withOauthToken(token)
            .withNamespace(defaultNamespace)
            .withUserAgent(SimulatedGlooMesh.SIMULATOR_USER_AGENT)
            .withRequestRetryBackoffLimit(0)
            .withHttp2Disable(true)
            .withConnectionTimeout(5_000)
            .withRequestTimeout(10_000);
    if (caPem != null) {
      builder.withCaCertData(
          Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)));
    }
    return builder.build();
  }

  synchronized KubernetesClient simulatorClient() {
    if (simulatorClient == null) {
      simulatorClient = new KubernetesClientBuilder().withConfig(simulatorConfig()).build();
    }
    return simulatorClient;
  }

  synchronized KubernetesClient testClient() {
    if (testClient == null) {
      testClient = new KubernetesClientBuilder().withConfig(simulatorConfig()).build();
    }
    return testClient;
  }

  @Override
  public void close() {
    if (controllers != null) {
      controllers.close();
    }
    synchronized (this) {
      closeQuietly(testClient);
      closeQuietly(simulatorClient);
    }
    if (proxy != null) {
      proxy.close();
    }
    try {
      if (mockServer != null) {
        mockServer.shutdown();
      } else {
        // Before the API server, so they do not spend their last seconds retrying against it.
        components.close();
        apiServer.close();
      }
    } catch (RuntimeException e) {
      LOG.debug("API server of {} did not shut down cleanly", name, e);
    }
  }

  private void closeQuietly(KubernetesClient client) {
    if (client != null) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.debug("client of {} did not close cleanly", name, e);
      }
    }
  }
}

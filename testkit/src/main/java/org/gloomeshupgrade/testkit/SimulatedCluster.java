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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

/** One simulated cluster: a CRUD mock API server on 127.0.0.1, its journal, faults and controllers. */
final class SimulatedCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);

  final String name;
  final boolean management;
  final RequestJournal journal;
  final FaultInjector faults = new FaultInjector();
  final SimulatedAuthorizer authorizer = new SimulatedAuthorizer();
  final AtomicLong writes = new AtomicLong();
  final String token;
  private final KubernetesMockServer server;
  private final String defaultNamespace;
  private KubernetesClient simulatorClient;
  private KubernetesClient testClient;
  ClusterControllers controllers;

  SimulatedCluster(String name, boolean management, String defaultNamespace, int simulatorCallLimit,
      VersionInfo kubernetesVersion) {
    this.name = name;
    this.management = management;
    this.defaultNamespace = defaultNamespace;
    this.journal = new RequestJournal(simulatorCallLimit);
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    // Not a credential: the mock accepts any token. Distinct per cluster so a mix-up shows in requests.
    this.token = "gmu-simulated-" + name + "-" + HexFormat.of().formatHex(bytes);

    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    JournalingDispatcher dispatcher = new JournalingDispatcher(new KubernetesMixedDispatcher(responses), journal,
        faults, authorizer, writes);
    this.server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false,
        kubernetesVersion);
    // Deployments have a status subresource on a real server; the mock knows that only of CRDs
    // unless told. Without it a PUT of a Deployment, or of its scale with a stale copy, rewrites status.
    dispatcher.expectCustomResource(new CustomResourceDefinitionContext.Builder()
        .withGroup("apps").withVersion("v1").withKind("Deployment").withPlural("deployments")
        .withScope("Namespaced").withStatusSubresource(true)
        .build());
    try {
      server.start(InetAddress.getByName("127.0.0.1"), 0);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A client config sending the simulator's User-Agent, so its requests are told apart in the journal. */
  Config simulatorConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withOauthToken(token)
        .withNamespace(defaultNamespace)
        .withUserAgent(SimulatedGlooMesh.SIMULATOR_USER_AGENT)
        .withRequestRetryBackoffLimit(0)
        .withHttp2Disable(true)
        .withConnectionTimeout(5_000)
        .withRequestTimeout(10_000)
        .build();
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
    try {
      server.shutdown();
    } catch (RuntimeException e) {
      LOG.debug("mock server of {} did not shut down cleanly", name, e);
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

package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gloo Mesh installation made of simulated clusters: a management cluster with the
 * control plane, its CRDs and configuration, and registered remote clusters. Each cluster is an API
 * server on 127.0.0.1, a fabric8 CRUD mock or a real kube-apiserver (see {@link ClusterBackend}).
 * Small stand-ins play Gloo Mesh's discovery and networking. On the mock, fake controllers also
 * play Deployments, service-account tokens and CRD establishment; on real API servers Kubernetes'
 * own controller manager, scheduler and kwok's kubelets do. No container ever runs.
 *
 * <pre>{@code
 * try (SimulatedGlooMesh sim = SimulatedGlooMesh.builder().glooMeshVersion("0.11.3").build()) {
 *   Config config = Config.fromKubeconfig("mgmt", Files.readString(sim.kubeconfig()), sim.kubeconfig().toString());
 *   ...
 * }
 * }</pre>
 */
public final class SimulatedGlooMesh implements AutoCloseable {

  /**
   * The User-Agent of every request the simulator itself sends; {@link
   * RequestJournal#fromClients()} leaves them out.
   */
  public static final String SIMULATOR_USER_AGENT = "gmu-simulator";

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedGlooMesh.class);

  /**
   * The mock web server logs every request at INFO through java.util.logging; with controllers
   * polling that floods the console. Held in a field because java.util.logging keeps loggers only
   * weakly.
   */
  @SuppressWarnings("UnusedVariable")
  private static final java.util.logging.Logger MOCK_WEB_SERVER_LOG = quietMockWebServerLog();

  private static String sharedCaPem;

  /** How long Kubernetes' own components may take to bring the seeded Deployments up. */
  private static final Duration COMPONENTS_SETTLE = Duration.ofSeconds(60);

  private final String managementCluster;
  private final List<String> remoteClusters;
  private final String version;
  private final String namespace;
  private final Duration deploymentDelay;
  private final Duration discoveryDelay;
  private final int discoveryResourcesPerCluster;
  private final int trafficPolicies;
  private final int neverAccepted;
  private final AtomicBoolean discoveryPaused = new AtomicBoolean();
  private final Map<String, SimulatedCluster> clusters = new LinkedHashMap<>();
  private final Map<String, Path> crdFolders = new HashMap<>();
  private final Map<String, Path> chartFolders = new HashMap<>();
  private final Path directory;
  private final Path kubeconfig;

  /**
   * Whether the control plane is a Helm release of the chart, as {@code helm install} leaves it.
   */
  private final boolean helmRelease;

  private final String caPem;
  private final ClusterBackend backend;
  private EtcdProcess etcd;
  private volatile boolean closed;

  private SimulatedGlooMesh(Builder builder) {
    this.managementCluster = builder.managementCluster;
    this.remoteClusters = List.copyOf(builder.remoteClusters);
    this.version = builder.version;
    this.namespace = builder.namespace;
    this.deploymentDelay = builder.deploymentDelay;
    this.discoveryDelay = builder.discoveryDelay;
    this.discoveryResourcesPerCluster = builder.discoveryResourcesPerCluster;
    this.trafficPolicies = builder.trafficPolicies;
    this.neverAccepted = builder.neverAccepted;
    this.discoveryPaused.set(builder.discoveryPaused);
    this.backend = builder.backend;
    this.helmRelease = builder.helmRelease;
    if (helmRelease && backend == ClusterBackend.MOCK) {
      throw new IllegalArgumentException(
          "a Helm release needs the API_SERVER backend: Helm reads its releases in"
              + " protobuf, which the mock API server does not speak");
    }
    try {
      this.directory = Files.createTempDirectory("gmu-simulator-");
      FaultProxy.Tls tls = null;
      if (backend == ClusterBackend.MOCK) {
        this.caPem = selfSignedCa();
        VersionInfo kubernetesVersion = versionInfo(builder.kubernetesVersion);
        for (String name : allClusters()) {
          clusters.put(
              name,
              new SimulatedCluster(
                  name,
                  name.equals(managementCluster),
                  namespace,
                  builder.simulatorCallLimit,
                  kubernetesVersion));
        }
      } else {
        ClusterCertificates certificates = ClusterCertificates.create(directory.resolve("pki"));
        this.caPem = certificates.caPem;
        startApiServers(certificates, builder.simulatorCallLimit);
        tls =
            new FaultProxy.Tls(
                certificates.servingCertificate, certificates.servingKey, certificates.caPem);
      }
      if (builder.faultProxy) {
        for (SimulatedCluster cluster : clusters.values()) {
          cluster.startFaultProxy(tls);
        }
      }
      this.kubeconfig = directory.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfigYaml(allClusters()), StandardCharsets.UTF_8);

      Seeder seeder =
          new Seeder(
              version,
              namespace,
              discoveryResourcesPerCluster,
              backend == ClusterBackend.API_SERVER);
      Map<String, String> registrations = new LinkedHashMap<>();
      for (String remote : remoteClusters) {
        seeder.seedRemote(cluster(remote).simulatorClient());
        registrations.put(remote, kubeconfigYaml(List.of(remote)));
      }
      seeder.seedManagement(cluster(managementCluster).simulatorClient(), registrations);
      seeder.seedPolicies(cluster(managementCluster).simulatorClient(), trafficPolicies);
      if (helmRelease) {
        installHelmRelease();
      }
      if (backend == ClusterBackend.API_SERVER) {
        awaitDeploymentsAvailable();
      }

      for (SimulatedCluster cluster : clusters.values()) {
        cluster.controllers = controllersFor(cluster);
        cluster.controllers.start();
      }
    } catch (IOException | RuntimeException e) {
      close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts one etcd and, all at once, an API server per cluster; the slow part is their start, so
   * it overlaps. Then, per cluster, Kubernetes' own controllers, scheduler and kwok, and the fake
   * nodes kwok plays.
   */
  private void startApiServers(ClusterCertificates certificates, int simulatorCallLimit) {
    etcd = EtcdProcess.start(directory.resolve("etcd"));
    Map<String, ApiServerProcess> servers = new LinkedHashMap<>();
    Map<String, ClusterTokens> tokens = new LinkedHashMap<>();
    try {
      for (String name : allClusters()) {
        ClusterTokens clusterTokens = ClusterTokens.create(name);
        tokens.put(name, clusterTokens);
        servers.put(
            name,
            ApiServerProcess.start(name, clusterFolder(name), etcd, certificates, clusterTokens));
      }
      for (Map.Entry<String, ApiServerProcess> server : servers.entrySet()) {
        server.setValue(
            server.getValue().awaitReady(certificates.caPem, tokens.get(server.getKey()).admin()));
      }
    } catch (RuntimeException e) {
      servers.values().forEach(ApiServerProcess::close);
      throw e;
    }
    for (Map.Entry<String, ApiServerProcess> server : servers.entrySet()) {
      String name = server.getKey();
      ClusterComponents components;
      try {
        components =
            ClusterComponents.start(
                name, clusterFolder(name), server.getValue().url(), certificates, tokens.get(name));
      } catch (RuntimeException e) {
        // The clusters made so far are closed with the simulation; the servers not yet theirs here.
        servers.entrySet().stream()
            .filter(s -> !clusters.containsKey(s.getKey()))
            .forEach(s -> s.getValue().close());
        throw e;
      }
      SimulatedCluster cluster =
          new SimulatedCluster(
              name,
              name.equals(managementCluster),
              namespace,
              simulatorCallLimit,
              server.getValue(),
              components,
              tokens.get(name).admin(),
              certificates.caPem);
      clusters.put(name, cluster);
      ClusterComponents.createNodes(cluster.simulatorClient(), name);
    }
  }

  private Path clusterFolder(String cluster) {
    return directory.resolve("clusters").resolve(cluster);
  }

  /**
   * Waits until Kubernetes' own controllers have made every seeded Deployment's pods and kwok has
   * made them Ready, so a test starts from a settled cluster, as a real one would be.
   */
  private void awaitDeploymentsAvailable() {
    long deadline = System.nanoTime() + COMPONENTS_SETTLE.toNanos();
    for (SimulatedCluster cluster : clusters.values()) {
      while (true) {
        cluster.requireComponentsAlive();
        List<String> unsettled =
            cluster
                .simulatorClient()
                .apps()
                .deployments()
                .inAnyNamespace()
                .list()
                .getItems()
                .stream()
                .filter(d -> !DeploymentController.settled(d))
                .map(d -> d.getMetadata().getNamespace() + "/" + d.getMetadata().getName())
                .toList();
        if (unsettled.isEmpty()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "deployments %s of cluster %s were not available within %ds:%s"
                  .formatted(
                      unsettled,
                      cluster.name,
                      COMPONENTS_SETTLE.toSeconds(),
                      cluster.componentLogTails()));
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for deployments", e);
        }
      }
    }
  }

  /**
   * The folder holding every chart and CRD file {@link #upgradeRequest} names, and nothing else: a
   * worker over these clusters trusts it as its operator would trust a folder of mirrored charts.
   */
  public Path sourcesFolder() {
    return directory.resolve("sources");
  }

  /**
   * The kubeconfig file: one context per cluster (context, cluster and user named after it),
   * current context the management cluster.
   */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * The fabric8 config a program would build from {@link #kubeconfig()} for a cluster's context,
   * without retries.
   */
  public Config config(String cluster) {
    requireCluster(cluster);
    try {
      Config config =
          Config.fromKubeconfig(cluster, Files.readString(kubeconfig), kubeconfig.toString());
      return new ConfigBuilder(config).withRequestRetryBackoffLimit(0).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A client for test setup and assertions. It sends the simulator's User-Agent, so its requests do
   * not show in {@link RequestJournal#fromClients()}, and does not retry. Shared and closed by
   * {@link #close()}.
   */
  public KubernetesClient client(String cluster) {
    return requireCluster(cluster).testClient();
  }

  public String managementCluster() {
    return managementCluster;
  }

  public List<String> remoteClusters() {
    return remoteClusters;
  }

  /** Management cluster first, then the remote clusters. */
  public List<String> clusters() {
    return List.copyOf(clusters.keySet());
  }

  public String namespace() {
    return namespace;
  }

  /** The Gloo Mesh version the simulation started with. */
  public String glooMeshVersion() {
    return version;
  }

  public int discoveryResourcesPerCluster() {
    return discoveryResourcesPerCluster;
  }

  /**
   * The URL the kubeconfig gives for a cluster, e.g. {@code http://127.0.0.1:40123}: its fault
   * proxy's when the simulation has them, else its API server's.
   */
  public String serverUrl(String cluster) {
    return requireCluster(cluster).clientUrl();
  }

  /**
   * The requests the cluster's API server received. On the real backend it is read from the
   * server's audit log, which leaves out the simulator's own reads and the server's requests to
   * itself.
   */
  public RequestJournal journal(String cluster) {
    return requireCluster(cluster).journal;
  }

  /**
   * Every distinct resource request the cluster's API server logged, by anyone but the server
   * itself and the simulator's and Kubernetes' own components' reads. Real backend only.
   */
  public Set<AuditedAccess> auditedAccesses(String cluster) {
    if (backend != ClusterBackend.API_SERVER) {
      throw new UnsupportedOperationException("audited requests need the API_SERVER backend");
    }
    return requireCluster(cluster).auditedAccesses();
  }

  /**
   * The cluster's answers to permission reviews: everything allowed unless a test denies it. Mock
   * backend only.
   */
  public SimulatedAuthorizer authorizer(String cluster) {
    requireMock("the simulated authorizer; the real API server authorizes with RBAC");
    return requireCluster(cluster).authorizer;
  }

  /**
   * Faults to answer client requests with instead of the server's answer. On the real backend it
   * needs the fault proxy ({@link Builder#faultProxy()}); resets and timeouts need it on either.
   */
  public FaultInjector faults(String cluster) {
    FaultInjector faults = requireCluster(cluster).faults;
    if (!faults.proxied()) {
      requireMock("fault injection without the fault proxy (build with faultProxy())");
    }
    return faults;
  }

  public ClusterBackend backend() {
    return backend;
  }

  /**
   * A kubeconfig with every cluster's context, each authenticating as the named service account of
   * that cluster with a token the cluster's API server issued; the account must exist on every
   * cluster. Real backend only: it is how a test runs code with exactly the permissions RBAC
   * grants.
   */
  public Path serviceAccountKubeconfig(String serviceAccountNamespace, String serviceAccount) {
    return serviceAccountKubeconfig(serviceAccountNamespace, serviceAccount, allClusters());
  }

  /** As above, with only these clusters' contexts. */
  public Path serviceAccountKubeconfig(
      String serviceAccountNamespace, String serviceAccount, List<String> clusters) {
    Map<String, String> tokens = new LinkedHashMap<>();
    for (String name : clusters) {
      tokens.put(name, serviceAccountToken(serviceAccountNamespace, serviceAccount, name));
    }
    Path file =
        directory.resolve(
            "kubeconfig-%s-%s-%s"
                .formatted(serviceAccountNamespace, serviceAccount, String.join("-", clusters)));
    try {
      Files.writeString(file, kubeconfigYaml(clusters, tokens), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * What Kubernetes gives a pod of the service account on the cluster, for a worker that runs as if
   * in that pod: the token and CA files (at paths of their own, named by fabric8's overrides of the
   * pod's fixed ones) and the {@code KUBERNETES_SERVICE_*} variables. Real backend only.
   */
  public Map<String, String> podEnvironment(
      String serviceAccountNamespace, String serviceAccount, String cluster) {
    String token = serviceAccountToken(serviceAccountNamespace, serviceAccount, cluster);
    Path folder = directory.resolve("pod-" + cluster + "-" + serviceAccount);
    URI server = URI.create(serverUrl(cluster));
    try {
      Files.createDirectories(folder);
      Path tokenFile = Files.writeString(folder.resolve("token"), token, StandardCharsets.UTF_8);
      Path caFile = Files.writeString(folder.resolve("ca.crt"), caPem, StandardCharsets.US_ASCII);
      return Map.of(
          "KUBERNETES_SERVICE_HOST", server.getHost(),
          "KUBERNETES_SERVICE_PORT", String.valueOf(server.getPort()),
          "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", tokenFile.toString(),
          "KUBERNETES_CERTS_CA_FILE", caFile.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String serviceAccountToken(
      String serviceAccountNamespace, String serviceAccount, String cluster) {
    if (backend != ClusterBackend.API_SERVER) {
      throw new UnsupportedOperationException(
          "service-account credentials need the API_SERVER backend");
    }
    return client(cluster)
        .serviceAccounts()
        .inNamespace(serviceAccountNamespace)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(24L * 3600)
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private void requireMock(String feature) {
    if (backend != ClusterBackend.MOCK) {
      throw new UnsupportedOperationException(
          feature + " is only on the MOCK backend, this simulation runs on " + backend);
    }
  }

  /**
   * A folder with the management CRDs of a supported version as v1beta1 YAML, one file per group,
   * written once.
   */
  public synchronized Path crdFolder(String glooMeshVersion) {
    SimulatedVersions.requireSupported(glooMeshVersion);
    return crdFolders.computeIfAbsent(
        glooMeshVersion,
        v -> {
          Path folder = sourcesFolder().resolve("crds-" + v);
          CrdManifests.writeV1beta1Folder(v, folder);
          return folder;
        });
  }

  /** A folder with a {@code gloo-mesh} Helm chart of a supported version, written once. */
  /**
   * An upgrade request (wire JSON) for these clusters: the management context, and the target's
   * chart and CRDs from this simulator, with the chart applied through the API (no Helm release
   * here). Callers add the timings they want.
   */
  public ObjectNode upgradeRequest(String targetVersion) {
    ObjectNode request =
        Json.JSON
            .createObjectNode()
            .put("targetVersion", targetVersion)
            .put("managementContext", managementCluster());
    if (!helmRelease) {
      request.put("installMethod", "manifests");
    }
    return request
        .put("chart", chartFolder(targetVersion).toString())
        .put("agentCharts", agentChartsFolder(targetVersion).toString())
        .put("crdSource", crdFolder(targetVersion).toString());
  }

  /**
   * {@link #upgradeRequest} with the waits cut to what the simulator needs, for tests that run a
   * whole upgrade: the defaults are set for real clusters (discovery polled every 15 s).
   */
  public ObjectNode quickUpgradeRequest(String targetVersion) {
    return upgradeRequest(targetVersion)
        .put("discoveryPollInterval", "200ms")
        .put("discoverySettleWindow", "2s")
        .put("discoveryTimeout", "60s")
        .put("networkingTimeout", "60s")
        .put("scaleTimeout", "60s");
  }

  /**
   * {@code helm install} of the chart of the running version over the seeded objects, which carry
   * Helm's ownership marks, so Helm adopts them: revision 1 of release gloo-mesh, as an operator's
   * install would have left it. Its requests are not the code under test: the journal forgets them.
   */
  private void installHelmRelease() {
    Helm.install(chartFolder(version).toString())
        .withName(Seeder.RELEASE_NAME)
        .withNamespace(namespace)
        // The CRDs are seeded as v1; the chart's crds/ are
        // v1beta1, which a current API server does not serve.
        .skipCrds()
        .withKubeConfig(kubeconfig)
        .call();
    cluster(managementCluster).journal.clear();
  }

  public synchronized Path chartFolder(String glooMeshVersion) {
    SimulatedVersions.requireSupported(glooMeshVersion);
    return chartFolders.computeIfAbsent(
        glooMeshVersion,
        v -> {
          // The agent charts sit beside the control-plane chart,
          // where registration looks for them by default.
          AgentCharts.write(v, sourcesFolder().resolve("charts-" + v));
          return HelmChart.write(
              v, sourcesFolder().resolve("charts-" + v).resolve(HelmChart.CHART_NAME));
        });
  }

  /**
   * The folder holding the {@code agent-crds} and {@code cert-agent} charts of a supported version.
   */
  public Path agentChartsFolder(String glooMeshVersion) {
    return chartFolder(glooMeshVersion).getParent();
  }

  /**
   * Has networking report a resource of the management cluster INVALID with {@code errors} for
   * {@code window} after it starts (then ACCEPTED, as transient errors clear), or for good when
   * {@code window} is null.
   */
  public void networkingReportsErrors(
      String kind, String resourceNamespace, String name, Duration window, String... errors) {
    SimulatedCluster management = requireCluster(managementCluster);
    if (management.controllers == null || management.networking == null) {
      throw new IllegalStateException("the management cluster runs no simulated networking");
    }
    management.networking.reject(kind, resourceNamespace, name, window, List.of(errors));
    management.controllers.nudge();
  }

  /**
   * While paused, discovery does not recreate its resources even when running: it never settles.
   */
  public void pauseDiscovery(boolean paused) {
    discoveryPaused.set(paused);
    SimulatedCluster management = clusters.get(managementCluster);
    if (management != null && management.controllers != null) {
      management.controllers.nudge();
    }
  }

  public boolean discoveryPaused() {
    return discoveryPaused.get();
  }

  /**
   * Waits until every cluster's controllers have finished two full rounds after this call, so a
   * change made before it has been seen (delays still apply). For tests that assert something did
   * not happen.
   */
  public void awaitControllerRounds() {
    Map<SimulatedCluster, Long> start = new HashMap<>();
    clusters.values().forEach(c -> start.put(c, c.controllers.ticks()));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Map.Entry<SimulatedCluster, Long> entry : start.entrySet()) {
      while (entry.getKey().controllers.ticks() < entry.getValue() + 2) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "simulated controllers of " + entry.getKey().name + " are stuck");
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SimulatedCluster cluster : clusters.values()) {
      if (cluster.controllers != null) {
        cluster.controllers.close();
      }
    }
    for (SimulatedCluster cluster : clusters.values()) {
      cluster.close();
    }
    if (etcd != null) {
      etcd.close();
    }
    if (directory != null) {
      deleteRecursively(directory);
    }
  }

  private List<String> allClusters() {
    List<String> all = new ArrayList<>();
    all.add(managementCluster);
    all.addAll(remoteClusters);
    return all;
  }

  private SimulatedCluster cluster(String name) {
    return clusters.get(name);
  }

  private SimulatedCluster requireCluster(String name) {
    SimulatedCluster cluster = clusters.get(name);
    if (cluster == null) {
      throw new IllegalArgumentException(
          "no simulated cluster '" + name + "': clusters are " + clusters.keySet());
    }
    return cluster;
  }

  private ClusterControllers controllersFor(SimulatedCluster cluster) {
    DiscoveryController discovery = null;
    NetworkingController networking = null;
    if (cluster.management) {
      discovery =
          new DiscoveryController(
              namespace, discoveryDelay, discoveryResourcesPerCluster, discoveryPaused);
      networking = new NetworkingController(namespace);
      cluster.networking = networking;
      for (int i = 0; i < neverAccepted; i++) {
        networking.reject(
            "TrafficPolicy",
            GlooMeshFixtures.APP_NAMESPACE,
            Seeder.policyName(i),
            null,
            List.of("simulated: a destination this policy names does not exist"));
      }
    }
    // On real API servers, Kubernetes' own controllers and kwok run Deployments and tokens.
    boolean real = cluster.backend == ClusterBackend.API_SERVER;
    return new ClusterControllers(
        cluster.name,
        cluster.simulatorClient(),
        cluster::writes,
        new CrdController(real),
        real ? null : new DeploymentController(deploymentDelay),
        real ? null : new TokenController(caPem),
        discovery,
        networking);
  }

  /**
   * A kubeconfig for the named clusters, the first one current; registration stores one of these
   * per cluster.
   */
  private String kubeconfigYaml(List<String> names) {
    Map<String, String> tokens = new LinkedHashMap<>();
    names.forEach(name -> tokens.put(name, cluster(name).token));
    return kubeconfigYaml(names, tokens);
  }

  private String kubeconfigYaml(List<String> names, Map<String, String> tokens) {
    List<KubeconfigYaml.Entry> entries = new ArrayList<>();
    for (String name : names) {
      entries.add(new KubeconfigYaml.Entry(name, cluster(name).clientUrl(), tokens.get(name)));
    }
    return KubeconfigYaml.of(entries, caPem);
  }

  /**
   * A real certificate, so clients that load the CA from a kubeconfig or token Secret can parse it.
   * Made once per JVM: generating the key takes a noticeable part of a second and nothing trusts
   * it.
   */
  private static synchronized String selfSignedCa() throws IOException {
    if (sharedCaPem == null) {
      SelfSignedCertificate certificate = SelfSignedCertificate.create("kubernetes");
      try {
        sharedCaPem =
            Files.readString(Path.of(certificate.certificatePath()), StandardCharsets.US_ASCII);
      } finally {
        certificate.delete();
      }
    }
    return sharedCaPem;
  }

  private static java.util.logging.Logger quietMockWebServerLog() {
    java.util.logging.Logger log =
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");
    if (log.getLevel() == null) {
      log.setLevel(Level.WARNING);
    }
    return log;
  }

  private static VersionInfo versionInfo(String kubernetesVersion) {
    String[] parts = kubernetesVersion.split("\\.");
    return new VersionInfo.Builder()
        .withMajor(parts[0])
        .withMinor(parts.length > 1 ? parts[1] : "0")
        .withGitVersion("v" + kubernetesVersion)
        .withPlatform("linux/amd64")
        .build();
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  LOG.debug("could not delete {}", p, e);
                }
              });
    } catch (IOException e) {
      LOG.debug("could not delete {}", root, e);
    }
  }

  /**
   * Settings of a simulation; every one has a default that gives a two-cluster 0.10.10
   * installation.
   */
  public static final class Builder {
    private String managementCluster = "mgmt";
    private List<String> remoteClusters = List.of("cluster-1", "cluster-2");
    private String version = "0.10.10";
    private String namespace = "gloo-mesh";
    private int discoveryResourcesPerCluster = 3;
    private int trafficPolicies;
    private int neverAccepted;
    private Duration deploymentDelay = Duration.ofMillis(200);
    private Duration discoveryDelay = Duration.ofMillis(500);
    private boolean discoveryPaused;
    private String kubernetesVersion = "1.27.3";
    private int simulatorCallLimit = 50_000;
    private ClusterBackend backend = ClusterBackend.MOCK;
    private boolean helmRelease;
    private boolean faultProxy;

    private Builder() {}

    /** Context name of the management cluster (default "mgmt"). */
    public Builder managementCluster(String name) {
      this.managementCluster = requireName(name);
      return this;
    }

    /** The registered remote clusters (default "cluster-1", "cluster-2"); none is allowed. */
    public Builder remoteClusters(String... names) {
      return remoteClusters(List.of(names));
    }

    public Builder remoteClusters(List<String> names) {
      names.forEach(Builder::requireName);
      this.remoteClusters = List.copyOf(names);
      return this;
    }

    /**
     * The running Gloo Mesh version (default "0.10.10"); one of {@link
     * SimulatedVersions#supported()}.
     */
    public Builder glooMeshVersion(String version) {
      SimulatedVersions.requireSupported(version);
      this.version = version;
      return this;
    }

    /** The management namespace (default "gloo-mesh"). */
    public Builder namespace(String namespace) {
      this.namespace = requireName(namespace);
      return this;
    }

    /**
     * Besides the configuration's own, this many TrafficPolicies in the application namespace,
     * ACCEPTED when seeded, of which the first {@code neverAccepted} the simulated networking
     * reports INVALID for good once it runs again (default none): a large mesh whose policies do
     * not all survive an upgrade.
     */
    public Builder trafficPolicies(int count, int neverAccepted) {
      if (count < 0 || neverAccepted < 0 || neverAccepted > count) {
        throw new IllegalArgumentException(
            "trafficPolicies needs 0 <= neverAccepted <= count, was %d and %d"
                .formatted(count, neverAccepted));
      }
      this.trafficPolicies = count;
      this.neverAccepted = neverAccepted;
      return this;
    }

    /** Per remote cluster, this many TrafficTargets and Workloads, and one Mesh (default 3). */
    public Builder discoveryResourcesPerCluster(int count) {
      if (count < 0) {
        throw new IllegalArgumentException(
            "discoveryResourcesPerCluster must not be negative, was " + count);
      }
      this.discoveryResourcesPerCluster = count;
      return this;
    }

    /**
     * On the mock, how long after a Deployment's spec changes the simulated Deployment controller
     * makes its pods and status follow (default 200ms). Real API servers run Kubernetes' own
     * controllers instead, which take what they take (milliseconds), so it does not apply there.
     */
    public Builder deploymentDelay(Duration delay) {
      this.deploymentDelay = requireNonNegative(delay, "deploymentDelay");
      return this;
    }

    /** How long after discovery becomes available it recreates its resources (default 500ms). */
    public Builder discoveryDelay(Duration delay) {
      this.discoveryDelay = requireNonNegative(delay, "discoveryDelay");
      return this;
    }

    /**
     * Start with discovery paused (default false); see {@link
     * SimulatedGlooMesh#pauseDiscovery(boolean)}.
     */
    public Builder discoveryPaused(boolean paused) {
      this.discoveryPaused = paused;
      return this;
    }

    /**
     * The Kubernetes version the mock servers report at /version (default "1.27.3"); a real server
     * reports its own.
     */
    public Builder kubernetesVersion(String version) {
      if (version == null || !version.matches("\\d+\\.\\d+(\\.\\d+)?")) {
        throw new IllegalArgumentException(
            "kubernetesVersion must look like 1.27.3, was " + version);
      }
      this.kubernetesVersion = version;
      return this;
    }

    /**
     * How many of the simulator's own requests each journal keeps (default 50,000); client requests
     * are all kept.
     */
    public Builder simulatorCallLimit(int limit) {
      if (limit < 0) {
        throw new IllegalArgumentException("simulatorCallLimit must not be negative, was " + limit);
      }
      this.simulatorCallLimit = limit;
      return this;
    }

    /**
     * The control plane as a Helm release (gloo-mesh, revision 1 of the version's chart) rather
     * than bare objects, and upgrade requests with the default install method, helm. Needs {@link
     * ClusterBackend#API_SERVER}.
     */
    public Builder installedWithHelm() {
      this.helmRelease = true;
      return this;
    }

    /** What serves each cluster's API (default {@link ClusterBackend#MOCK}). */
    public Builder backend(ClusterBackend backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /**
     * A {@link FaultProxy} in front of each cluster's API server, on either backend: the kubeconfig
     * points at it, and it answers the {@link SimulatedGlooMesh#faults(String) faults}, resets and
     * timeouts included. The simulator's own clients go around it.
     */
    public Builder faultProxy() {
      this.faultProxy = true;
      return this;
    }

    /** Starts the clusters, seeds them and starts the controllers. */
    public SimulatedGlooMesh build() {
      Set<String> names = new LinkedHashSet<>();
      names.add(managementCluster);
      for (String remote : remoteClusters) {
        if (!names.add(remote)) {
          throw new IllegalArgumentException("cluster name '" + remote + "' is used twice");
        }
      }
      return new SimulatedGlooMesh(this);
    }

    private static String requireName(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        throw new IllegalArgumentException("'" + name + "' is not a valid Kubernetes name");
      }
      return name;
    }

    private static Duration requireNonNegative(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      if (duration.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative, was " + duration);
      }
      return duration;
    }
  }
}

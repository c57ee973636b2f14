package org.gloomeshupgrade.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.gloomeshupgrade.registration.ReRegisterInputs.nativeObjectsOnly;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.MeshFixtures;
import org.gloomeshupgrade.kube.MockKubeconfig;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The management cluster is the injected mock (https); the remote cluster is a second mock over
 * plain http.
 */
@EnableKubernetesMockClient(crud = true)
class RegistrationActivitiesImplTest {
  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.the-remote-service-account-token";
  private static final String CA_PEM =
      "-----BEGIN CERTIFICATE-----\nMIIB-remote-ca\n-----END CERTIFICATE-----\n";
  private static final ReRegisterInput INPUT =
      nativeObjectsOnly("mgmt", "gloo-mesh", "cluster1", "cluster1-ctx", "gloo-mesh", "");

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path tmp;

  private KubernetesMockServer remoteServer;
  private KubernetesClient remote;
  private KubernetesClients clients;
  private RegistrationActivitiesImpl activities;
  private ScheduledExecutorService tokenController;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void setUp() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    remoteServer =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    remoteServer.init();
    remote = remoteServer.createClient();
    clients = new MockKubeconfig().with("mgmt", client).with("cluster1-ctx", remote).clients(tmp);
    activities = new RegistrationActivitiesImpl(clients, Duration.ofSeconds(5));
    new MeshFixtures(client).crd(GlooMeshGroups.MULTICLUSTER, "KubernetesCluster", "v1alpha1");
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (tokenController != null) {
      tokenController.shutdownNow();
    }
    clients.close();
    remote.close();
    remoteServer.destroy();
  }

  @Test
  void registersAClusterTheWayMeshctlDoes() {
    startTokenController();

    ReRegisterResult result = activities.reRegister(INPUT);

    assertThat(result.cluster()).isEqualTo("cluster1");
    assertThat(result.updated()).isEmpty();
    assertThat(result.created())
        .containsExactly(
            "Namespace gloo-mesh@cluster1-ctx",
            "ServiceAccount gloo-mesh/cluster1@cluster1-ctx",
            "ClusterRole gloomesh-remote-access@cluster1-ctx",
            "ClusterRoleBinding cluster1-gloomesh-remote-access-clusterrole-binding@cluster1-ctx",
            "Secret gloo-mesh/cluster1-token@cluster1-ctx",
            "Secret gloo-mesh/cluster1@mgmt",
            "KubernetesCluster gloo-mesh/cluster1@mgmt");
    String remoteUrl = strip(remote.getConfiguration().getMasterUrl());
    assertThat(result.apiServer()).isEqualTo(remoteUrl).startsWith("http://");

    var role = remote.rbac().clusterRoles().withName("gloomesh-remote-access").get();
    // Gloo Mesh's own narrow role, not */*/*: networking reads workloads, writes mesh config.
    assertThat(role.getRules()).isEqualTo(RemoteAccessRole.rules());
    assertThat(role.getRules())
        .noneMatch(r -> r.getApiGroups().contains("*") || r.getResources().contains("*"))
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("networking.istio.io");
              assertThat(r.getResources()).contains("virtualservices", "destinationrules");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getApiGroups()).containsExactly("apps");
              assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
            });
    var binding =
        remote
            .rbac()
            .clusterRoleBindings()
            .withName("cluster1-gloomesh-remote-access-clusterrole-binding")
            .get();
    assertThat(binding.getRoleRef().getName()).isEqualTo("gloomesh-remote-access");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("cluster1");
              assertThat(s.getNamespace()).isEqualTo("gloo-mesh");
            });
    Secret token = remote.secrets().inNamespace("gloo-mesh").withName("cluster1-token").get();
    assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
    assertThat(token.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/service-account.name", "cluster1");

    Secret kubeconfigSecret = client.secrets().inNamespace("gloo-mesh").withName("cluster1").get();
    assertThat(kubeconfigSecret.getType()).isEqualTo("solo.io/kubeconfig");
    var kubeconfig =
        KubeConfigUtils.parseConfigFromString(
            new String(
                Base64.getDecoder().decode(kubeconfigSecret.getData().get("kubeconfig")),
                StandardCharsets.UTF_8));
    assertThat(kubeconfig.getCurrentContext()).isEqualTo("cluster1");
    NamedCluster named = kubeconfig.getClusters().get(0);
    assertThat(named.getName()).isEqualTo("cluster1");
    assertThat(named.getCluster().getServer()).isEqualTo(remoteUrl);
    assertThat(named.getCluster().getInsecureSkipTlsVerify()).isTrue();
    assertThat(kubeconfig.getContexts())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getName()).isEqualTo("cluster1");
              assertThat(c.getContext().getCluster()).isEqualTo("cluster1");
              assertThat(c.getContext().getUser()).isEqualTo("cluster1");
            });
    assertThat(kubeconfig.getUsers())
        .singleElement()
        .satisfies(
            u -> {
              assertThat(u.getName()).isEqualTo("cluster1");
              assertThat(u.getUser().getToken()).isEqualTo(TOKEN);
            });

    GenericKubernetesResource kc =
        client
            .genericKubernetesResources(RegistrationActivitiesImpl.KUBERNETES_CLUSTER)
            .inNamespace("gloo-mesh")
            .withName("cluster1")
            .get();
    assertThat(kc.getApiVersion()).isEqualTo("multicluster.solo.io/v1alpha1");
    assertThat(kc.getAdditionalProperties().get("spec"))
        .isEqualTo(Map.of("secretName", "cluster1", "clusterDomain", "cluster.local"));
  }

  @Test
  void runningTwiceChangesNothingMore() {
    startTokenController();
    activities.reRegister(INPUT);
    Map<String, String> versionsBefore = resourceVersions();

    ReRegisterResult again = activities.reRegister(INPUT);

    assertThat(again.created()).isEmpty();
    assertThat(again.updated()).isEmpty();
    assertThat(resourceVersions()).isEqualTo(versionsBefore);
  }

  @Test
  void deletingTheTokenSecretAndRegisteringAgainRotatesTheToken() {
    startTokenController();
    activities.reRegister(INPUT);
    String first = tokenOnMgmt();

    remote.secrets().inNamespace("gloo-mesh").withName("cluster1-token").delete();
    ReRegisterResult again = activities.reRegister(INPUT);

    assertThat(again.created()).containsExactly("Secret gloo-mesh/cluster1-token@cluster1-ctx");
    assertThat(again.updated()).containsExactly("Secret gloo-mesh/cluster1@mgmt");
    assertThat(first).isEqualTo(TOKEN);
    assertThat(tokenOnMgmt()).isNotEqualTo(first).startsWith(TOKEN + "-");
  }

  @Test
  void bringsObjectsThatDriftedBackUpToDate() {
    startTokenController();
    remote
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("gloomesh-remote-access")
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("pods")
                        .withVerbs("get")
                        .build())
                .build())
        .create();
    client
        .secrets()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cluster1")
                .withNamespace("gloo-mesh")
                .endMetadata()
                .withType("solo.io/kubeconfig")
                .addToData("kubeconfig", "c3RhbGU=")
                .build())
        .create();
    new MeshFixtures(client)
        .resource(
            GlooMeshGroups.MULTICLUSTER,
            "v1alpha1",
            "KubernetesCluster",
            "gloo-mesh",
            "cluster1",
            Map.of("secretName", "old-secret", "clusterDomain", "old.local"));

    ReRegisterResult result =
        activities.reRegister(
            nativeObjectsOnly(
                "mgmt", "gloo-mesh", "cluster1", "cluster1-ctx", "gloo-mesh", "mesh.internal"));

    assertThat(result.updated())
        .containsExactly(
            "ClusterRole gloomesh-remote-access@cluster1-ctx",
            "Secret gloo-mesh/cluster1@mgmt",
            "KubernetesCluster gloo-mesh/cluster1@mgmt");
    assertThat(result.created()).hasSize(4);
    assertThat(remote.rbac().clusterRoles().withName("gloomesh-remote-access").get().getRules())
        .isEqualTo(RemoteAccessRole.rules());
    GenericKubernetesResource kc =
        client
            .genericKubernetesResources(RegistrationActivitiesImpl.KUBERNETES_CLUSTER)
            .inNamespace("gloo-mesh")
            .withName("cluster1")
            .get();
    assertThat(kc.getAdditionalProperties().get("spec"))
        .isEqualTo(Map.of("secretName", "cluster1", "clusterDomain", "mesh.internal"));
  }

  @Test
  void replacesABindingAndATokenSecretThatCannotBeChangedInPlace() {
    startTokenController();
    remote
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("cluster1-gloomesh-remote-access-clusterrole-binding")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName("view")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("cluster1")
                .withNamespace("gloo-mesh")
                .endSubject()
                .build())
        .create();
    remote
        .secrets()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("cluster1-token")
                .withNamespace("gloo-mesh")
                .addToAnnotations("kubernetes.io/service-account.name", "someone-else")
                .endMetadata()
                .withType("kubernetes.io/service-account-token")
                .addToData("token", b64("someone-elses-token"))
                .build())
        .create();

    ReRegisterResult result = activities.reRegister(INPUT);

    assertThat(result.updated())
        .containsExactly(
            "ClusterRoleBinding cluster1-gloomesh-remote-access-clusterrole-binding@cluster1-ctx",
            "Secret gloo-mesh/cluster1-token@cluster1-ctx");
    assertThat(
            remote
                .rbac()
                .clusterRoleBindings()
                .withName("cluster1-gloomesh-remote-access-clusterrole-binding")
                .get()
                .getRoleRef()
                .getName())
        .isEqualTo("gloomesh-remote-access");
    Secret token = remote.secrets().inNamespace("gloo-mesh").withName("cluster1-token").get();
    assertThat(token.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/service-account.name", "cluster1");
    assertThat(token.getData()).containsEntry("token", b64(TOKEN));
  }

  @Test
  void theTokenNeverLeavesTheActivity() {
    startTokenController();
    // An API server that echoes the refused object in
    // its message, which the worker must not pass on.
    server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/gloo-mesh/secrets")
        .andReply(
            422,
            request ->
                new StatusBuilder()
                    .withCode(422)
                    .withReason("Invalid")
                    .withStatus("Failure")
                    .withMessage("Secret is invalid: " + request.getBody().readUtf8())
                    .build())
        .always();

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.reRegister(INPUT));

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_OBJECT);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("Secret gloo-mesh/cluster1", "[redacted]");
    assertNoCredential(failure.getMessage());
    assertNoCredential(String.valueOf(failure.getCause()));

    server.clearExpectations();
    ReRegisterResult result = activities.reRegister(INPUT);
    assertNoCredential(result.toString());
    assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertNoCredential(e.getFormattedMessage()));
  }

  @Test
  void inlinesTheRemoteCaForAnHttpsApiServer() {
    // the management mock serves https: register it as a cluster of itself, as Gloo Mesh demos do
    startTokenController(client);

    ReRegisterResult result =
        activities.reRegister(
            nativeObjectsOnly(
                "mgmt", "gloo-mesh", "mgmt-cluster", "mgmt", "gloo-mesh-remote", null));

    assertThat(result.apiServer()).startsWith("https://");
    Secret secret = client.secrets().inNamespace("gloo-mesh").withName("mgmt-cluster").get();
    var kubeconfig =
        KubeConfigUtils.parseConfigFromString(
            new String(
                Base64.getDecoder().decode(secret.getData().get("kubeconfig")),
                StandardCharsets.UTF_8));
    var cluster = kubeconfig.getClusters().get(0).getCluster();
    assertThat(cluster.getInsecureSkipTlsVerify()).isNull();
    assertThat(
            new String(
                Base64.getDecoder().decode(cluster.getCertificateAuthorityData()),
                StandardCharsets.UTF_8))
        .isEqualTo(CA_PEM);
  }

  @Test
  void timesOutRetryablyWhenNoTokenControllerFillsTheToken() {
    activities = new RegistrationActivitiesImpl(clients, Duration.ofMillis(600));

    ApplicationFailure failure =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.reRegister(INPUT));

    assertThat(failure.getType()).isEqualTo(FailureTypes.WAIT_TIMED_OUT);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage())
        .contains("gloo-mesh/cluster1-token", "cluster1-ctx", "token controller");
    assertThat(client.secrets().inNamespace("gloo-mesh").withName("cluster1").get()).isNull();
  }

  @Test
  void refusesARemoteContextTheWorkerDoesNotHaveNamingTheCluster() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.reRegister(
                    nativeObjectsOnly("mgmt", "gloo-mesh", "cluster2", "", "gloo-mesh", "")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.UNKNOWN_CONTEXT);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("cluster cluster2", "\"cluster2\"");
  }

  @Test
  void refusesAnInvalidClusterName() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                activities.reRegister(
                    nativeObjectsOnly(
                        "mgmt", "gloo-mesh", "Cluster_1", "cluster1-ctx", "gloo-mesh", "")));

    assertThat(failure.getType()).isEqualTo(FailureTypes.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
  }

  private void assertNoCredential(String text) {
    String encodedToken =
        Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8));
    assertThat(text)
        .doesNotContain(TOKEN)
        .doesNotContain(encodedToken)
        .doesNotContain("the-remote-service-account");
  }

  /**
   * Stands in for kube-controller-manager's token controller: fills service-account-token Secrets.
   */
  private void startTokenController() {
    startTokenController(remote);
  }

  /** TOKEN for the first Secret filled, then a new one each time, as a real controller does. */
  private String nextToken() {
    int n = tokensIssued.getAndIncrement();
    return n == 0 ? TOKEN : TOKEN + "-" + n;
  }

  /** The bearer token in the kubeconfig Secret registration wrote on the management cluster. */
  private String tokenOnMgmt() {
    String kubeconfig =
        new String(
            Base64.getDecoder()
                .decode(
                    client
                        .secrets()
                        .inNamespace("gloo-mesh")
                        .withName("cluster1")
                        .get()
                        .getData()
                        .get("kubeconfig")),
            StandardCharsets.UTF_8);
    return kubeconfig
        .lines()
        .map(String::trim)
        .filter(l -> l.startsWith("token:"))
        .findFirst()
        .orElseThrow()
        .substring("token:".length())
        .trim()
        .replace("\"", "");
  }

  private void startTokenController(KubernetesClient cluster) {
    tokenController = Executors.newSingleThreadScheduledExecutor();
    tokenController.scheduleWithFixedDelay(
        () -> {
          try {
            for (Secret s : cluster.secrets().inAnyNamespace().list().getItems()) {
              if ("kubernetes.io/service-account-token".equals(s.getType())
                  && (s.getData() == null || !s.getData().containsKey("token"))) {
                cluster
                    .secrets()
                    .inNamespace(s.getMetadata().getNamespace())
                    .withName(s.getMetadata().getName())
                    .edit(
                        e ->
                            new SecretBuilder(e)
                                .addToData("token", b64(nextToken()))
                                .addToData("ca.crt", b64(CA_PEM))
                                .addToData("namespace", b64(s.getMetadata().getNamespace()))
                                .build());
              }
            }
          } catch (RuntimeException ignored) {
            // next round
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
  }

  private Map<String, String> resourceVersions() {
    List<HasMetadata> all = new ArrayList<>();
    all.add(remote.namespaces().withName("gloo-mesh").get());
    all.add(remote.serviceAccounts().inNamespace("gloo-mesh").withName("cluster1").get());
    all.add(remote.rbac().clusterRoles().withName("gloomesh-remote-access").get());
    all.add(
        remote
            .rbac()
            .clusterRoleBindings()
            .withName("cluster1-gloomesh-remote-access-clusterrole-binding")
            .get());
    all.add(remote.secrets().inNamespace("gloo-mesh").withName("cluster1-token").get());
    all.add(client.secrets().inNamespace("gloo-mesh").withName("cluster1").get());
    all.add(
        client
            .genericKubernetesResources(RegistrationActivitiesImpl.KUBERNETES_CLUSTER)
            .inNamespace("gloo-mesh")
            .withName("cluster1")
            .get());
    Map<String, String> versions = new HashMap<>();
    all.forEach(
        o ->
            versions.put(
                o.getKind() + "/" + o.getMetadata().getName(),
                o.getMetadata().getResourceVersion()));
    return versions;
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}

package org.gloomeshupgrade.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.notify.NotificationSettings;
import org.gloomeshupgrade.sources.TrustedSources;
import org.gloomeshupgrade.sources.TrustedSourcesFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's Helm chart, linted and rendered by helm-java and read back as Kubernetes objects:
 * the defaults and the shipped example values give a pod the worker can run in, with the interface
 * the worker reads (environment, mounted files, metrics port) and the management-cluster
 * permissions of deploy/rbac. {@link WorkerChartIT} has a real API server accept every object.
 */
class WorkerChartTest {
  private static final String ACCOUNT = WorkerChart.RELEASE;
  private static final int METRICS_PORT = 9464;

  /**
   * What a pod may still need after the worker's last wait: the JVM's other shutdown hooks, the log
   * flushed, on a CPU-throttled node.
   */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

  @Test
  void helmLintReportsNeitherErrorsNorWarnings() {
    LintResult lint = WorkerChart.lint();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void byDefaultTheWorkerReachesItsOwnClusterAsItsServiceAccountHoldingExactlyTheShippedRules()
      throws IOException {
    RenderedChart chart = WorkerChart.render();
    RenderedChart shipped =
        WorkerChart.parse(Files.readString(DeployRbacTest.RBAC.resolve("management-cluster.yaml")));

    ClusterRole clusterRole = chart.one(ClusterRole.class);
    Role role = chart.one(Role.class);
    assertThat(grants(clusterRole.getRules()))
        .as("the chart's ClusterRole holds the rules of deploy/rbac's")
        .containsExactlyInAnyOrderElementsOf(grants(shipped.one(ClusterRole.class).getRules()));
    assertThat(grants(role.getRules()))
        .as("the chart's Role holds the rules of deploy/rbac's")
        .containsExactlyInAnyOrderElementsOf(grants(shipped.one(Role.class).getRules()));
    assertThat(role.getMetadata().getNamespace())
        .isEqualTo(shipped.one(Role.class).getMetadata().getNamespace());

    ServiceAccount account = chart.one(ServiceAccount.class);
    assertThat(account.getMetadata().getName())
        .as("the account deploy/rbac binds, for a release of the chart's name")
        .isEqualTo(shipped.one(ServiceAccount.class).getMetadata().getName());
    Subject subject = new Subject(null, "ServiceAccount", ACCOUNT, WorkerChart.NAMESPACE);
    ClusterRoleBinding clusterBinding = chart.one(ClusterRoleBinding.class);
    assertThat(clusterBinding.getSubjects()).containsExactly(subject);
    assertThat(clusterBinding.getRoleRef().getName())
        .isEqualTo(clusterRole.getMetadata().getName());
    RoleBinding binding = chart.one(RoleBinding.class);
    assertThat(binding.getSubjects()).containsExactly(subject);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(role.getMetadata().getNamespace());

    assertThat(chart.pod().getServiceAccountName()).isEqualTo(ACCOUNT);
    assertThat(chart.pod().getAutomountServiceAccountToken())
        .as("in-cluster, the token is the worker's identity")
        .isTrue();
    assertThat(chart.env())
        .containsEntry("GMU_IN_CLUSTER_CONTEXT", "mgmt")
        .containsEntry("GMU_KUBE_CONTEXT", "mgmt")
        .containsEntry("TEMPORAL_ADDRESS", "temporal-frontend.temporal.svc:7233")
        .containsEntry("TEMPORAL_NAMESPACE", "default")
        .containsEntry("GMU_TASK_QUEUE", "gloo-mesh-upgrade")
        .doesNotContainKeys("GMU_KUBECONFIG", "TEMPORAL_TLS", "GMU_TEMPORAL_API_KEY_FILE");
    assertThat(chart.worker().getArgs()).as("search attributes set up").isNullOrEmpty();
  }

  @Test
  void thePodRunsAsTheImagesNonRootUserOnAReadOnlyRootWithAWritableTmp() {
    for (RenderedChart chart : WorkerChart.everySetUp().values()) {
      PodSecurityContext pod = chart.pod().getSecurityContext();
      SecurityContext container = chart.worker().getSecurityContext();
      assertThat(pod.getRunAsNonRoot()).isTrue();
      assertThat(pod.getRunAsUser()).as("the Dockerfile's user").isEqualTo(10001L);
      assertThat(pod.getSeccompProfile()).extracting("type").isEqualTo("RuntimeDefault");
      assertThat(container.getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getCapabilities()).extracting("drop").isEqualTo(List.of("ALL"));
      assertThat(chart.worker().getVolumeMounts())
          .as("Helm's native library is extracted to /tmp")
          .anySatisfy(
              m -> {
                assertThat(m.getMountPath()).isEqualTo("/tmp");
                assertThat(chart.volume(m.getName()).getEmptyDir()).isNotNull();
                assertThat(m.getReadOnly()).as("writable").isNotEqualTo(true);
              });
      assertThat(chart.env()).containsEntry("HOME", "/tmp");
      assertThat(chart.env().get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
      assertThat(chart.worker().getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(chart.worker().getResources().getLimits()).containsKey("memory");
    }
  }

  @Test
  void theGracePeriodOutlastsTheWorkersLongestStop() {
    long grace = WorkerChart.render().pod().getTerminationGracePeriodSeconds();

    assertThat(Duration.ofSeconds(grace))
        .as(
            "SIGKILL comes after the grace period; the worker may wait %s",
            UpgradeWorker.longestStop())
        .isGreaterThanOrEqualTo(UpgradeWorker.longestStop().plus(STOP_MARGIN));
  }

  @Test
  void probesAndTheScrapeAnnotationsUseTheWorkersMetricsPort() {
    RenderedChart chart = WorkerChart.render();
    Container worker = chart.worker();

    assertThat(worker.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("metrics");
              assertThat(p.getContainerPort()).isEqualTo(METRICS_PORT);
            });
    assertThat(chart.env()).containsEntry("GMU_METRICS_PORT", String.valueOf(METRICS_PORT));
    assertThat(probe(worker.getStartupProbe().getHttpGet())).isEqualTo("/livez on metrics");
    assertThat(probe(worker.getLivenessProbe().getHttpGet())).isEqualTo("/livez on metrics");
    assertThat(probe(worker.getReadinessProbe().getHttpGet())).isEqualTo("/readyz on metrics");
    assertThat(
            worker.getStartupProbe().getPeriodSeconds()
                * worker.getStartupProbe().getFailureThreshold())
        .as("seconds the start-up (Helm warm-up, Temporal connection) may take")
        .isGreaterThanOrEqualTo(60);

    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true")
        .containsEntry("prometheus.io/port", String.valueOf(METRICS_PORT))
        .containsEntry("prometheus.io/path", "/metrics");
    Service service = chart.one(Service.class);
    assertThat(service.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics"));
    assertThat(service.getSpec().getSelector())
        .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPublishNotReadyAddresses())
        .as("a worker Temporal does not answer is not ready, and still scraped")
        .isTrue();
    assertThat(chart.all(GenericKubernetesResource.class)).as("no ServiceMonitor").isEmpty();
  }

  @Test
  void temporalCloudValuesMountTheApiKeyAndKubeconfigReadOnlyAndAddAServiceMonitor() {
    RenderedChart chart = WorkerChart.render(WorkerChart.TEMPORAL_CLOUD);
    Map<String, String> env = chart.env();

    assertThat(env)
        .containsEntry("TEMPORAL_ADDRESS", "prod.a1b2c.tmprl.cloud:7233")
        .containsEntry("TEMPORAL_NAMESPACE", "prod.a1b2c")
        .containsEntry("GMU_IN_CLUSTER_CONTEXT", "mgmt")
        .as("the key is read from its file, again when the Secret changes; never an env value")
        .doesNotContainKey("TEMPORAL_API_KEY");
    assertMountedReadOnly(
        chart, env.get("GMU_TEMPORAL_API_KEY_FILE"), "Secret", "temporal-api-key", "api-key");
    assertMountedReadOnly(
        chart, env.get("GMU_KUBECONFIG"), "Secret", "gloo-mesh-upgrade-kubeconfig", "config");
    assertThat(chart.worker().getArgs()).containsExactly("--no-search-attribute-setup");
    assertThat(chart.pod().getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("registry-credentials");
    assertThat(env).containsEntry("GMU_BACKUPS_KEPT", "3");
    assertThat(chart.volumeAt(env.get("GMU_BACKUP_DIR")).getEmptyDir()).isNotNull();

    GenericKubernetesResource monitor = chart.one(GenericKubernetesResource.class);
    Service service = chart.one(Service.class);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, String> selected = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(selected);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e).containsEntry("port", service.getSpec().getPorts().get(0).getName());
              assertThat(e).containsEntry("path", "/metrics");
            });
    assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .as("scraped by the ServiceMonitor only")
        .doesNotContainKey("prometheus.io/scrape");
  }

  @Test
  void mtlsValuesPointTemporalsTlsVariablesAtTheSecretsFilesAndLeaveTheTokenUnmounted() {
    RenderedChart chart = WorkerChart.render(WorkerChart.MTLS_KUBECONFIG);
    Map<String, String> env = chart.env();

    assertThat(env)
        .containsEntry("TEMPORAL_TLS", "true")
        .containsEntry("TEMPORAL_TLS_SERVER_NAME", "temporal-frontend")
        .containsEntry("GMU_TASK_QUEUE", "gloo-mesh-upgrade-prod")
        .containsEntry("GMU_KUBE_CONTEXT", "mgmt")
        .doesNotContainKeys("GMU_IN_CLUSTER_CONTEXT", "GMU_TEMPORAL_API_KEY_FILE");
    Map<String, String> keys =
        Map.of(
            "TEMPORAL_TLS_CLIENT_CERT_PATH", "tls.crt",
            "TEMPORAL_TLS_CLIENT_KEY_PATH", "tls.key",
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH", "ca.crt");
    keys.forEach(
        (variable, key) ->
            assertMountedReadOnly(chart, env.get(variable), "Secret", "temporal-client-tls", key));
    assertMountedReadOnly(
        chart, env.get("GMU_KUBECONFIG"), "Secret", "gloo-mesh-upgrade-kubeconfig", "config");
    Volume backups = chart.volumeAt(env.get("GMU_BACKUP_DIR"));
    assertThat(backups.getPersistentVolumeClaim().getClaimName())
        .isEqualTo("gloo-mesh-upgrade-backups");

    assertThat(chart.pod().getAutomountServiceAccountToken())
        .as("every cluster from the kubeconfig: the pod's token is unused")
        .isFalse();
    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
  }

  @Test
  void trustedSourcesAndValuesFilesFromValuesAreFilesTheWorkerReads(@TempDir Path folder)
      throws IOException {
    RenderedChart chart = WorkerChart.render(WorkerChart.TEMPORAL_CLOUD);

    RenderedChart.MountedFile sources = chart.file(chart.env().get("GMU_TRUSTED_SOURCES"));
    assertThat(sources.kind()).isEqualTo("ConfigMap");
    ConfigMap configMap = chart.configMap(sources.source()).orElseThrow();
    Path file = folder.resolve("trusted-sources.yaml");
    Files.writeString(file, configMap.getData().get(sources.key()));
    TrustedSources trusted = TrustedSourcesFile.read(file);
    assertThat(trusted.describe()).contains("/srv/mirror/charts");

    VolumeMount values =
        chart.worker().getVolumeMounts().stream()
            .filter(m -> m.getName().equals("values-files"))
            .findFirst()
            .orElseThrow();
    assertThat(values.getMountPath())
        .as("the values folder the worker trusts by default")
        .isEqualTo(TrustedSources.DEFAULT_VALUES_FOLDERS.get(0));
    assertThat(values.getReadOnly()).isTrue();
    assertThat(chart.configMap(chart.volume("values-files").getConfigMap().getName()))
        .hasValueSatisfying(
            c ->
                assertThat(c.getData().get("gloo-mesh-prod.yaml")).contains("glooMeshMgmtServer:"));
  }

  @Test
  void notificationsFromValuesAreAFileTheWorkerLoadsWithItsSecretsMountedBeside(
      @TempDir Path folder) throws IOException {
    RenderedChart chart = WorkerChart.render(WorkerChart.TEMPORAL_CLOUD);

    RenderedChart.MountedFile settings = chart.file(chart.env().get("GMU_NOTIFICATIONS"));
    assertThat(settings.kind()).isEqualTo("ConfigMap");
    String content = chart.configMap(settings.source()).orElseThrow().getData().get(settings.key());
    // Each URL and token file the settings name is a key of the Secret, mounted read-only.
    String slackUrl = "/etc/gloo-mesh-upgrade/notification-secrets/slack-url";
    assertMountedReadOnly(
        chart, slackUrl, "Secret", "gloo-mesh-upgrade-notifications", "slack-url");
    assertThat(content).contains(slackUrl);

    Path secrets = Files.createDirectories(folder.resolve("notification-secrets"));
    Files.writeString(secrets.resolve("slack-url"), "https://hooks.slack.com/services/T/B/x\n");
    Files.writeString(secrets.resolve("change-log-url"), "https://changes.example.com/hook\n");
    Files.writeString(secrets.resolve("change-log-token"), "token-1\n");
    Path file = folder.resolve("notifications.yaml");
    Files.writeString(
        file, content.replace("/etc/gloo-mesh-upgrade/notification-secrets", secrets.toString()));
    NotificationSettings loaded = NotificationSettings.load(file);
    assertThat(loaded.names()).containsExactly("mesh-slack", "change-log");
    assertThat(loaded.describe()).doesNotContain("hooks.slack.com", "token-1");
  }

  @Test
  void noSetUpRendersSecretMaterial() {
    for (RenderedChart chart : WorkerChart.everySetUp().values()) {
      assertThat(chart.all(Secret.class)).as(chart.kinds().toString()).isEmpty();
    }
  }

  @Test
  void valuesWithNoWayToTheManagementClusterAreRefusedNamingWhatToSet() {
    assertThatThrownBy(() -> WorkerChart.template().set("inCluster.enabled", false).call())
        .hasMessageContaining("set inCluster.enabled, or kubeconfig.secretName");
  }

  private static void assertMountedReadOnly(
      RenderedChart chart, String path, String kind, String source, String key) {
    assertThat(path).as("a path in the environment").isNotNull();
    RenderedChart.MountedFile file = chart.file(path);
    assertThat(file.mount().getReadOnly()).as(path + " mounted read-only").isTrue();
    assertThat(file.mount().getSubPath()).as("a subPath mount never sees an update").isNull();
    assertThat(file.kind() + " " + file.source() + " key " + file.key())
        .as(path)
        .isEqualTo(kind + " " + source + " key " + key);
  }

  private static String probe(HTTPGetAction get) {
    return get.getPath() + " on " + get.getPort().getStrVal();
  }

  /** Each rule as single grants, so that order and grouping do not count. */
  private static List<ShippedRbac.Grant> grants(List<PolicyRule> rules) {
    return rules.stream().flatMap(ShippedRbac::grants).toList();
  }
}

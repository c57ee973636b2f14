package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.gloomeshupgrade.crds.CrdManifestConverter;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.ConflictRetry;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.request.InstallMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs or upgrades the agent charts ({@code agent-crds}, then {@code cert-agent}) on a remote
 * cluster, as {@code meshctl cluster register} does, through the control plane's Helm interface:
 * {@code helm install} or {@code upgrade} (helm) or the chart rendered by Helm and applied through
 * the API (manifests).
 *
 * <p>Either way the charts' CRDs are applied through the API first (converted to
 * apiextensions.k8s.io/v1 where the cluster no longer serves v1beta1): Helm installs {@code crds/}
 * only on a first install and never upgrades them, and the published agent CRDs are v1beta1. Every
 * write is skipped when the live object already holds what the chart renders, and a Helm release
 * already deployed at the target chart version is left alone, so a second run writes nothing.
 */
public class AgentChartInstaller {
  private static final Logger log = LoggerFactory.getLogger(AgentChartInstaller.class);

  /**
   * The agent charts in the order meshctl installs them: the CRDs before the agent that uses them.
   */
  public static final List<String> CHARTS = List.of("agent-crds", "cert-agent");

  /** One agent chart: its name (also its release name) and where ChartResolver finds it. */
  public record AgentChart(String name, String reference) {}

  private final KubernetesClients clients;
  private final ChartResolver charts;

  public AgentChartInstaller(KubernetesClients clients, ChartResolver charts) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.charts = Objects.requireNonNull(charts, "charts");
  }

  /**
   * Installs or upgrades each chart at {@code version} in {@code namespace} of the cluster at
   * {@code context}; every chart is resolved before the first write.
   *
   * @param method manifests renders and applies; anything else installs or upgrades the Helm
   *     release
   * @return one line per chart: "name version outcome@context"
   */
  public List<String> install(
      String context,
      String namespace,
      List<AgentChart> agentCharts,
      String version,
      InstallMethod method) {
    List<ChartResolver.ResolvedChart> resolved =
        agentCharts.stream().map(c -> charts.resolve(c.name(), c.reference(), version)).toList();
    KubernetesClient client = clients.forContext(context);
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < agentCharts.size(); i++) {
      String name = agentCharts.get(i).name();
      ChartResolver.ResolvedChart chart = resolved.get(i);
      List<JsonNode> documents =
          RenderedManifestInstaller.render(charts, chart, name, namespace, List.of());
      List<JsonNode> crdManifests = new ArrayList<>(crdsFolder(chart));
      documents.stream().filter(CrdManifestConverter::isCrd).forEach(crdManifests::add);
      Applied crds = new Applied();
      Applied objects = new Applied();
      for (JsonNode document : crdManifests) {
        apply(client, context, namespace, crd(client, context, (ObjectNode) document), crds);
      }
      String release;
      if (method == InstallMethod.MANIFESTS) {
        for (JsonNode document : documents) {
          if (!CrdManifestConverter.isCrd(document)
              && RenderedManifestInstaller.skipReason(document) == null) {
            apply(client, context, namespace, document, objects);
          }
        }
        release = "applied (manifests): " + objects;
      } else {
        release = helmUpgradeInstall(client, context, namespace, name, chart);
      }
      String outcome =
          name
              + " "
              + chart.version()
              + " "
              + release
              + (crds.total() == 0 ? "" : "; CRDs: " + crds)
              + "@"
              + context;
      log.info(
          "re-register: context={} agent chart {} from {}: {}",
          context,
          name,
          chart.location(),
          outcome);
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /**
   * The chart's {@code crds/}, which {@code helm template} leaves out, as {@code helm show crds}
   * prints them.
   */
  private List<JsonNode> crdsFolder(ChartResolver.ResolvedChart chart) {
    try (ChartResolver.LocalChart local = charts.fetch(chart)) {
      String yaml;
      try {
        yaml = Helm.show(local.path().toString()).crds().call();
      } catch (IllegalStateException e) {
        throw ChartResolver.tooling(
            "helm show crds of chart " + chart.location() + " failed: " + e.getMessage());
      }
      return RenderedManifestInstaller.documents(
              yaml, "the crds/ of chart " + chart.location() + " hold")
          .stream()
          .filter(CrdManifestConverter::isCrd)
          .toList();
    }
  }

  private String helmUpgradeInstall(
      KubernetesClient client,
      String context,
      String namespace,
      String name,
      ChartResolver.ResolvedChart chart) {
    Optional<HelmReleaseStorage.Revision> current =
        HelmReleaseStorage.latest(client, context, namespace, name);
    if (current.isPresent()
        && "deployed".equals(current.get().status())
        && chart.version().equals(current.get().chartVersion())) {
      return "unchanged (helm release "
          + namespace
          + "/"
          + name
          + " revision "
          + current.get().revision()
          + " already deployed at "
          + chart.version()
          + ")";
    }
    Heartbeats.beat("helm install or upgrade of " + namespace + "/" + name);
    String kubeconfig = HelmReleaseInstaller.kubeconfigFor(clients.kubeconfigFor(context), context);
    Release release;
    try (ChartResolver.LocalChart local = charts.fetch(chart)) {
      String path = local.path().toString();
      // install when there is no release rather than upgrade --install:
      // helm-java's upgrade --install loses the kubeconfig contents on its install
      // path and talks to localhost. CRDs skipped: applied above, converted.
      release =
          HelmReleaseInstaller.helm(
              (current.isEmpty() ? "installing" : "upgrading")
                  + " release "
                  + namespace
                  + "/"
                  + name,
              context,
              () ->
                  current.isEmpty()
                      ? Helm.install(path)
                          .withName(name)
                          .withNamespace(namespace)
                          .skipCrds()
                          .withKubeConfigContents(kubeconfig)
                          .call()
                      : Helm.upgrade(path)
                          .withName(name)
                          .withNamespace(namespace)
                          .skipCrds()
                          .withKubeConfigContents(kubeconfig)
                          .call());
    }
    return (current.isEmpty() ? "installed" : "upgraded from " + current.get().chartVersion())
        + " (helm release "
        + namespace
        + "/"
        + name
        + " revision "
        + release.getRevision()
        + ")";
  }

  /**
   * The CRD as this cluster serves it: v1beta1 converted to v1 where v1beta1 is no longer served.
   */
  private static JsonNode crd(KubernetesClient client, String context, ObjectNode manifest) {
    if (!CrdManifestConverter.isV1beta1(manifest)) {
      return manifest;
    }
    APIGroup group =
        KubernetesFailures.call(
            "reading the API group " + CrdManifestConverter.GROUP,
            context,
            () -> client.getApiGroup(CrdManifestConverter.GROUP));
    // No answer means a current cluster, which serves v1 only.
    boolean servesV1beta1 =
        group != null
            && group.getVersions() != null
            && group.getVersions().stream()
                .anyMatch(v -> CrdManifestConverter.V1BETA1.equals(v.getGroupVersion()));
    return servesV1beta1 ? manifest : CrdManifestConverter.toV1(manifest);
  }

  /**
   * Creates the object, or updates it when the live one does not already hold everything the chart
   * renders.
   */
  private static void apply(
      KubernetesClient client,
      String context,
      String namespace,
      JsonNode document,
      Applied applied) {
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    HasMetadata desired = serialization.unmarshal(document.toString());
    if (desired instanceof Namespaced && desired.getMetadata().getNamespace() == null) {
      desired.getMetadata().setNamespace(namespace);
    }
    String id =
        desired.getKind()
            + " "
            + (desired.getMetadata().getNamespace() == null
                ? ""
                : desired.getMetadata().getNamespace() + "/")
            + desired.getMetadata().getName();
    String outcome =
        KubernetesFailures.call(
            "applying " + id,
            context,
            () ->
                ConflictRetry.onConflict(
                    () -> {
                      HasMetadata live = client.resource(desired).get();
                      if (live == null) {
                        client.resource(desired).create();
                        return "created";
                      }
                      if (contains(
                          serialization.convertValue(live, JsonNode.class),
                          withoutServerFields(document))) {
                        return "unchanged";
                      }
                      ObjectMeta meta = desired.getMetadata();
                      meta.setLabels(
                          Labels.merged(live.getMetadata().getLabels(), meta.getLabels()));
                      meta.setAnnotations(
                          Labels.merged(
                              live.getMetadata().getAnnotations(), meta.getAnnotations()));
                      meta.setResourceVersion(live.getMetadata().getResourceVersion());
                      if (desired instanceof ServiceAccount account
                          && live instanceof ServiceAccount liveAccount
                          && (account.getSecrets() == null || account.getSecrets().isEmpty())) {
                        account.setSecrets(liveAccount.getSecrets());
                      }
                      client.resource(desired).update();
                      return "updated";
                    }));
    log.info("re-register: context={} {}: {}", context, id, outcome);
    applied.count(outcome);
  }

  private static JsonNode withoutServerFields(JsonNode document) {
    ObjectNode copy = document.deepCopy();
    copy.remove("status");
    if (copy.path("metadata").isObject()) {
      ((ObjectNode) copy.get("metadata")).retain("name", "namespace", "labels", "annotations");
    }
    return copy;
  }

  /**
   * Whether {@code live} holds every field of {@code wanted} with the same value: what the API
   * server adds (defaults, status, metadata) is not a difference, so an unchanged chart is not
   * written again.
   */
  static boolean contains(JsonNode live, JsonNode wanted) {
    if (wanted == null || wanted.isNull()) {
      return true;
    }
    if (wanted.isObject()) {
      if (!live.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode have = live.get(field.getKey());
        boolean emptyWanted = field.getValue().isContainerNode() && field.getValue().isEmpty();
        if (have == null ? !emptyWanted : !contains(have, field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isArray()) {
      if (!live.isArray() || live.size() != wanted.size()) {
        return false;
      }
      for (int i = 0; i < wanted.size(); i++) {
        if (!contains(live.get(i), wanted.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (wanted.isNumber() && live.isNumber()) {
      return wanted.decimalValue().compareTo(live.decimalValue()) == 0;
    }
    return wanted.asText().equals(live.asText()) && wanted.isValueNode() && live.isValueNode();
  }

  private static final class Applied {
    private int created;
    private int updated;
    private int unchanged;

    void count(String outcome) {
      switch (outcome) {
        case "created" -> created++;
        case "updated" -> updated++;
        default -> unchanged++;
      }
    }

    int total() {
      return created + updated + unchanged;
    }

    @Override
    public String toString() {
      return "created " + created + ", updated " + updated + ", unchanged " + unchanged;
    }
  }
}

package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.ConflictRetry;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.workflow.FailureTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the chart with Helm ({@code helm template}, no cluster involved) and applies each object
 * through the Kubernetes API, create-or-update. The discovery and networking Deployments keep their
 * live replica counts, so the upgrade never starts them early; the chart's {@code crds/} are left
 * to the CRD step.
 */
public class RenderedManifestInstaller implements ControlPlaneInstaller {
  private static final Logger log = LoggerFactory.getLogger(RenderedManifestInstaller.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What create-or-update sends for each rendered object. */
  private static final List<String> WRITE_VERBS = List.of("get", "create", "update");

  private final KubernetesClients clients;
  private final ChartResolver charts;

  public RenderedManifestInstaller(KubernetesClients clients, ChartResolver charts) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.charts = Objects.requireNonNull(charts, "charts");
  }

  /** It writes each deployment with the replica count it has (see {@link #keepReplicas}). */
  @Override
  public boolean keepsReplicaCounts() {
    return true;
  }

  @Override
  public ToolingReport resolveTooling(InstallSpec spec) {
    ChartResolver.ResolvedChart chart = charts.resolve(spec.chart(), spec.targetVersion());
    String helm;
    try {
      helm = Helm.version().call();
    } catch (IllegalStateException e) {
      throw ChartResolver.tooling(
          "the Helm library does not load on this worker: " + e.getMessage());
    }
    List<JsonNode> documents = render(spec);
    KubernetesClient client = clients.forContext(spec.context());
    ChartPermissions.Checked permissions =
        ChartPermissions.check(
            client, spec.context(), spec.namespace(), documents, WRITE_VERBS, List.of());
    // Before any change: an edit on the cluster that the new chart would write over stops the run
    // here, not in the control-plane step after discovery was deleted.
    List<Planned> plan = plan(client, spec, documents, "manifests", new OutputTail(), true);
    new LiveEdits(client, spec, charts, client.getKubernetesSerialization()).mergeInto(plan);
    long kept = plan.stream().filter(p -> p.note().contains("edits on the cluster kept")).count();
    log.info(
        "control-plane: cluster={} method=manifests chart={} version={} resolved (helm {}), {}",
        spec.context(),
        chart.location(),
        chart.version(),
        helm,
        permissions.describe());
    return new ToolingReport(
        "helm",
        chart.location(),
        helm,
        "chart "
            + ChartResolver.CHART_NAME
            + " "
            + chart.version()
            + " rendered by helm template and applied through the Kubernetes API as a three-way"
            + " merge ("
            + kept
            + " object(s) with edits on the cluster that are kept); "
            + permissions.describe());
  }

  @Override
  public InstallOutcome upgrade(InstallSpec spec) {
    return apply(spec, false);
  }

  @Override
  public InstallOutcome dryRun(InstallSpec spec) {
    return apply(spec, true);
  }

  private InstallOutcome apply(InstallSpec spec, boolean dryRun) {
    return apply(spec, render(spec), dryRun, "manifests", true);
  }

  /**
   * Creates or updates each rendered object (CRDs and hooks skipped, discovery and networking
   * replicas kept); with {@code dryRun} the server only validates and answers, and the outcome
   * lists what would change, field by field.
   *
   * @param method what the log lines name: the install method on whose behalf this runs
   * @param keepLiveEdits write each existing object as a three-way merge (see {@link
   *     ThreeWayMerge}) and refuse, before writing any, when a field someone edited is one the
   *     chart changes; false writes the chart's objects over the live ones
   */
  InstallOutcome apply(
      InstallSpec spec,
      List<JsonNode> documents,
      boolean dryRun,
      String method,
      boolean keepLiveEdits) {
    KubernetesClient client = clients.forContext(spec.context());
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    OutputTail output = new OutputTail();
    List<String> applied = new ArrayList<>();
    List<Planned> plan = plan(client, spec, documents, method, output, false);
    if (keepLiveEdits) {
      new LiveEdits(client, spec, charts, serialization).mergeInto(plan);
    }
    for (Planned planned : plan) {
      String id = planned.id();
      Written written =
          KubernetesFailures.call(
              (dryRun ? "dry-running " : "applying ") + id,
              spec.context(),
              () ->
                  ConflictRetry.onConflict(
                      () ->
                          createOrUpdate(
                              client, planned, dryRun, keepLiveEdits, spec.targetVersion())));
      String outcome =
          written.created()
              ? "created"
              : written.changes().isEmpty()
                  ? "unchanged"
                  : "updated: " + ObjectDiff.summary(written.changes());
      String line =
          id
              + (dryRun ? " would be " : " ")
              + outcome
              + (dryRun ? " (server dry run)" : "")
              + planned.note();
      log.info("control-plane: cluster={} method={} {}", spec.context(), method, line);
      output.line(line);
      // A dry run reports what would change; a real run, everything it wrote.
      if (!dryRun || written.created() || !written.changes().isEmpty()) {
        applied.add(id);
      }
      Heartbeats.beat((dryRun ? "dry-ran " : "applied ") + id);
    }
    return new InstallOutcome(0, 0, applied, output.toString());
  }

  /**
   * The rendered objects to write, CRDs and hooks skipped, replicas kept, namespaces set.
   *
   * @param beforeCrds leave out objects whose API the cluster does not serve yet, instead of
   *     refusing them: the tooling step looks before the target's CRDs are applied
   */
  private static List<Planned> plan(
      KubernetesClient client,
      InstallSpec spec,
      List<JsonNode> documents,
      String method,
      OutputTail output,
      boolean beforeCrds) {
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    Map<String, Boolean> namespacedByKind = new HashMap<>();
    List<Planned> plan = new ArrayList<>();
    for (JsonNode document : documents) {
      String kind = document.path("kind").asText();
      String name = document.path("metadata").path("name").asText();
      String skip = skipReason(document);
      if (skip != null) {
        log.info(
            "control-plane: cluster={} method={} {} {} skipped ({})",
            spec.context(),
            method,
            kind,
            name,
            skip);
        output.line("skipped " + kind + " " + name + ": " + skip);
        continue;
      }
      HasMetadata object = serialization.unmarshal(document.toString());
      boolean namespaced;
      try {
        namespaced = namespaced(client, spec.context(), object, namespacedByKind);
      } catch (ApplicationFailure notServed) {
        if (beforeCrds && FailureTypes.INVALID_OBJECT.equals(notServed.getType())) {
          continue; // its API comes with the target's CRDs: nothing of it is on the cluster
        }
        throw notServed;
      }
      if (namespaced
          && (object.getMetadata().getNamespace() == null
              || object.getMetadata().getNamespace().isBlank())) {
        object.getMetadata().setNamespace(spec.namespace());
      }
      String id = kind + " " + (namespaced ? object.getMetadata().getNamespace() + "/" : "") + name;
      String note = keepReplicas(client, spec, object);
      plan.add(new Planned(id, object, note));
    }
    return plan;
  }

  /**
   * One rendered object to write.
   *
   * @param note what the report adds about it (replicas kept, edits kept)
   */
  static final class Planned {
    private final String id;
    private final HasMetadata desired;
    private String note;
    private JsonNode base;

    Planned(String id, HasMetadata desired, String note) {
      this.id = id;
      this.desired = desired;
      this.note = note;
    }

    String id() {
      return id;
    }

    HasMetadata desired() {
      return desired;
    }

    String note() {
      return note;
    }

    void note(String more) {
      note = note + more;
    }

    /** What the chart set on the object before, null when unknown. */
    JsonNode base() {
      return base;
    }

    void base(JsonNode before) {
      base = before;
    }
  }

  /**
   * @param changes what the write changed (or, in a dry run, would change) in an existing object
   */
  private record Written(boolean created, List<String> changes) {}

  /** The chart's templates as rendered by Helm, one JSON tree per non-empty document. */
  List<JsonNode> render(InstallSpec spec) {
    return render(charts, spec);
  }

  static List<JsonNode> render(ChartResolver charts, InstallSpec spec) {
    return render(charts, spec, List.of());
  }

  /**
   * @param valuesFirst values files applied before the request's own (a release's current values)
   */
  static List<JsonNode> render(ChartResolver charts, InstallSpec spec, List<Path> valuesFirst) {
    List<Path> values = new ArrayList<>(valuesFirst);
    values.addAll(ValuesFiles.read(spec));
    return render(
        charts,
        charts.resolve(spec.chart(), spec.targetVersion()),
        spec.release(),
        spec.namespace(),
        values);
  }

  /**
   * A resolved chart rendered as release {@code release} in {@code namespace}, CRDs included,
   * values files in order.
   */
  static List<JsonNode> render(
      ChartResolver charts,
      ChartResolver.ResolvedChart resolved,
      String release,
      String namespace,
      List<Path> valuesFiles) {
    String rendered;
    try (ChartResolver.LocalChart chart = charts.fetch(resolved)) {
      TemplateCommand command =
          Helm.template(chart.path().toString()).withName(release).withNamespace(namespace);
      for (Path file : valuesFiles) {
        command = command.withValuesFile(file);
      }
      rendered =
          Objects.requireNonNullElse(
              command.call(), ""); // a chart without templates renders nothing
    } catch (IllegalStateException e) {
      throw ChartResolver.tooling(
          "helm template of chart "
              + resolved.location()
              + " failed: "
              + OutputTail.of(e.getMessage()));
    }
    return documents(rendered, "chart " + resolved.location() + " renders");
  }

  /**
   * The non-empty documents of a multi-document YAML text; {@code what} names its source in a
   * refusal.
   */
  static List<JsonNode> documents(String yaml, String what) {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(yaml == null ? "" : yaml)) {
      while (docs.hasNextValue()) {
        JsonNode doc = docs.nextValue();
        if (doc != null && doc.isObject() && doc.hasNonNull("kind")) {
          documents.add(doc);
        }
      }
    } catch (IOException e) {
      throw ChartResolver.tooling(what + " invalid YAML: " + e.getMessage());
    }
    return documents;
  }

  static String skipReason(JsonNode document) {
    if ("CustomResourceDefinition".equals(document.path("kind").asText())) {
      return "CRDs are applied by the CRD step";
    }
    if (document.path("metadata").path("annotations").hasNonNull("helm.sh/hook")) {
      // Hooks are jobs Helm runs around its own operations;
      // applied as plain objects they would run at random.
      return "Helm hook "
          + document.path("metadata").path("annotations").path("helm.sh/hook").asText();
    }
    return null;
  }

  /**
   * For the discovery and networking Deployments, the replica count of the live Deployment (0
   * during the upgrade; 0 too when there is none yet): the chart's count would start them before
   * the workflow means to.
   */
  private static String keepReplicas(
      KubernetesClient client, InstallSpec spec, HasMetadata object) {
    if (!(object instanceof Deployment deployment)) {
      return "";
    }
    String name = deployment.getMetadata().getName();
    if (!name.equals(spec.discoveryDeployment()) && !name.equals(spec.networkingDeployment())) {
      return "";
    }
    String namespace = deployment.getMetadata().getNamespace();
    Deployment live =
        KubernetesFailures.call(
            "reading deployment " + namespace + "/" + name,
            spec.context(),
            () -> client.apps().deployments().inNamespace(namespace).withName(name).get());
    Integer replicas =
        live == null || live.getSpec() == null ? Integer.valueOf(0) : live.getSpec().getReplicas();
    int kept = replicas == null ? 1 : replicas;
    deployment.getSpec().setReplicas(kept);
    return " (replicas kept at " + kept + ")";
  }

  private static boolean namespaced(
      KubernetesClient client, String context, HasMetadata object, Map<String, Boolean> cache) {
    if (!(object instanceof GenericKubernetesResource)) {
      return object instanceof Namespaced;
    }
    String key = object.getApiVersion() + "/" + object.getKind();
    return cache.computeIfAbsent(
        key,
        k -> {
          APIResourceList resources =
              KubernetesFailures.call(
                  "discovering " + object.getApiVersion(),
                  context,
                  () -> client.getApiResources(object.getApiVersion()));
          if (resources == null || resources.getResources() == null) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the chart renders a "
                    + object.getKind()
                    + " ("
                    + object.getApiVersion()
                    + ") but cluster "
                    + context
                    + " does not serve that API: apply the target's"
                    + " CRDs first",
                FailureTypes.INVALID_OBJECT);
          }
          return resources.getResources().stream()
              .filter(r -> object.getKind().equals(r.getKind()) && !r.getName().contains("/"))
              .map(APIResource::getNamespaced)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(true);
        });
  }

  /**
   * Creates the object, or writes it over the live one: with {@code keepLiveEdits}, as the
   * three-way merge of the chart's change into the live object (read again, so a write between the
   * plan and now is merged too); otherwise replacing it, carrying over what the API server or
   * others own. A dry run is sent with dryRun=All: the server validates, answers with the object as
   * it would store it, and changes nothing.
   */
  private Written createOrUpdate(
      KubernetesClient client,
      Planned planned,
      boolean dryRun,
      boolean keepLiveEdits,
      String version) {
    HasMetadata desired = planned.desired();
    HasMetadata existing = client.resource(desired).get();
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    if (existing == null) {
      client
          .resource(keepLiveEdits ? LiveEdits.recorded(serialization, desired, version) : desired)
          .dryRun(dryRun)
          .create();
      return new Written(true, List.of());
    }
    HasMetadata toWrite;
    if (keepLiveEdits && planned.base() != null) {
      toWrite = LiveEdits.merged(serialization, desired, existing, planned.base(), version);
    } else {
      // Without a record of what was applied before, nothing tells a person's field from one an
      // older chart set and the new one dropped: the chart's object replaces the live one.
      toWrite =
          replacing(
              keepLiveEdits ? LiveEdits.recorded(serialization, desired, version) : desired,
              existing);
    }
    HasMetadata stored = client.resource(toWrite).dryRun(dryRun).update();
    return new Written(
        false,
        ObjectDiff.changes(
            serialization.convertValue(existing, JsonNode.class),
            serialization.convertValue(stored, JsonNode.class)));
  }

  /** The chart's object in place of the live one, with what the server or others own kept. */
  private static HasMetadata replacing(HasMetadata desired, HasMetadata existing) {
    ObjectMeta meta = desired.getMetadata();
    meta.setLabels(Labels.merged(existing.getMetadata().getLabels(), meta.getLabels()));
    meta.setAnnotations(
        Labels.merged(existing.getMetadata().getAnnotations(), meta.getAnnotations()));
    meta.setResourceVersion(existing.getMetadata().getResourceVersion());
    if (desired instanceof Service service
        && existing instanceof Service live
        && service.getSpec() != null
        && live.getSpec() != null) {
      // The cluster IP is assigned once and cannot change; a chart never names it.
      if (service.getSpec().getClusterIP() == null) {
        service.getSpec().setClusterIP(live.getSpec().getClusterIP());
        service.getSpec().setClusterIPs(live.getSpec().getClusterIPs());
      }
    }
    if (desired instanceof ServiceAccount account && existing instanceof ServiceAccount live) {
      // Token secrets are linked by the token controller, not by the chart.
      if (account.getSecrets() == null || account.getSecrets().isEmpty()) {
        account.setSecrets(live.getSecrets());
      }
    }
    return desired;
  }
}

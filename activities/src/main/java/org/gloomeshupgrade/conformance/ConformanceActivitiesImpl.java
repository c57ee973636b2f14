package org.gloomeshupgrade.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.gloomeshupgrade.crds.CrdApplyInput;
import org.gloomeshupgrade.crds.CrdManifestConverter;
import org.gloomeshupgrade.crds.CrdSource;
import org.gloomeshupgrade.heartbeat.Heartbeats;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.RequestedSources;
import org.gloomeshupgrade.sources.TrustedSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the user's networking, settings and rbac resources and checks them against the installed
 * (new) CRDs: what the API server would refuse or silently drop on the next write. It checks that
 * the kind still exists and its version is served, then, with {@link SchemaConformance}, every
 * schema error (type, enum, required, pattern...) and every field, at any depth, that the schema
 * would prune.
 */
public class ConformanceActivitiesImpl implements ConformanceActivities {
  private static final Logger log = LoggerFactory.getLogger(ConformanceActivitiesImpl.class);
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  /** Problems named in a log line; one line per check stays readable. */
  private static final int LOGGED = 20;

  private final KubernetesClients clients;
  private final CrdSource source;
  private final TrustedSources trusted;

  public ConformanceActivitiesImpl(KubernetesClients clients) {
    this(clients, TrustedSources.defaults());
  }

  public ConformanceActivitiesImpl(KubernetesClients clients, TrustedSources trusted) {
    this(clients, new CrdSource(), trusted);
  }

  public ConformanceActivitiesImpl(KubernetesClients clients, CrdSource source) {
    this(clients, source, TrustedSources.defaults());
  }

  /**
   * @param source reads the target's CRDs for the check before the upgrade
   */
  public ConformanceActivitiesImpl(
      KubernetesClients clients, CrdSource source, TrustedSources trusted) {
    this.clients = clients;
    this.source = source;
    this.trusted = trusted;
  }

  @Override
  public ConformanceReport check(String requestedContext) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    List<CustomResourceDefinition> crds = CrdKinds.all(client, context);
    return check(
        client, context, crds, CrdKinds.ofGroups(crds, GlooMeshGroups.ALL), "installed", false);
  }

  @Override
  public ConformanceReport checkAgainstTarget(CrdApplyInput input) {
    String context = clients.resolve(input.context());
    KubernetesClient client = clients.forContext(context);
    trusted.refuseUntrusted(
        RequestedSources.crds(input.source(), input.chart(), input.targetVersion()));
    CrdSource.Loaded loaded = source.load(input.source(), input.targetVersion(), input.chart());
    // The target's CRDs as the API server will hold
    // them: v1beta1 manifests are read in their v1 form.
    List<CustomResourceDefinition> target =
        loaded.crds().stream()
            .map(
                c ->
                    JSON.convertValue(
                        CrdManifestConverter.toV1(c.manifest()), CustomResourceDefinition.class))
            .toList();
    log.info(
        "conformance: cluster={} checking against the {} CRDs of {} from {}",
        context,
        target.size(),
        input.targetVersion(),
        loaded.source());
    return check(
        client,
        context,
        CrdKinds.all(client, context),
        CrdKinds.ofGroups(target, GlooMeshGroups.ALL),
        input.targetVersion(),
        true);
  }

  /**
   * Reads every user resource through the installed CRDs (at each version objects may be stored at)
   * and checks it against {@code against}: the installed kinds after the upgrade, or the target's
   * before it.
   *
   * @param leaveChartOwned before the upgrade: the problems of objects the control-plane chart owns
   *     go apart, since the control-plane step rewrites those objects from the new chart (Settings
   *     moved spec.istio in 0.12 that way)
   */
  private ConformanceReport check(
      KubernetesClient client,
      String context,
      List<CustomResourceDefinition> crds,
      List<CrdKind> against,
      String which,
      boolean leaveChartOwned) {
    List<ConformanceProblem> problems = new ArrayList<>();
    List<ConformanceProblem> leftToChart = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (CrdKind kind : CrdKinds.ofGroups(crds, GlooMeshGroups.USER_CONFIGURATION)) {
      int before = seen.size();
      int problemsBefore = problems.size();
      for (String version : kind.knownVersions()) {
        boolean served =
            forEach(
                client,
                context,
                kind,
                version,
                r -> {
                  String key =
                      kind.group()
                          + "/"
                          + r.getKind()
                          + "/"
                          + r.getMetadata().getNamespace()
                          + "/"
                          + r.getMetadata().getName();
                  // A real API server returns every object at each served version; check each
                  // object once.
                  if (seen.add(key)) {
                    (leaveChartOwned && Labels.ownedByHelm(r.getMetadata())
                            ? leftToChart
                            : problems)
                        .addAll(check(r, against, which));
                  }
                });
        if (!served) {
          problems.add(
              new ConformanceProblem(
                  kind.kind(),
                  "",
                  "",
                  "$",
                  "objects stored as "
                      + kind.group()
                      + "/"
                      + version
                      + " cannot be read: the installed CRD "
                      + kind.crd().getMetadata().getName()
                      + " does not serve that version",
                  "Put the old version back in the CRD (served: true), migrate the objects to "
                      + kind.version()
                      + ", then remove it."));
        }
      }
      log.info(
          "conformance: cluster={} kind={}: {} resource(s) checked, {} problem(s)",
          context,
          kind.describe(),
          seen.size() - before,
          problems.size() - problemsBefore);
      Heartbeats.beat("checked " + kind.kind());
    }
    log.info(
        "conformance: cluster={} against={}: {} resource(s) checked, {} problem(s){}",
        context,
        which,
        seen.size(),
        problems.size(),
        problems.isEmpty()
            ? ""
            : ": "
                + problems.stream()
                    .limit(LOGGED)
                    .map(p -> p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path())
                    .toList()
                + (problems.size() > LOGGED
                    ? " and %d more".formatted(problems.size() - LOGGED)
                    : ""));
    if (!leftToChart.isEmpty()) {
      log.info(
          "conformance: cluster={} against={}: {} problem(s) of chart-owned resources left to the control-plane "
              + "step, checked again after it: {}",
          context,
          which,
          leftToChart.size(),
          leftToChart.stream()
              .limit(LOGGED)
              .map(p -> p.kind() + " " + p.namespace() + "/" + p.name() + " " + p.path())
              .toList());
    }
    return new ConformanceReport(
        seen.size(),
        firstListed(problems),
        firstListed(leftToChart),
        Math.max(0, problems.size() - ConformanceReport.MAX_LISTED),
        Math.max(0, leftToChart.size() - ConformanceReport.MAX_LISTED));
  }

  private static List<ConformanceProblem> firstListed(List<ConformanceProblem> all) {
    return List.copyOf(all.subList(0, Math.min(all.size(), ConformanceReport.MAX_LISTED)));
  }

  /**
   * Hands each object of the kind, read at {@code version}, to {@code each}, a page at a time;
   * false when the server does not serve that version of the kind (404).
   */
  private static boolean forEach(
      KubernetesClient client,
      String context,
      CrdKind kind,
      String version,
      Consumer<GenericKubernetesResource> each) {
    String token = null;
    try {
      do {
        ListOptions options =
            new ListOptionsBuilder().withLimit(CrdKinds.PAGE).withContinue(token).build();
        GenericKubernetesResourceList page =
            kind.namespaced()
                ? client
                    .genericKubernetesResources(kind.context(version))
                    .inAnyNamespace()
                    .list(options)
                : client.genericKubernetesResources(kind.context(version)).list(options);
        page.getItems().forEach(each);
        String next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        token = next == null || next.isEmpty() || next.equals(token) ? null : next;
      } while (token != null);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw KubernetesFailures.translate(
          e,
          "listing " + kind.plural() + "." + kind.group() + "/" + version + " in all namespaces",
          context);
    }
  }

  static List<ConformanceProblem> check(GenericKubernetesResource r, List<CrdKind> installed) {
    return check(r, installed, "installed");
  }

  /**
   * @param which names the CRDs in messages: "installed", or the target version's "0.11.3"
   */
  static List<ConformanceProblem> check(
      GenericKubernetesResource r, List<CrdKind> installed, String which) {
    String apiVersion = r.getApiVersion() == null ? "" : r.getApiVersion();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String ns = r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    String kindName = r.getKind();
    List<ConformanceProblem> problems = new ArrayList<>();

    Optional<CrdKind> kind =
        installed.stream()
            .filter(k -> k.group().equals(group) && k.kind().equals(kindName))
            .findFirst();
    if (kind.isEmpty()) {
      problems.add(
          new ConformanceProblem(
              kindName,
              ns,
              name,
              "$",
              "kind "
                  + kindName
                  + " of group "
                  + group
                  + " has no "
                  + which
                  + " CRD"
                  + ("installed".equals(which) ? " any more" : ""),
              "The new version dropped or renamed this kind; recreate its configuration as the kind that replaces it "
                  + "(see the changelog), then delete this object."));
      return problems;
    }
    CrdKind crd = kind.get();
    Optional<CustomResourceDefinitionVersion> served =
        crd.versionSpec(version).filter(v -> Boolean.TRUE.equals(v.getServed()));
    if (served.isEmpty()) {
      problems.add(
          new ConformanceProblem(
              kindName,
              ns,
              name,
              "$.apiVersion",
              "apiVersion "
                  + apiVersion
                  + " is not served by the "
                  + which
                  + " CRD (served: "
                  + crd.servedVersions()
                  + ")",
              "Rewrite it as "
                  + crd.group()
                  + "/"
                  + crd.version()
                  + " following the changelog and apply it again."));
      return problems;
    }
    if (served.get().getSchema() == null || served.get().getSchema().getOpenAPIV3Schema() == null) {
      return problems;
    }
    boolean crdKeepsEverything =
        Boolean.TRUE.equals(crd.crd().getSpec().getPreserveUnknownFields());
    problems.addAll(
        SchemaConformance.check(
            JSON.valueToTree(r),
            JSON.valueToTree(served.get().getSchema().getOpenAPIV3Schema()),
            crdKeepsEverything));
    return problems;
  }
}

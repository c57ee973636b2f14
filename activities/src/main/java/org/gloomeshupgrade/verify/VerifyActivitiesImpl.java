package org.gloomeshupgrade.verify;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.gloomeshupgrade.kube.CrdKind;
import org.gloomeshupgrade.kube.CrdKinds;
import org.gloomeshupgrade.kube.ImageVersions;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.mesh.GlooMeshGroups;
import org.gloomeshupgrade.sources.RequestedSources;
import org.gloomeshupgrade.sources.TrustedSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class VerifyActivitiesImpl implements VerifyActivities {
  private static final Logger log = LoggerFactory.getLogger(VerifyActivitiesImpl.class);

  private final KubernetesClients clients;
  private final MeshctlCheck meshctlCheck;
  private final TrustedSources trusted;

  public VerifyActivitiesImpl(KubernetesClients clients) {
    this(clients, TrustedSources.defaults());
  }

  /**
   * @param trusted the meshctl binaries requests may name
   */
  public VerifyActivitiesImpl(KubernetesClients clients, TrustedSources trusted) {
    this(clients, MeshctlCheck.onPath(clients), trusted);
  }

  public VerifyActivitiesImpl(KubernetesClients clients, MeshctlCheck meshctlCheck) {
    this(clients, meshctlCheck, TrustedSources.defaults());
  }

  /**
   * @param meshctlCheck runs {@code meshctl check} when the control plane was installed with
   *     meshctl
   */
  public VerifyActivitiesImpl(
      KubernetesClients clients, MeshctlCheck meshctlCheck, TrustedSources trusted) {
    this.clients = clients;
    this.meshctlCheck = meshctlCheck;
    this.trusted = trusted;
  }

  @Override
  public NetworkingStatus networkingStatus(String requestedContext) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    NetworkingStatus status = networkingStatus(client, context, CrdKinds.all(client, context));
    log.info(
        "networking status: cluster={}: {} of {} accepted at their current generation{}",
        context,
        status.accepted(),
        status.total(),
        status.notAccepted().isEmpty() ? "" : "; not yet: " + status.describeNotAccepted());
    return status;
  }

  @Override
  public VerifyReport verify(VerifyInput input) {
    ManagementPlane plane = read(input.context(), input.namespace());
    String context = plane.context();
    KubernetesClient client = plane.client();
    String ns = input.namespace();
    String target = ImageVersions.normalize(input.targetVersion());
    List<CustomResourceDefinition> crds = plane.crds();
    List<Deployment> deployments = plane.deployments();

    List<VerifyCheck> checks = new ArrayList<>();
    checks.add(deploymentsAvailable(deployments, ns));
    checks.add(networkingAccepted(networkingStatus(client, context, crds)));
    checks.add(crdsAtTarget(crds, target));
    checks.add(controlPlaneVersion(deployments, input.controlPlaneDeployments(), ns, target));
    checks.add(clustersRegistered(client, context, crds, ns));
    checks.add(discoveryComplete(client, context, crds, input.discoveryInventory()));
    if (input.runsMeshctlCheck()) {
      // The checks above are meshctl check's own, done directly;
      // with meshctl installed, its verdict counts too.
      trusted.refuseUntrusted(RequestedSources.meshctl(input.meshctlPath()));
      checks.add(meshctlCheck.run(context, ns, input.targetVersion(), input.meshctlPath()));
    }
    VerifyReport report = new VerifyReport(List.copyOf(checks));
    for (VerifyCheck c : checks) {
      log.info("verify: cluster={} check=\"{}\" {}: {}", context, c.name(), c.level(), c.detail());
    }
    log.info(
        "verify: cluster={} namespace={} target={}: overall {}",
        context,
        ns,
        target,
        report.overall());
    return report;
  }

  @Override
  public EndState observeEndState(EndStateInput input) {
    ManagementPlane plane = read(input.context(), input.namespace());
    String ns = input.namespace();
    List<String> controlPlane = List.of(input.discoveryDeployment(), input.networkingDeployment());
    Map<String, Integer> replicas = new TreeMap<>();
    Map<String, Integer> available = new TreeMap<>();
    plane.deployments().stream()
        .filter(d -> controlPlane.contains(d.getMetadata().getName()))
        .forEach(
            d -> {
              replicas.put(
                  d.getMetadata().getName(),
                  d.getSpec() == null || d.getSpec().getReplicas() == null
                      ? 1
                      : d.getSpec().getReplicas());
              Integer up = d.getStatus() == null ? null : d.getStatus().getAvailableReplicas();
              available.put(d.getMetadata().getName(), up == null ? 0 : up);
            });
    String target = ImageVersions.normalize(input.targetVersion());
    EndState seen =
        new EndState(
            replicas,
            available,
            crdsAtTarget(plane.crds(), target),
            controlPlaneVersion(plane.deployments(), controlPlane, ns, target),
            registeredClusters(plane.client(), plane.context(), plane.crds(), ns).fine(),
            CrdKinds.count(
                plane.client(),
                plane.context(),
                CrdKinds.ofGroups(plane.crds(), List.of(GlooMeshGroups.DISCOVERY))),
            networkingStatus(plane.client(), plane.context(), plane.crds()));
    log.info(
        "end state: cluster={} namespace={} replicas={} available={} crds={} control plane={} clusters={} "
            + "discovery={} networking {} of {} accepted",
        plane.context(),
        ns,
        replicas,
        available,
        seen.crds().level(),
        seen.controlPlane().level(),
        seen.registeredClusters(),
        seen.discovery(),
        seen.networking().accepted(),
        seen.networking().total());
    return seen;
  }

  /**
   * What verify and the end-state look both start from: the cluster, its CRDs and the namespace's
   * deployments.
   */
  private record ManagementPlane(
      String context,
      KubernetesClient client,
      List<CustomResourceDefinition> crds,
      List<Deployment> deployments) {}

  private ManagementPlane read(String requestedContext, String ns) {
    String context = clients.resolve(requestedContext);
    KubernetesClient client = clients.forContext(context);
    return new ManagementPlane(
        context,
        client,
        CrdKinds.all(client, context),
        KubernetesFailures.call(
            "listing deployments in namespace " + ns,
            context,
            () -> client.apps().deployments().inNamespace(ns).list().getItems()));
  }

  static NetworkingStatus networkingStatus(
      KubernetesClient client, String context, List<CustomResourceDefinition> crds) {
    int[] total = {0};
    int[] accepted = {0};
    // The first few, named; the rest counted: the answer stays small however many are pending.
    List<String> notAccepted = new ArrayList<>();
    for (CrdKind kind : CrdKinds.ofGroups(crds, GlooMeshGroups.NETWORKING_STATUS)) {
      CrdKinds.forEach(
          client,
          context,
          kind,
          r -> {
            total[0]++;
            Optional<String> problem = notAcceptedReason(r);
            if (problem.isEmpty()) {
              accepted[0]++;
            } else if (notAccepted.size() < NetworkingStatus.MAX_LISTED) {
              notAccepted.add(
                  NetworkingStatus.line(
                      "%s %s/%s: %s"
                          .formatted(
                              kind.kind(),
                              r.getMetadata().getNamespace(),
                              r.getMetadata().getName(),
                              problem.get())));
            }
          });
    }
    return new NetworkingStatus(total[0], accepted[0], List.copyOf(notAccepted));
  }

  /**
   * Empty when the resource is ACCEPTED at its current generation. A server that leaves
   * metadata.generation unset does not track generations, so only the state counts there; every
   * real API server sets it on custom resources.
   *
   * <p>Some kinds have no state field (WasmDeployment reports {@code observedGeneration}, {@code
   * error} and per-workload states): those count as accepted once observed at their generation
   * without an error.
   */
  static Optional<String> notAcceptedReason(GenericKubernetesResource r) {
    Map<String, Object> status = map(r.getAdditionalProperties().get("status"));
    Long generation = r.getMetadata().getGeneration();
    Long observed = status.get("observedGeneration") instanceof Number n ? n.longValue() : null;
    boolean current = generation == null || Objects.equals(generation, observed);
    if (status.get("state") == null && observed != null) {
      Object error = status.get("error");
      if (error != null && !String.valueOf(error).isBlank()) {
        return Optional.of("error: " + error);
      }
      return current
          ? Optional.empty()
          : Optional.of(
              "observedGeneration "
                  + observed
                  + " but generation is "
                  + generation
                  + " (not processed since its last change)");
    }
    String state = status.get("state") == null ? "NO STATUS" : String.valueOf(status.get("state"));
    List<String> errors =
        status.get("errors") instanceof List<?> l
            ? l.stream().map(String::valueOf).toList()
            : List.of();
    if ("ACCEPTED".equals(state) && current) {
      return Optional.empty();
    }
    String detail = state;
    if ("ACCEPTED".equals(state)) {
      detail +=
          " at observedGeneration "
              + observed
              + " but generation is "
              + generation
              + " (not processed since its last change)";
    }
    if (!errors.isEmpty()) {
      detail += " (" + String.join("; ", errors) + ")";
    }
    return Optional.of(detail);
  }

  private static VerifyCheck deploymentsAvailable(List<Deployment> deployments, String ns) {
    String name = "deployments available";
    if (deployments.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          "no deployments in namespace " + ns,
          "Is Gloo Mesh installed in namespace "
              + ns
              + "? Check the request's namespace and the Helm release.");
    }
    List<String> down = new ArrayList<>();
    for (Deployment d : deployments) {
      Integer available = d.getStatus() == null ? null : d.getStatus().getAvailableReplicas();
      if (available == null || available < 1) {
        down.add(
            d.getMetadata().getName()
                + " ("
                + (available == null ? 0 : available)
                + " available of "
                + (d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas())
                + ")");
      }
    }
    if (down.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.GREEN,
          deployments.size() + " deployment(s) in " + ns + " have available replicas",
          "");
    }
    return new VerifyCheck(
        name,
        CheckLevel.RED,
        "not available: " + String.join(", ", down),
        "kubectl -n " + ns + " describe deployment <name> and look at its pods' logs and events.");
  }

  private static VerifyCheck networkingAccepted(NetworkingStatus status) {
    String name = "networking resources accepted";
    if (status.steady()) {
      return new VerifyCheck(
          name,
          CheckLevel.GREEN,
          status.accepted() + " of " + status.total() + " ACCEPTED at their current generation",
          "");
    }
    return new VerifyCheck(
        name,
        CheckLevel.RED,
        "%d of %d not accepted: %s"
            .formatted(status.pending(), status.total(), status.describeNotAccepted()),
        "Read status.errors of each resource and the networking pod's logs; the new version may need a "
            + "changed field (see the changelog's BREAKING_CHANGE entries).");
  }

  private static VerifyCheck crdsAtTarget(List<CustomResourceDefinition> crds, String target) {
    String name = "CRDs at target version";
    List<String> missing = new ArrayList<>();
    List<String> other = new ArrayList<>();
    int count = 0;
    for (CustomResourceDefinition crd : crds) {
      if (crd.getSpec() == null || !GlooMeshGroups.isGlooMeshGroup(crd.getSpec().getGroup())) {
        continue;
      }
      count++;
      Map<String, String> annotations = crd.getMetadata().getAnnotations();
      String version =
          annotations == null ? null : annotations.get(GlooMeshGroups.CRD_VERSION_ANNOTATION);
      if (version == null) {
        missing.add(crd.getMetadata().getName());
      } else if (!ImageVersions.normalize(version).equals(target)) {
        other.add(crd.getMetadata().getName() + " at " + version);
      }
    }
    if (count == 0) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          "no Gloo Mesh CRDs installed",
          "Apply the CRDs of version " + target + " (the CRD step) and verify again.");
    }
    if (!other.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          "at another version: "
              + String.join(", ", other)
              + (missing.isEmpty()
                  ? ""
                  : "; without version annotation: " + String.join(", ", missing)),
          "Re-run the CRD step for version " + target + ".");
    }
    if (!missing.isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.YELLOW,
          "without the "
              + GlooMeshGroups.CRD_VERSION_ANNOTATION
              + " annotation: "
              + String.join(", ", missing),
          "These CRDs were not applied by this tool, so their version is unknown; compare them with the "
              + target
              + " CRDs or re-run the CRD step.");
    }
    return new VerifyCheck(name, CheckLevel.GREEN, count + " Gloo Mesh CRD(s) at " + target, "");
  }

  private static VerifyCheck controlPlaneVersion(
      List<Deployment> deployments, List<String> controlPlane, String ns, String target) {
    String name = "control plane version";
    Map<String, Deployment> byName =
        deployments.stream()
            .collect(
                Collectors.toMap(
                    d -> d.getMetadata().getName(), d -> d, (a, b) -> a, TreeMap::new));
    List<String> wrong = new ArrayList<>();
    List<String> right = new ArrayList<>();
    for (String deployment : controlPlane) {
      Deployment d = byName.get(deployment);
      if (d == null) {
        wrong.add(deployment + " not found in " + ns);
        continue;
      }
      String image = ImageVersions.image(d);
      Optional<String> version = ImageVersions.version(image);
      if (version.isPresent() && version.get().equals(target)) {
        right.add(deployment);
      } else {
        wrong.add(deployment + " runs " + (image.isEmpty() ? "no image" : image));
      }
    }
    if (wrong.isEmpty()) {
      return new VerifyCheck(
          name, CheckLevel.GREEN, String.join(" and ", right) + " run " + target, "");
    }
    return new VerifyCheck(
        name,
        CheckLevel.RED,
        String.join("; ", wrong) + " (want " + target + ")",
        "Check the Helm release (helm -n "
            + ns
            + " history <release>) and re-run the control plane step.");
  }

  private static VerifyCheck clustersRegistered(
      KubernetesClient client, String context, List<CustomResourceDefinition> crds, String ns) {
    String name = "clusters registered";
    Registrations found = registeredClusters(client, context, crds, ns);
    if (!found.crdInstalled()) {
      return new VerifyCheck(
          name,
          CheckLevel.RED,
          "no KubernetesCluster CRD installed",
          "Apply the multicluster.solo.io CRDs (the CRD step) and re-register the clusters.");
    }
    if (found.fine().isEmpty() && found.broken().isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.YELLOW,
          "no KubernetesCluster in " + ns,
          "If this management plane should manage clusters, register them (meshctl cluster register).");
    }
    if (found.broken().isEmpty()) {
      return new VerifyCheck(
          name,
          CheckLevel.GREEN,
          found.fine().size()
              + " cluster(s) with their secrets: "
              + String.join(", ", found.fine()),
          "");
    }
    return new VerifyCheck(
        name,
        CheckLevel.RED,
        String.join("; ", found.broken()),
        "Re-run the re-register step for these clusters.");
  }

  /** The KubernetesClusters whose Secret holds a kubeconfig, and the others with what is wrong. */
  private record Registrations(boolean crdInstalled, List<String> fine, List<String> broken) {}

  private static Registrations registeredClusters(
      KubernetesClient client, String context, List<CustomResourceDefinition> crds, String ns) {
    List<CrdKind> kinds =
        CrdKinds.ofGroups(crds, List.of(GlooMeshGroups.MULTICLUSTER)).stream()
            .filter(k -> k.kind().equals("KubernetesCluster"))
            .toList();
    if (kinds.isEmpty()) {
      return new Registrations(false, List.of(), List.of());
    }
    CrdKind kind = kinds.get(0);
    List<GenericKubernetesResource> registered =
        KubernetesFailures.call(
            "listing KubernetesClusters in namespace " + ns,
            context,
            () ->
                client
                    .genericKubernetesResources(kind.context())
                    .inNamespace(ns)
                    .list()
                    .getItems());
    List<String> broken = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    for (GenericKubernetesResource cluster : registered) {
      String clusterName = cluster.getMetadata().getName();
      Object secretName = map(cluster.getAdditionalProperties().get("spec")).get("secretName");
      String secret = secretName == null ? clusterName : String.valueOf(secretName);
      Secret found =
          KubernetesFailures.call(
              "reading secret " + ns + "/" + secret,
              context,
              () -> client.secrets().inNamespace(ns).withName(secret).get());
      if (found == null) {
        broken.add(clusterName + " (secret " + ns + "/" + secret + " missing)");
      } else if (found.getData() == null || !found.getData().containsKey("kubeconfig")) {
        broken.add(clusterName + " (secret " + ns + "/" + secret + " has no kubeconfig key)");
      } else {
        fine.add(clusterName);
      }
    }
    return new Registrations(true, List.copyOf(fine), List.copyOf(broken));
  }

  /**
   * With the inventory of preflight, complete when every kind is back to its count; without it
   * (histories recorded before), present when there is any discovery resource.
   */
  private static VerifyCheck discoveryComplete(
      KubernetesClient client,
      String context,
      List<CustomResourceDefinition> crds,
      Map<String, Integer> inventory) {
    Map<String, Integer> counts =
        CrdKinds.count(client, context, CrdKinds.ofGroups(crds, List.of(GlooMeshGroups.DISCOVERY)));
    if (inventory == null) {
      return discoveryPresent(counts);
    }
    String name = "discovery complete";
    Map<String, String> shortOf = new TreeMap<>();
    inventory.forEach(
        (kind, before) -> {
          int now = counts.getOrDefault(kind, 0);
          if (now < before) {
            shortOf.put(kind, now + " of " + before);
          }
        });
    if (shortOf.isEmpty()) {
      return new VerifyCheck(
          name, CheckLevel.GREEN, "every kind back to its count before the upgrade: " + counts, "");
    }
    return new VerifyCheck(
        name,
        CheckLevel.YELLOW,
        "fewer than before the upgrade: "
            + shortOf
            + " (now "
            + counts
            + ", before "
            + new TreeMap<>(inventory)
            + ")",
        "A remote cluster's agent may not have reported yet, or a cluster or workload is gone: look at the discovery "
            + "pod's logs and the agents on the remote clusters, then compare with what should exist.");
  }

  private static VerifyCheck discoveryPresent(Map<String, Integer> counts) {
    String name = "discovery present";
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return new VerifyCheck(
          name,
          CheckLevel.YELLOW,
          "no discovery resources" + (counts.isEmpty() ? " (no discovery CRDs)" : ""),
          "Discovery may still be starting; look at the discovery pod's logs, and at the remote clusters' agents.");
    }
    return new VerifyCheck(name, CheckLevel.GREEN, total + " discovery resource(s): " + counts, "");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}

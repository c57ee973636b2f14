package org.gloomeshupgrade.controlplane;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.Labels;
import org.gloomeshupgrade.workflow.FailureTypes;

/**
 * Which Helm release holds the Gloo Mesh control plane: the one the request names, else the one
 * Helm stamped on the discovery deployment ({@code meta.helm.sh/release-name} and {@code
 * -namespace}, Helm 3.2 and later), else the only deployed release of chart {@code gloo-mesh} in
 * the Gloo Mesh namespace, else in the cluster. Several candidates and no name: refused, listed.
 */
final class HelmReleaseLocator {
  static final String RELEASE_NAME_ANNOTATION = Labels.HELM_RELEASE_NAME;
  static final String RELEASE_NAMESPACE_ANNOTATION = Labels.HELM_RELEASE_NAMESPACE;

  /**
   * @param how how it was found, for the person reading the tooling report
   */
  record Located(String name, String namespace, String how) {
    String id() {
      return namespace + "/" + name;
    }
  }

  private final KubernetesClients clients;

  HelmReleaseLocator(KubernetesClients clients) {
    this.clients = clients;
  }

  Located locate(InstallSpec spec) {
    String deployment = spec.namespace() + "/" + spec.discoveryDeployment();
    Deployment discovery =
        KubernetesFailures.call(
            "reading deployment " + deployment,
            spec.context(),
            () ->
                clients
                    .forContext(spec.context())
                    .apps()
                    .deployments()
                    .inNamespace(spec.namespace())
                    .withName(spec.discoveryDeployment())
                    .get());
    Map<String, String> annotations =
        discovery == null || discovery.getMetadata().getAnnotations() == null
            ? Map.of()
            : discovery.getMetadata().getAnnotations();
    String annotatedName = annotations.getOrDefault(RELEASE_NAME_ANNOTATION, "");
    String annotatedNamespace = annotations.getOrDefault(RELEASE_NAMESPACE_ANNOTATION, "");

    if (!spec.release().isBlank()) {
      boolean same = spec.release().equals(annotatedName) && !annotatedNamespace.isBlank();
      return new Located(
          spec.release(), same ? annotatedNamespace : spec.namespace(), "named in the request");
    }
    if (!annotatedName.isBlank()) {
      return new Located(
          annotatedName,
          annotatedNamespace.isBlank() ? spec.namespace() : annotatedNamespace,
          "found from the Helm annotations of deployment " + deployment);
    }
    // The Gloo Mesh namespace first: the worker's Role
    // covers it; all namespaces only when nothing is there.
    List<HelmReleaseStorage.Revision> candidates =
        HelmReleaseStorage.deployed(
            clients.forContext(spec.context()),
            spec.context(),
            ChartResolver.CHART_NAME,
            spec.namespace());
    if (candidates.isEmpty()) {
      candidates = deployedInAnyNamespace(spec, deployment);
    }
    if (candidates.size() == 1) {
      HelmReleaseStorage.Revision only = candidates.get(0);
      return new Located(
          only.name(),
          only.namespace(),
          "the only deployed release of chart "
              + ChartResolver.CHART_NAME
              + " ("
              + only.chartVersion()
              + ")");
    }
    if (candidates.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no Helm release of chart "
              + ChartResolver.CHART_NAME
              + " is deployed on cluster "
              + spec.context()
              + " (deployment "
              + deployment
              + (discovery == null
                  ? " does not exist"
                  : " carries no " + RELEASE_NAME_ANNOTATION + " annotation")
              + "): the helm method upgrades an existing release. Name it in helmRelease, or use installMethod"
              + " manifests or meshctl.",
          FailureTypes.NOT_FOUND);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "cluster "
            + spec.context()
            + " has "
            + candidates.size()
            + " deployed releases of chart "
            + ChartResolver.CHART_NAME
            + ": "
            + candidates.stream().map(r -> r.id() + " (" + r.chartVersion() + ")").toList()
            + ". Name the one to upgrade in helmRelease (and its namespace in namespace).",
        FailureTypes.INVALID_REQUEST);
  }

  /**
   * The shipped permissions read Secrets in the Gloo Mesh namespace only; a release kept elsewhere
   * is named in the request rather than searched for with cluster-wide rights.
   */
  private List<HelmReleaseStorage.Revision> deployedInAnyNamespace(
      InstallSpec spec, String deployment) {
    try {
      return HelmReleaseStorage.deployed(
          clients.forContext(spec.context()), spec.context(), ChartResolver.CHART_NAME, null);
    } catch (ApplicationFailure e) {
      if (!FailureTypes.FORBIDDEN.equals(e.getType())) {
        throw e;
      }
      throw ApplicationFailure.newNonRetryableFailure(
          """
          no Helm release of chart %s is deployed in namespace %s on cluster %s, deployment %s \
          does not name its release, and the worker may not list Secrets in other namespaces to \
          look for it. Name the release in helmRelease, or grant list on \
          secrets cluster-wide.\
          """
              .formatted(ChartResolver.CHART_NAME, spec.namespace(), spec.context(), deployment),
          FailureTypes.FORBIDDEN);
    }
  }
}

package org.gloomeshupgrade.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.gloomeshupgrade.kube.KubernetesFailures;
import org.gloomeshupgrade.kube.PermissionReview;
import org.gloomeshupgrade.kube.PermissionReviews;

/**
 * The permissions that writing a rendered chart needs, asked in the tooling step, before anything
 * changes: a missing one found at the control-plane step would stop the run with the mesh already
 * scaled down.
 */
final class ChartPermissions {

  /** What was asked, and the kinds that could not be asked about. */
  record Checked(int reviewed, List<String> notChecked) {
    String describe() {
      return reviewed
          + " permission(s) to write its objects confirmed"
          + (notChecked.isEmpty()
              ? ""
              : "; not checked, served only after the CRD step: " + notChecked);
    }
  }

  private ChartPermissions() {}

  /**
   * Reviews each verb on each kind the chart renders (CRDs and hooks left out, as the installers
   * leave them), plus {@code extra}, and fails naming every one denied.
   */
  static Checked check(
      KubernetesClient client,
      String context,
      String namespace,
      List<JsonNode> documents,
      List<String> verbs,
      List<PermissionReview> extra) {
    Map<String, Optional<APIResourceList>> discovery = new HashMap<>();
    Set<PermissionReview> reviews = new LinkedHashSet<>(extra);
    Set<String> notChecked = new LinkedHashSet<>();
    for (JsonNode document : documents) {
      if (RenderedManifestInstaller.skipReason(document) != null) {
        continue;
      }
      String apiVersion = document.path("apiVersion").asText();
      String kind = document.path("kind").asText();
      String group =
          apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      HasMetadata typed = client.getKubernetesSerialization().unmarshal(document.toString());
      String plural;
      boolean namespaced;
      if (!(typed instanceof GenericKubernetesResource)) {
        // A built-in kind: its resource name and scope are fixed, and fabric8 knows them.
        plural = HasMetadata.getPlural(typed.getClass());
        namespaced = typed instanceof Namespaced;
      } else {
        Optional<APIResource> resource =
            discovery
                .computeIfAbsent(
                    apiVersion,
                    v ->
                        Optional.ofNullable(
                            KubernetesFailures.call(
                                "discovering " + v, context, () -> client.getApiResources(v))))
                .flatMap(
                    list ->
                        list.getResources() == null
                            ? Optional.empty()
                            : list.getResources().stream()
                                .filter(r -> kind.equals(r.getKind()) && !r.getName().contains("/"))
                                .findFirst());
        if (resource.isEmpty()) {
          notChecked.add(kind + " (" + apiVersion + ")");
          continue;
        }
        plural = resource.get().getName();
        namespaced = !Boolean.FALSE.equals(resource.get().getNamespaced());
      }
      String objectNamespace = document.path("metadata").path("namespace").asText("");
      for (String verb : verbs) {
        reviews.add(
            namespaced
                ? PermissionReview.namespaced(
                    context,
                    verb,
                    group,
                    plural,
                    "",
                    objectNamespace.isBlank() ? namespace : objectNamespace)
                : PermissionReview.clusterWide(context, verb, group, plural));
      }
    }
    PermissionReviews answers = new PermissionReviews(client, context);
    answers.check(new ArrayList<>(reviews));
    answers.failIfDenied();
    return new Checked(answers.count(), List.copyOf(notChecked));
  }
}

package org.gloomeshupgrade.controlplane;

import java.util.ArrayList;
import java.util.List;
import org.gloomeshupgrade.kube.KubernetesClients;
import org.gloomeshupgrade.kube.PermissionReview;
import org.gloomeshupgrade.kube.PodCreationHold;

/**
 * What a Helm upgrade of the chart writes, whether helm-java runs it or meshctl (which upgrades the
 * same chart with Helm inside): three-way merge patches, creates and deletes of the chart's
 * objects, the release's revisions, and the {@link PodCreationHold} around it.
 */
final class HelmPermissions {
  private static final List<String> CHART_VERBS = List.of("get", "create", "patch", "delete");

  /**
   * Helm lists a release's revision Secrets, writes the new one, marks the old superseded, prunes
   * past its limit.
   */
  private static final List<String> RELEASE_STORAGE_VERBS =
      List.of("get", "list", "create", "update", "delete");

  private HelmPermissions() {}

  /** Checks every permission, naming each missing one; the spec's release names the render only. */
  static ChartPermissions.Checked check(
      KubernetesClients clients, ChartResolver charts, InstallSpec spec, String releaseNamespace) {
    List<PermissionReview> releaseStorage = new ArrayList<>();
    for (String verb : RELEASE_STORAGE_VERBS) {
      releaseStorage.add(
          PermissionReview.namespaced(spec.context(), verb, "", "secrets", "", releaseNamespace));
    }
    // The step holds new pods while Helm writes the chart's replica counts.
    releaseStorage.addAll(PodCreationHold.permissions(spec.context(), spec.namespace()));
    return ChartPermissions.check(
        clients.forContext(spec.context()),
        spec.context(),
        spec.namespace(),
        RenderedManifestInstaller.render(charts, spec),
        CHART_VERBS,
        releaseStorage);
  }
}

package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels and annotations on objects we update: what others put there stays, ours win on conflict.
 */
public final class Labels {
  /**
   * Helm's ownership marks on every object of a release: the release upgrade rewrites such an
   * object.
   */
  public static final String HELM_RELEASE_NAME = "meta.helm.sh/release-name";

  public static final String HELM_RELEASE_NAMESPACE = "meta.helm.sh/release-namespace";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private Labels() {}

  /** Whether Helm's ownership marks are on the object: its release rewrites it on upgrade. */
  public static boolean ownedByHelm(ObjectMeta metadata) {
    Map<String, String> annotations = metadata.getAnnotations();
    Map<String, String> labels = metadata.getLabels();
    return annotations != null
        && annotations.containsKey(HELM_RELEASE_NAME)
        && labels != null
        && "Helm".equals(labels.get(MANAGED_BY));
  }

  /**
   * The union of both maps, desired entries last; null when both are empty, as the API server
   * stores it.
   */
  public static Map<String, String> merged(
      Map<String, String> existing, Map<String, String> desired) {
    Map<String, String> out = new LinkedHashMap<>();
    if (existing != null) {
      out.putAll(existing);
    }
    if (desired != null) {
      out.putAll(desired);
    }
    return out.isEmpty() ? null : out;
  }
}

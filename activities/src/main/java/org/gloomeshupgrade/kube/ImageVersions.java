package org.gloomeshupgrade.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/** The Gloo Mesh version a deployment runs, read from its image tag. */
public final class ImageVersions {
  private ImageVersions() {}

  /**
   * "gcr.io/gloo-mesh/networking:v0.11.3" gives "0.11.3". Empty for an image pinned only by digest
   * or without a tag: those say nothing about the version.
   */
  public static Optional<String> version(String image) {
    if (image == null || image.isBlank()) {
      return Optional.empty();
    }
    String ref = image;
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    // A colon before the last slash belongs to a registry port, not to a tag.
    if (colon < 0 || colon < ref.lastIndexOf('/')) {
      return Optional.empty();
    }
    String tag = ref.substring(colon + 1);
    return Optional.of(normalize(tag)).filter(t -> !t.isEmpty());
  }

  /** Versions compare without the leading 'v' that some tags and requests carry. */
  public static String normalize(String version) {
    if (version == null) {
      return "";
    }
    String v = version.trim();
    return v.startsWith("v") || v.startsWith("V") ? v.substring(1) : v;
  }

  /**
   * The container that carries the component: the one named like the deployment, else the first.
   */
  public static Optional<Container> mainContainer(Deployment deployment) {
    if (deployment.getSpec() == null
        || deployment.getSpec().getTemplate() == null
        || deployment.getSpec().getTemplate().getSpec() == null) {
      return Optional.empty();
    }
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    if (containers == null || containers.isEmpty()) {
      return Optional.empty();
    }
    String name = deployment.getMetadata().getName();
    return Optional.of(
        containers.stream()
            .filter(c -> name.equals(c.getName()))
            .findFirst()
            .orElse(containers.get(0)));
  }

  public static String image(Deployment deployment) {
    return mainContainer(deployment).map(Container::getImage).orElse("");
  }
}

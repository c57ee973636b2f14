package org.gloomeshupgrade.worker;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects one rendering of the worker's chart produced, and what its pod reads from where. */
record RenderedChart(List<HasMetadata> objects) {

  /**
   * A file the worker reads: the volume it is on, and the Secret or ConfigMap key it comes from.
   */
  record MountedFile(VolumeMount mount, String kind, String source, String key) {}

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The one object of a kind; fails when there is none or more. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one %s, rendered %d: %s"
              .formatted(type.getSimpleName(), found.size(), kinds()));
    }
    return found.get(0);
  }

  List<String> kinds() {
    return objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList();
  }

  PodSpec pod() {
    return one(Deployment.class).getSpec().getTemplate().getSpec();
  }

  Container worker() {
    return pod().getContainers().get(0);
  }

  /** The worker's environment; every variable has a literal value. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : worker().getEnv()) {
      env.put(variable.getName(), variable.getValue());
    }
    return env;
  }

  Volume volume(String name) {
    return pod().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  /**
   * Where the file at {@code path} in the worker's container comes from: the mount holding it and,
   * through the volume's items, the Secret or ConfigMap key behind it.
   */
  MountedFile file(String path) {
    VolumeMount mount = mountAbove(path);
    String relative = path.substring(mount.getMountPath().length() + 1);
    Volume volume = volume(mount.getName());
    if (volume.getSecret() != null) {
      return new MountedFile(
          mount,
          "Secret",
          volume.getSecret().getSecretName(),
          keyAt(volume.getSecret().getItems(), relative));
    }
    if (volume.getConfigMap() != null) {
      return new MountedFile(
          mount,
          "ConfigMap",
          volume.getConfigMap().getName(),
          keyAt(volume.getConfigMap().getItems(), relative));
    }
    throw new AssertionError(
        "%s is on volume %s, neither Secret nor ConfigMap".formatted(path, mount.getName()));
  }

  /** The worker's mount that holds {@code path}. */
  VolumeMount mountAbove(String path) {
    return worker().getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing is mounted at or above " + path));
  }

  /** The volume mounted at or above {@code path} in the worker's container. */
  Volume volumeAt(String path) {
    return volume(mountAbove(path).getName());
  }

  Optional<ConfigMap> configMap(String name) {
    return all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals(name))
        .findFirst();
  }

  /** The key behind a file of the volume: the item mapped to it, else the file's own name. */
  private static String keyAt(List<KeyToPath> items, String relative) {
    if (items == null || items.isEmpty()) {
      return relative;
    }
    return items.stream()
        .filter(i -> i.getPath().equals(relative))
        .map(KeyToPath::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no item of the volume is the file " + relative));
  }
}

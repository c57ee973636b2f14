package org.gloomeshupgrade.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One Gloo Mesh custom resource kind as a simulated version defines it: the names its CRD declares
 * and the structural schema of its single served version.
 */
public final class SimulatedKind {

  private final String group;
  private final String version;
  private final String kind;
  private final String plural;
  private final List<String> shortNames;
  private final ObjectNode schema;

  SimulatedKind(
      String group,
      String version,
      String kind,
      String plural,
      List<String> shortNames,
      ObjectNode schema) {
    this.group = Objects.requireNonNull(group);
    this.version = Objects.requireNonNull(version);
    this.kind = Objects.requireNonNull(kind);
    this.plural = Objects.requireNonNull(plural);
    this.shortNames = List.copyOf(shortNames);
    this.schema = Objects.requireNonNull(schema);
  }

  public String group() {
    return group;
  }

  public String version() {
    return version;
  }

  public String kind() {
    return kind;
  }

  public String plural() {
    return plural;
  }

  public String singular() {
    return kind.toLowerCase(Locale.ROOT);
  }

  public String listKind() {
    return kind + "List";
  }

  public List<String> shortNames() {
    return shortNames;
  }

  /** {@code group/version}, as written in a resource's apiVersion. */
  public String apiVersion() {
    return group + "/" + version;
  }

  /** {@code plural.group}, the name of the CustomResourceDefinition. */
  public String crdName() {
    return plural + "." + group;
  }

  /** A copy of the openAPIV3Schema: callers may change it freely. */
  public ObjectNode schema() {
    return schema.deepCopy();
  }

  /**
   * Every simulated kind is namespaced and has a status subresource, as all real Gloo Mesh 0.x
   * kinds but PodBounceDirective do.
   */
  public boolean namespaced() {
    return true;
  }

  public ResourceDefinitionContext context() {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  @Override
  public String toString() {
    return kind + "." + apiVersion();
  }
}
